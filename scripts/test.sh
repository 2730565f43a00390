#!/usr/bin/env bash
# npm test: provisions every service the tests need (apt, pip, Go build, npm) and runs all
# tests: type check, lint, unit, integration against real services, Python hub code, browser.
set -euo pipefail
source "$(dirname "$0")/env.sh"
mkdir -p .cache/test
LOG=.cache/test
t0=$(date +%s)
step() { echo; echo "━━ $* ($(( $(date +%s) - t0 ))s)"; }

step "provision"
ensure_node_modules
# Debian packages, the Python environments and the Go builds (API server, helm, NetworkPolicy
# analyzer) are independent: in parallel. Only psycopg2's build (hub image list) needs apt's
# libpq-dev, so Python waits for apt when pg_config is missing.
bash scripts/provision/apt.sh > "$LOG/apt.log" 2>&1 & apt_pid=$!
if command -v pg_config >/dev/null 2>&1; then
  bash scripts/provision/python.sh > "$LOG/python.log" 2>&1 & py_pid=$!
else
  (wait_apt() { while kill -0 "$apt_pid" 2>/dev/null; do sleep 2; done; }; wait_apt; bash scripts/provision/python.sh) > "$LOG/python.log" 2>&1 & py_pid=$!
fi
bash scripts/provision/kube.sh > "$LOG/kube.log" 2>&1 & kube_pid=$!
bash scripts/provision/helm.sh > "$LOG/helm.log" 2>&1 & helm_pid=$!
bash scripts/provision/netpol.sh > "$LOG/netpol.log" 2>&1 & netpol_pid=$!
fail=0
for p in "apt:$apt_pid" "python:$py_pid" "kube:$kube_pid" "helm:$helm_pid" "netpol:$netpol_pid"; do
  if wait "${p#*:}"; then tail -n 1 "$LOG/${p%%:*}.log"; else echo "provisioning ${p%%:*} failed:"; tail -n 30 "$LOG/${p%%:*}.log"; fail=1; fi
done
[ "$fail" = 0 ] || exit 1
step "provisioned"

step "type check and lint"
npx tsc --noEmit -p .
npx eslint . --max-warnings=0

step "unit and integration tests (vitest)"
npx vitest run --reporter=default --reporter=json --outputFile.json="$LOG/vitest.json"

step "hub-side Python (pytest, the hub image's packages in .venv-hub)"
bash scripts/pytest.sh --junitxml="$LOG/pytest.xml"

step "browser tests (Playwright, Debian Chromium)"
ensure_auth_secret
ensure_build
npx playwright test

step "summary"
node scripts/test-summary.mjs "$LOG"
echo "total time: $(( $(date +%s) - t0 ))s"
