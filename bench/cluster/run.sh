#!/usr/bin/env bash
# Cluster bench: lib/cluster's plan/apply vs kubectl diff/apply --server-side, on a real
# kube-apiserver (built by scripts/provision/kube.sh, with kubectl from the same release).
# Usage: bench/cluster/run.sh
#        BENCH_OBJECTS=1000 BENCH_REPEAT=1 bench/cluster/run.sh
# See bench/cluster/run.ts for all BENCH_* variables; bench/cluster/phases.ts shows where a push spends its time.
set -euo pipefail
cd "$(dirname "$0")/../.."
bash scripts/provision/kube.sh
# lib/cluster is server-only: run it under the react-server condition, as the Next server does.
exec npx tsx --conditions=react-server bench/cluster/run.ts "$@"
