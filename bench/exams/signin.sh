#!/usr/bin/env bash
# Exam start bench: 600 sign-ins with the passwords of the printed sheets to the real exam hub
# (Z2JH 4.4.0 chart, JupyterHub 5.5.0, behind configurable-http-proxy and HAProxy, the password
# Secret on a real kube-apiserver), spread over the first two minutes, then 600 all at once.
# Usage: bash bench/exams/signin.sh
#        BENCH_SIGNINS=1200 BENCH_CONCURRENCY=100 bash bench/exams/signin.sh
# Needs root (or sudo) like the hub tests: the hub and proxy pods run in mount namespaces of their own.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/env.sh
ensure_node_modules
bash scripts/provision/apt.sh
bash scripts/provision/python.sh
bash scripts/provision/kube.sh
bash scripts/provision/helm.sh
# lib/db and lib/cluster are server-only: run under the react-server condition, as the Next server does.
exec npx tsx --conditions=react-server bench/exams/signin.ts "$@"
