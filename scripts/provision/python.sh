#!/usr/bin/env bash
# Creates the two Python environments the tests run against. Idempotent: each is rebuilt only
# when its requirement files (or its interpreter) changed.
#
#   .venv-hub  the hub as the Z2JH 4.4.0 hub image runs it: requirements-hub.txt (the image's
#              frozen list: JupyterHub 5.5.0, KubeSpawner 7.0.0, ldapauthenticator 2.0.2, ...)
#              on Python 3.12 like the image's python:3.12 base, plus pytest
#              (requirements-hub-test.txt) for the hub-side Python in lib/render/python.
#   .venv      the reference peers (e2xgrader, e2x-exam-sheets) and pytest: requirements-test.txt.
#
# They are separate because the peers' pins and the hub image's pins need not agree.
# Env: E2X_HUB_PYTHON (interpreter for .venv-hub; default: python3.12 from PATH or pyenv).
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD

# The chart's own list, where the shared copy of the chart is present, must equal ours.
shared_req="${E2X_Z2JH_HUB_REQUIREMENTS:-$root/../shared/z2jh/hub-image-4.4.0/requirements.txt}"
if [ -f "$shared_req" ] && ! diff -q <(grep -v '^#' requirements-hub.txt | grep -v '^$') <(grep -v '^#' "$shared_req" | grep -v '^$') >/dev/null; then
  echo "python: requirements-hub.txt differs from the hub image's list $shared_req" >&2
  diff <(grep -v '^#' requirements-hub.txt) <(grep -v '^#' "$shared_req") | head -20 >&2
  exit 1
fi

hub_python() {
  if [ -n "${E2X_HUB_PYTHON:-}" ]; then echo "$E2X_HUB_PYTHON"; return; fi
  local pyenv_root candidate
  pyenv_root=$(pyenv root 2>/dev/null || echo "$HOME/.pyenv")
  # a pyenv shim on PATH answers only when 3.12 is the selected version: try the real binaries too
  for candidate in "$(command -v python3.12 || true)" $(ls -d "$pyenv_root"/versions/3.12*/bin/python3.12 2>/dev/null | sort -rV); do
    if [ -n "$candidate" ] && "$candidate" -c 'import sys; assert sys.version_info[:2] == (3, 12)' >/dev/null 2>&1; then
      echo "$candidate"
      return
    fi
  done
  echo "python: no Python 3.12 found (the hub image runs 3.12); using $(python3 --version) for .venv-hub" >&2
  command -v python3
}

# make_venv DIR PYTHON REQUIREMENT_FILE...
make_venv() {
  local dir=$1 py=$2
  shift 2
  local want
  want=$( (cat "$@"; "$py" --version) | sha256sum | cut -d' ' -f1)
  if [ -f "$dir/.requirements.sha" ] && [ "$(cat "$dir/.requirements.sha")" = "$want" ]; then
    echo "python: $dir ready ($("$dir/bin/python" --version))"
    return 0
  fi
  rm -rf "$dir"
  "$py" -m venv "$dir"
  local args=()
  for f in "$@"; do args+=(-r "$f"); done
  "$dir/bin/pip" install --quiet --disable-pip-version-check "${args[@]}"
  echo "$want" > "$dir/.requirements.sha"
  echo "python: $dir built ($("$dir/bin/python" --version))"
}

mkdir -p .cache
hub_py=$(hub_python)
# both in parallel: pip spends most of its time waiting for downloads and one build (psycopg2)
make_venv .venv-hub "$hub_py" requirements-hub.txt requirements-hub-test.txt > .cache/venv-hub.log 2>&1 & hub_pid=$!
make_venv .venv python3 requirements-test.txt
if ! wait "$hub_pid"; then
  cat .cache/venv-hub.log >&2
  rm -f .cache/venv-hub.log
  exit 1
fi
cat .cache/venv-hub.log
rm -f .cache/venv-hub.log
