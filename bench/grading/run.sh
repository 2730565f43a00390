#!/usr/bin/env bash
# Grading bench: the portal's submission scanner vs sha1sum vs e2xgrader's own hashing.
# Usage: bench/grading/run.sh            (600 submissions x 4 MiB)
#        BENCH_TOTAL_MB=300 bench/grading/run.sh
# See bench/grading/run.ts for all BENCH_* variables.
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ ! -x .venv/bin/python ]; then
  echo "no .venv/bin/python: the e2xgrader run is skipped" >&2
  export BENCH_SKIP_E2X=1
fi
exec npx tsx bench/grading/run.ts "$@"
