# Shared by start.sh and test.sh: installs npm packages when missing and prepares the
# data directory and session secret. Sourced, not run.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export E2X_DATA_DIR="${E2X_DATA_DIR:-$ROOT/.data}"
export NEXT_TELEMETRY_DISABLED=1

ensure_node_modules() {
  local stamp=node_modules/.package-lock.sha want
  want=$(sha256sum package-lock.json | cut -d' ' -f1)
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    echo "› installing npm packages"
    npm ci --no-audit --no-fund --loglevel=error
    echo "$want" > "$stamp"
  fi
}

ensure_auth_secret() {
  # password hashes and student data: only the portal's user may enter the folder
  mkdir -p "$E2X_DATA_DIR"
  chmod 700 "$E2X_DATA_DIR"
  if [ -z "${AUTH_SECRET:-}" ]; then
    if [ ! -s "$E2X_DATA_DIR/auth-secret" ]; then
      (umask 077 && node -e 'process.stdout.write(require("crypto").randomBytes(32).toString("base64url"))' > "$E2X_DATA_DIR/auth-secret")
    fi
    AUTH_SECRET="$(cat "$E2X_DATA_DIR/auth-secret")"
    export AUTH_SECRET
  fi
}

# The files the production bundle is built from: git's list in a clone, else (an unpacked
# release archive) the same folders as they are on disk.
build_sources() {
  local parts=(app components lib drizzle public next.config.ts package-lock.json postcss.config.mjs tsconfig.json)
  if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    git ls-files -co --exclude-standard "${parts[@]}"
  else
    find "${parts[@]}" -type f 2>/dev/null || true
  fi | grep -v -e '\.test\.ts$' -e '^lib/render/python/tests' | sort
}

# Builds the production bundle when a source file changed since the last build.
ensure_build() {
  local want
  want=$(build_sources | xargs -r -d '\n' sha256sum | sha256sum | cut -d' ' -f1)
  if [ ! -f .next/BUILD_ID ] || [ "$(cat .next/.source.sha 2>/dev/null)" != "$want" ]; then
    echo "› building the portal (next build)"
    npx next build || return 1
    echo "$want" > .next/.source.sha
  fi
}
