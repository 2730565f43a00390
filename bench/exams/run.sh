#!/usr/bin/env bash
# Exam sheets bench: password sheets for 600 students, this portal against e2x-exam-sheets
# (PyPI 0.1.1 on WeasyPrint 66) on the same input, in one run.
# Usage: bash bench/exams/run.sh            (600 students in 10 rooms)
#        BENCH_STUDENTS=1200 BENCH_REPEAT=1 bash bench/exams/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
# the peer runs in the same bench: provision it rather than leave it out
bash scripts/provision/python.sh
command -v pdftotext >/dev/null || bash scripts/provision/apt.sh
# lib/db is server-only: run under the react-server condition, as the Next server does.
exec npx tsx --conditions=react-server bench/exams/run.ts "$@"
