#!/usr/bin/env bash
# `npm run demo`: a real local Flink (scripts/flink.sh: JobManager + TaskManager started with plain java from the
# PyPI distribution) running the demo streaming job, and the sidecar polling it. Ctrl-C stops everything it started.
#   FLINK_LINE=1.20 npm run demo     # the 1.20 line instead of the newest 2.x
#   DEMO_PORT=9275 FLINK_REST_PORT=8081 override the ports.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${DEMO_PORT:-9275}"
export FLINK_REST_PORT="${FLINK_REST_PORT:-8081}"
FLINK_URL="http://127.0.0.1:${FLINK_REST_PORT}"
# Flink's PushGateway reporter pushes every process's metrics to the sidecar (README "Push API"): operator-level and
# data-quality series (late records, latency markers) that the REST API does not give.
export FLINK_EXTRA_CONF="${FLINK_EXTRA_CONF:+${FLINK_EXTRA_CONF}
}metrics.reporter.push.factory.class: org.apache.flink.metrics.prometheus.PrometheusPushGatewayReporterFactory
metrics.reporter.push.hostUrl: http://127.0.0.1:${PORT}
metrics.reporter.push.interval: 10 s
metrics.latency.interval: 10000"

sidecar_pid=""
cleanup() {
  trap - EXIT INT TERM
  echo "[demo] stopping"
  if [ -n "$sidecar_pid" ]; then
    # On Ctrl-C the terminal already sent SIGINT to the sidecar too: let it finish its poll and exit by itself
    # (a second signal would make it exit at once); otherwise ask it with SIGTERM.
    if [ "${1:-}" = int ]; then
      for _ in $(seq 1 50); do kill -0 "$sidecar_pid" 2>/dev/null || break; sleep 0.2; done
    fi
    kill -TERM "$sidecar_pid" 2>/dev/null || true
    wait "$sidecar_pid" 2>/dev/null || true
  fi
  scripts/flink.sh stop || true
}
trap 'cleanup int' INT
trap cleanup EXIT TERM

[ -f dist/cli.js ] || npm run build
scripts/flink.sh start
jid="$(scripts/flink.sh submit-job)"
scripts/flink.sh wait-running "$jid" >/dev/null

# Alert state (pending `for`s, firing alerts) survives a restart of the demo in .demo-data/.
node dist/cli.js --config.file=examples/demo.yml --flink.rest-url="$FLINK_URL" --web.listen-address="127.0.0.1:${PORT}" --storage.path=.demo-data --web.enable-lifecycle &
sidecar_pid=$!

cat <<MSG

[demo] Flink $(scripts/flink.sh version) is running job ${jid} (web UI: ${FLINK_URL}).
[demo] The sidecar polls it every 10 s. Look at:
[demo]   http://127.0.0.1:${PORT}/metrics      e.g. curl -s http://127.0.0.1:${PORT}/metrics | grep -E '^flink_(up|job_state|job_source|task_busy_ratio)'
[demo]   pushed by Flink's reporter:  curl -s http://127.0.0.1:${PORT}/metrics | grep -E '^flink_(operator_records_in_per_second|task_late_records_dropped|job_latency_seconds)'
[demo]   http://127.0.0.1:${PORT}/            status page
[demo]   bundled rules (rules/*.yml):  curl -s http://127.0.0.1:${PORT}/api/v1/rules
[demo]   alerts:                       curl -s http://127.0.0.1:${PORT}/api/v1/alerts
[demo]   scripts/flink.sh stop-tm --kill  (kills the TaskManager) to see the restart alert go pending, then firing; edit rules/*.yml and
[demo]   curl -X POST http://127.0.0.1:${PORT}/-/reload  to reload them
[demo] Windowed rates appear after two polls (about 20 s). Ctrl-C stops the sidecar and Flink.

MSG
wait "$sidecar_pid"
