#!/usr/bin/env bash
# Provides an offline NetworkPolicy connectivity analyzer for tests/integration/netpol-*.test.ts.
# Idempotent; prints the analyzer it made available.
#
# 1. np-guard's netpol-analyzer (Go module github.com/np-guard/netpol-analyzer, cmd/netpolicy),
#    built from the wrapper module e2e/netpol (its go.sum pins the analyzer's hashes, which the
#    checksum database does not serve) into .cache/bin/k8snetpolicy.
# 2. If that build fails, np-guard's Network Config Analyzer (PyPI network-config-analyzer, same
#    authors, same "src => dst : conn" connectivity report) in its own venv, linked as .cache/bin/nca.
set -euo pipefail
cd "$(dirname "$0")/../.."
NCA_VERSION="${NCA_VERSION:-2.1.0}"
bin="$PWD/.cache/bin"
mkdir -p "$bin"

stamp="$bin/.k8snetpolicy.sha"
want=$( (cat scripts/provision/netpol.sh e2e/netpol/go.mod e2e/netpol/go.sum; go version 2>/dev/null) | sha256sum | cut -d' ' -f1)
if [ -x "$bin/k8snetpolicy" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
  echo "netpol: k8snetpolicy ready"
  exit 0
fi

if command -v go >/dev/null 2>&1; then
  tmp=$(mktemp -d)
  start=$(date +%s)
  if (cd e2e/netpol && CGO_ENABLED=0 GOFLAGS="-mod=readonly ${GOFLAGS:--p=$(nproc)}" \
      go build -trimpath -ldflags="-s -w" -o "$tmp/k8snetpolicy" github.com/np-guard/netpol-analyzer/cmd/netpolicy) 2>"$tmp/err"; then
    mv "$tmp/k8snetpolicy" "$bin/k8snetpolicy"
    echo "$want" > "$stamp"
    rm -rf "$tmp"
    rm -f "$bin/nca"
    echo "netpol: k8snetpolicy built in $(( $(date +%s) - start ))s"
    exit 0
  fi
  echo "netpol: cannot build netpol-analyzer: $(tail -n 2 "$tmp/err" | tr '\n' ' ')" >&2
  rm -rf "$tmp"
fi

nca_stamp="$PWD/.cache/nca/.version"
if [ ! -x "$PWD/.cache/nca/bin/nca" ] || [ "$(cat "$nca_stamp" 2>/dev/null)" != "$NCA_VERSION" ]; then
  python3 -m venv "$PWD/.cache/nca"
  "$PWD/.cache/nca/bin/pip" install --quiet --disable-pip-version-check "network-config-analyzer==${NCA_VERSION}"
  echo "$NCA_VERSION" > "$nca_stamp"
fi
ln -sf ../nca/bin/nca "$bin/nca"
echo "netpol: nca ${NCA_VERSION} ready (fallback analyzer)"
