#!/usr/bin/env bash
# Room board bench: 600 participants in 8 rooms on the real-chart exam hub (users and pending
# servers on JupyterHub, submissions in the exchange), the board refreshed every 5 s in Chromium
# by a portal server (the production build) on the exam's database.
# Reports per refresh: hub API calls, server time, browser render and the whole refresh.
# Goal: under one second per refresh. No peer: no JupyterHub tool has a room board.
# Usage: bash bench/exam-day/run.sh        BENCH_STUDENTS=600 BENCH_ROOMS=8 BENCH_REFRESHES=12
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/env.sh
ensure_auth_secret
ensure_build
# lib/db and lib/cluster are server-only: run under the react-server condition, as the Next server does.
exec npx tsx --conditions=react-server bench/exam-day/board.ts "$@"
