#!/usr/bin/env bash
# Load bench: 32 concurrent staff sessions on the heaviest pages of the production build
# (dashboard, the roster of a 10,000-student course with a search, the cluster page, the
# grading table), and the roster page against a static page of the same app, with autocannon
# on loopback. Not part of npm test.
# Usage: bash bench/load/run.sh                  (10 s per page, 32 connections)
#        BENCH_SECONDS=30 BENCH_CONNECTIONS=64 bash bench/load/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/env.sh
ensure_node_modules
ensure_auth_secret
ensure_build
# the load generator lives in a cache of its own: it is not a dependency of the portal
if [ ! -f .cache/bench/node_modules/autocannon/package.json ]; then
  npm install --prefix .cache/bench --no-save --no-audit --no-fund --loglevel=error autocannon@9.0.0
fi
exec npx tsx bench/load/run.ts "$@"
