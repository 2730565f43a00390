#!/usr/bin/env bash
# Builds the test Kubernetes API server (kube-apiserver + embedded etcd, from
# e2e/kube) and kubectl into .cache/bin. Idempotent: skips the build when both
# binaries exist and the e2e/kube sources hash to the recorded stamp. Go's
# module and build caches make a rebuild after a source change take seconds;
# a cold build on 2 cores takes several minutes.
#
# Env: KUBE_BIN_DIR (default .cache/bin), GOFLAGS (default -p=<cores>).
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
bin_dir=${KUBE_BIN_DIR:-$root/.cache/bin}
stamp=$bin_dir/.e2x-kube-testserver.sha

if ! command -v go >/dev/null 2>&1; then
  echo "kube: Go toolchain not found (needed to build the test API server)" >&2
  exit 1
fi

want=$( (cat scripts/provision/kube.sh; cd e2e/kube && find . -type f \( -name '*.go' -o -name go.mod -o -name go.sum \) -print0 \
  | sort -z | xargs -0 sha256sum; go version) | sha256sum | cut -d' ' -f1)
if [ -x "$bin_dir/e2x-kube-testserver" ] && [ -x "$bin_dir/kubectl" ] \
  && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  exit 0
fi

mkdir -p "$bin_dir"
start=$(date +%s)
cd e2e/kube
export GOFLAGS=${GOFLAGS:--p=$(nproc)}
export CGO_ENABLED=0
# Stamp the real version (a module build otherwise reports v0.0.0-master).
kver=$(awk '$1 == "k8s.io/kubernetes" { print $2; exit }' go.mod)
minor=$(echo "$kver" | cut -d. -f2)
ldflags="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  ldflags="$ldflags -X $pkg.gitVersion=$kver -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor -X $pkg.gitTreeState=clean"
done
go build -trimpath -ldflags="$ldflags" -o "$bin_dir/" ./cmd/e2x-kube-testserver k8s.io/kubernetes/cmd/kubectl
echo "$want" > "$stamp"
echo "kube: built e2x-kube-testserver and kubectl in $(( $(date +%s) - start ))s ($bin_dir)"
