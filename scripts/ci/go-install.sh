#!/usr/bin/env bash
# Builds Go commands of one Prometheus-ecosystem module at one version into a directory, with the version stamped
# in as the project's own release builds (promu) do, and skips the build when every binary is already there and
# reports that version.
#
#   scripts/ci/go-install.sh DEST_BIN_DIR MODULE MODULE_VERSION RELEASE_VERSION CMD...
#   e.g. scripts/ci/go-install.sh .cache/prometheus-3.16/bin github.com/prometheus/prometheus v0.316.0 3.16.0 prometheus promtool
#
# Each CMD is MODULE/cmd/CMD, installed with `GOBIN=DEST_BIN_DIR go install MODULE/cmd/CMD@MODULE_VERSION`.
# `go install` builds from the module proxy, so the RELEASE_VERSION is stamped with -ldflags -X into
# github.com/prometheus/common/version (which prometheus, promtool, alertmanager, amtool and pushgateway all print
# with --version): without it `--version` prints an empty version and nothing could tell a 3.16 binary from another.
#
# Caching: DEST_BIN_DIR lives in the checkout's git-ignored .cache/, which is empty on every fresh CI clone. What
# makes the rebuild fast is Go's own caches in $HOME (`go env GOMODCACHE`: downloaded modules; `go env GOCACHE`:
# compiled packages), which persist on the CI machine: with both warm, a rebuild is a link only (seconds to a
# minute); cold, Prometheus takes ~7 min on 2 cores. -ldflags -X changes only the link step, so it does not
# invalidate compiled packages that an install without it left in GOCACHE.
set -euo pipefail

if [ $# -lt 5 ]; then
  echo "usage: $0 DEST_BIN_DIR MODULE MODULE_VERSION RELEASE_VERSION CMD..." >&2
  exit 2
fi
dest=$1 module=$2 module_version=$3 release_version=$4
shift 4
cmds=("$@")

command -v go >/dev/null 2>&1 || { echo "go-install: 'go' not found on PATH (Go is needed to build ${module})" >&2; exit 1; }

# `<cmd>, version 3.16.0 (branch: …` — the format of github.com/prometheus/common/version.Print.
reports_version() {
  local bin=$1 out
  [ -x "$bin" ] || return 1
  out=$("$bin" --version 2>&1 | head -1) || return 1
  [[ "$out" == *" version ${release_version} "* ]]
}

missing=()
for cmd in "${cmds[@]}"; do
  reports_version "${dest}/${cmd}" || missing+=("$cmd")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "go-install: ${module}@${module_version} (${release_version}) already in ${dest}: ${cmds[*]}"
  exit 0
fi

mkdir -p "$dest"
dest=$(cd "$dest" && pwd)
pkg=github.com/prometheus/common/version
ldflags="-X ${pkg}.Version=${release_version} -X ${pkg}.Revision=${module_version} -X ${pkg}.Branch=${module_version}"
ldflags+=" -X ${pkg}.BuildUser=go-install"
targets=()
for cmd in "${missing[@]}"; do targets+=("${module}/cmd/${cmd}@${module_version}"); done
echo "go-install: building ${missing[*]} of ${module}@${module_version} into ${dest}" \
  "(GOCACHE=$(go env GOCACHE), GOMODCACHE=$(go env GOMODCACHE))"
# One `go install` for all commands of the module: their shared packages are compiled once.
GOBIN="$dest" go install -ldflags "$ldflags" "${targets[@]}"

for cmd in "${missing[@]}"; do
  if ! reports_version "${dest}/${cmd}"; then
    echo "go-install: ${dest}/${cmd} does not report version ${release_version}: $("${dest}/${cmd}" --version 2>&1 | head -1)" >&2
    exit 1
  fi
done
for cmd in "${cmds[@]}"; do "${dest}/${cmd}" --version 2>&1 | head -1; done
