#!/usr/bin/env bash
# Roster bench: import of a 10,000-row German Excel exam list and roster search, the portal vs
# pandas.read_csv (what the E2x tools read rosters with) and a plain SQL LIKE, in one run.
# Usage: bench/rosters/run.sh            (10,000 rows)
#        BENCH_ROWS=50000 bench/rosters/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
# the peer runs in the same bench: provision it rather than leave it out
bash scripts/provision/python.sh
exec npx tsx bench/rosters/run.ts "$@"
