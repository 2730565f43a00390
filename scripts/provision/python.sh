#!/usr/bin/env bash
# Creates .venv with the Python peers the tests run against. Idempotent: reinstalls only
# when requirements-test.txt changed.
set -euo pipefail
cd "$(dirname "$0")/../.."
stamp=.venv/.requirements.sha
want=$(sha256sum requirements-test.txt | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then exit 0; fi
python3 -m venv .venv
.venv/bin/pip install --quiet --disable-pip-version-check -r requirements-test.txt
echo "$want" > "$stamp"
echo "python: .venv ready"
