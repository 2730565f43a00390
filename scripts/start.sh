#!/usr/bin/env bash
# npm start: install what is missing, migrate, seed demo data on first run, serve on :3000.
set -euo pipefail
source "$(dirname "$0")/env.sh"
ensure_node_modules
ensure_auth_secret
echo "› migrating $E2X_DATA_DIR/portal.db"
npx tsx scripts/migrate.ts
ensure_build
PORT="${PORT:-3000}"
if [ -z "${KUBECONFIG:-}" ] && [ ! -f /var/run/secrets/kubernetes.io/serviceaccount/token ]; then
  echo "› no cluster configured: pushes go to the export target in $E2X_DATA_DIR/export"
fi
echo "› serving http://localhost:$PORT"
exec npx next start -p "$PORT"
