#!/usr/bin/env bash
# Grading bench: the portal's submission scanner vs sha1sum vs e2xgrader's own hashing.
# Usage: bench/grading/run.sh            (600 submissions x 4 MiB)
#        BENCH_TOTAL_MB=300 bench/grading/run.sh
# See bench/grading/run.ts for all BENCH_* variables.
set -euo pipefail
cd "$(dirname "$0")/../.."
# the peer runs in the same bench: provision it rather than leave it out
bash scripts/provision/python.sh
exec npx tsx bench/grading/run.ts "$@"
