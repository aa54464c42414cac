#!/usr/bin/env bash
# Alertmanager 0.35 (and amtool) built from the Go module proxy into the checkout's .cache/alertmanager-0.35/bin
# (Debian ships only 0.25). The integration tests find it there, or through ALERTMANAGER_035_BIN.
#
# Why not scripts/ci/go-install.sh: `go install github.com/prometheus/alertmanager/cmd/alertmanager@v0.35.0` fails,
# because ui/web.go embeds app/dist (`//go:embed app/dist`), which is built by npm in the Alertmanager repository
# and is not part of the module zip. So (reference/libraries.md): download the module, copy it somewhere writable,
# create a placeholder ui/app/dist/index.html and `go build` inside the copy. The v2 API works; the web UI is the
# placeholder. The version is stamped like promu's release builds (see go-install.sh), so `--version` tells this
# build apart, and the script skips everything when both binaries already report 0.35.0 (idempotent).
#
# Caching: the copy and the binaries live in the git-ignored .cache/; Go's module and build caches in $HOME make a
# rebuild take ~30 s when warm.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
module=github.com/prometheus/alertmanager
module_version=v0.35.0
release_version=0.35.0
dest="$root/.cache/alertmanager-0.35"
cmds=(alertmanager amtool)

command -v go >/dev/null 2>&1 || { echo "install-alertmanager: 'go' not found on PATH" >&2; exit 1; }

# `alertmanager, version 0.35.0 (branch: …` — github.com/prometheus/common/version.Print.
reports_version() {
  local bin=$1 out
  [ -x "$bin" ] || return 1
  out=$("$bin" --version 2>&1 | head -1) || return 1
  [[ "$out" == *" version ${release_version} "* ]]
}

all=1
for cmd in "${cmds[@]}"; do reports_version "$dest/bin/$cmd" || all=0; done
if [ $all = 1 ]; then
  echo "install-alertmanager: ${module}@${module_version} already in $dest/bin: ${cmds[*]}"
  exit 0
fi

# `go mod download -json` prints the module's directory in the module cache ("Dir").
moddir=$(cd /tmp && go mod download -json "${module}@${module_version}" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",*$/\1/p')
[ -n "$moddir" ] && [ -d "$moddir" ] || { echo "install-alertmanager: go mod download gave no directory" >&2; exit 1; }

src="$dest/src"
rm -rf "$src"
mkdir -p "$src" "$dest/bin"
cp -R "$moddir/." "$src/"
chmod -R u+w "$src"
mkdir -p "$src/ui/app/dist"
echo '<!doctype html><title>Alertmanager</title><p>UI not built (flink-prometheus-bridge test build; the API works).' \
  > "$src/ui/app/dist/index.html"

pkg=github.com/prometheus/common/version
ldflags="-X ${pkg}.Version=${release_version} -X ${pkg}.Revision=${module_version} -X ${pkg}.Branch=${module_version}"
ldflags+=" -X ${pkg}.BuildUser=install-alertmanager"
echo "install-alertmanager: building ${cmds[*]} of ${module}@${module_version} into $dest/bin"
for cmd in "${cmds[@]}"; do
  (cd "$src" && GOFLAGS=-mod=mod go build -ldflags "$ldflags" -o "$dest/bin/$cmd" "./cmd/$cmd")
done

for cmd in "${cmds[@]}"; do
  if ! reports_version "$dest/bin/$cmd"; then
    echo "install-alertmanager: $dest/bin/$cmd does not report version ${release_version}: $("$dest/bin/$cmd" --version 2>&1 | head -1)" >&2
    exit 1
  fi
  "$dest/bin/$cmd" --version 2>&1 | head -1
done
