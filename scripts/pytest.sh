#!/usr/bin/env bash
# npm run test:python: the hub-side Python (lib/render/python) under pytest, in .venv-hub with
# the hub image's own package versions. Extra arguments go to pytest (npm test adds --junitxml).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/provision/python.sh
exec .venv-hub/bin/pytest -q lib/render/python/tests -p no:cacheprovider "$@"
