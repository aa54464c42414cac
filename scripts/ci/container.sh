#!/usr/bin/env bash
# The container image, built from the repository's Dockerfile and run against a real local Flink (issue 11 §1).
#
# This machine has no Docker daemon and reaches no image registry, so:
#   1. the base image is a Debian trixie minbase with Debian's nodejs, built by debootstrap from the Debian mirror
#      and cached as a tarball under .cache/container/ (keyed by suite and package list), then `podman import`ed as
#      localhost/fpb-base:trixie;
#   2. `podman build --build-arg BASE=localhost/fpb-base:trixie` builds the Dockerfile (its build stage installs
#      Debian's npm, which the base lacks; the npm registry is reachable);
#   3. the image runs with runc (crun refuses this machine's hybrid cgroups), explicit ulimits (the defaults are not
#      permitted here), host networking, a read-only root filesystem and a volume for /data, against a Flink started
#      by scripts/flink.sh running the demo job: /-/healthy, the image's HEALTHCHECK, flink_up 1 and the demo job's
#      series from inside the container; then `podman stop` must end it with exit code 0 and the shutdown log line.
# Prints the image size. Environment: FLINK_LINE (default 2), FLINK_REST_PORT (default 18081) and the other
# scripts/flink.sh port variables; FPB_IMAGE_PORT (default 9275, the image's default, so that its HEALTHCHECK applies).
# `--build-only`: steps 1 and 2.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
log() { echo "[container.sh] $*" >&2; }

export FLINK_LINE="${FLINK_LINE:-2}"
export FLINK_REST_PORT="${FLINK_REST_PORT:-18081}"
port="${FPB_IMAGE_PORT:-9275}"
suite=trixie
packages=nodejs,ca-certificates
base_image=localhost/fpb-base:$suite
image=localhost/flink-prometheus-bridge:ci
name=fpb-ci-$$

missing=()
for tool in podman runc debootstrap; do command -v "$tool" >/dev/null 2>&1 || missing+=("$tool"); done
if [ ${#missing[@]} -gt 0 ]; then
  log "installing ${missing[*]}"
  apt-get update -q
  apt-get install -y -q --no-install-recommends podman runc debootstrap
fi
podman --version

# 1. Base image.
cache="$root/.cache/container"
mkdir -p "$cache"
key=$(printf '%s %s' "$suite" "$packages" | sha256sum | cut -c1-12)
tarball="$cache/base-$suite-$key.tar"
if [ ! -s "$tarball" ]; then
  rootfs=$(mktemp -d)
  log "debootstrap --variant=minbase --include=$packages $suite (cached as $tarball)"
  debootstrap --variant=minbase --include="$packages" "$suite" "$rootfs" http://deb.debian.org/debian >&2
  # Package caches and docs are not needed at run time; the apt lists go too (the build stage runs apt-get update).
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/*
  tar -C "$rootfs" -cf "$tarball.tmp" .
  mv "$tarball.tmp" "$tarball"
  rm -rf "$rootfs"
fi
podman import --quiet "$tarball" "$base_image" >/dev/null
log "base $base_image from $tarball ($(du -h "$tarball" | cut -f1))"

# 2. The image.
version=$(node -p 'require("./package.json").version')
log "podman build -t $image (BASE=$base_image, VERSION=$version)"
# The machine's CA bundle as a build secret: this machine reaches the npm registry through a TLS-intercepting proxy
# whose CA the Debian base does not have (see the Dockerfile).
ca_bundle=${NODE_EXTRA_CA_CERTS:-/etc/ssl/certs/ca-certificates.crt}
podman build --runtime runc --network host --format docker --pull=never \
  --secret "id=ca_bundle,src=$ca_bundle" \
  --build-arg "BASE=$base_image" --build-arg "VERSION=$version" -t "$image" . >&2
size=$(podman image inspect --format '{{.Size}}' "$image")
log "image $image: $((size / 1024 / 1024)) MiB"
[ "$(podman image inspect --format '{{.Config.User}}' "$image")" = "10001:10001" ] || { log "image does not run as 10001:10001"; exit 1; }

[ "${1:-}" != --build-only ] || exit 0

# 3. Run it against a real Flink running the demo job.
data=$(mktemp -d)
chown 10001:10001 "$data"
cleanup() {
  podman rm -f "$name" >/dev/null 2>&1 || true
  scripts/flink.sh stop >&2 || true
  rm -rf "$data"
}
trap cleanup EXIT
scripts/flink.sh start >&2
jid=$(scripts/flink.sh submit-job --new)
scripts/flink.sh wait-running "$jid" >/dev/null

podman --runtime runc run -d --name "$name" \
  --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 --network host \
  --read-only -v "$data:/data" \
  "$image" --flink.rest-url="http://127.0.0.1:$FLINK_REST_PORT" --web.listen-address="127.0.0.1:$port" >/dev/null
[ "$(podman inspect --format '{{.State.Pid}}' "$name")" -gt 0 ]
# PID 1 inside the container is node itself (exec-form ENTRYPOINT), so SIGTERM reaches the sidecar.
pid1=$(podman exec "$name" cat /proc/1/cmdline | tr '\0' ' ')
case "$pid1" in node\ /app/dist/cli.js*) ;; *) log "PID 1 is not the sidecar: $pid1"; exit 1 ;; esac

url="http://127.0.0.1:$port"
ok=""
for _ in $(seq 1 60); do
  body=$(curl -fsS "$url/metrics" 2>/dev/null || true)
  if grep -q '^flink_up 1$' <<<"$body" && grep -q "^flink_job_uptime_seconds{job_id=\"$jid\"" <<<"$body" && grep -q "^flink_task_records_in_total{job_id=\"$jid\"" <<<"$body"; then
    ok=1
    break
  fi
  sleep 2
done
[ -n "$ok" ] || { log "no flink_up 1 / demo job series from the container within 120 s"; podman logs "$name" >&2; exit 1; }
curl -fsS "$url/-/healthy" >/dev/null
podman healthcheck run "$name" >/dev/null 2>&1 || [ "$port" != 9275 ] || { log "the image's HEALTHCHECK failed"; exit 1; }
log "container serves flink_up 1 and job $jid's series; /-/healthy and the HEALTHCHECK pass"

podman stop --time 30 "$name" >/dev/null
code=$(podman inspect --format '{{.State.ExitCode}}' "$name")
logs=$(podman logs "$name" 2>&1)
[ "$code" = 0 ] || { log "exit code $code after podman stop"; echo "$logs" >&2; exit 1; }
grep -q 'msg="received signal, stopping"' <<<"$logs" && grep -q 'msg=bye' <<<"$logs" || { log "no graceful shutdown in the logs"; echo "$logs" >&2; exit 1; }
log "podman stop: SIGTERM handled, exit code 0"
echo "image $image: $((size / 1024 / 1024)) MiB"
