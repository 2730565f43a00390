#!/usr/bin/env bash
# Provides an offline NetworkPolicy connectivity analyzer for tests/integration/netpol-*.test.ts.
# Idempotent; prints the analyzer it made available.
#
# 1. np-guard's netpol-analyzer (Go module github.com/np-guard/netpol-analyzer, cmd/netpolicy),
#    built into .cache/bin/k8snetpolicy through the Go module proxy.
# 2. If the module proxy does not serve it, np-guard's Network Config Analyzer (PyPI
#    network-config-analyzer, same authors, same "src => dst : conn" connectivity report) in
#    its own venv, linked as .cache/bin/nca.
set -euo pipefail
cd "$(dirname "$0")/../.."
NETPOL_ANALYZER_VERSION="${NETPOL_ANALYZER_VERSION:-v1.1.0}"
NCA_VERSION="${NCA_VERSION:-2.1.0}"
bin="$PWD/.cache/bin"
mkdir -p "$bin"

stamp="$bin/.k8snetpolicy.version"
if [ -x "$bin/k8snetpolicy" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$NETPOL_ANALYZER_VERSION" ]; then
  echo "netpol: k8snetpolicy $NETPOL_ANALYZER_VERSION ready"
  exit 0
fi

if command -v go >/dev/null 2>&1; then
  tmp=$(mktemp -d)
  if GOBIN="$tmp" GOFLAGS=-mod=mod go install \
      "github.com/np-guard/netpol-analyzer/cmd/netpolicy@${NETPOL_ANALYZER_VERSION}" 2>"$tmp/err"; then
    mv "$tmp/netpolicy" "$bin/k8snetpolicy"
    echo "$NETPOL_ANALYZER_VERSION" > "$stamp"
    rm -rf "$tmp"
    echo "netpol: k8snetpolicy $NETPOL_ANALYZER_VERSION built"
    exit 0
  fi
  echo "netpol: cannot build netpol-analyzer ${NETPOL_ANALYZER_VERSION}: $(tail -n 2 "$tmp/err" | tr '\n' ' ')" >&2
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
