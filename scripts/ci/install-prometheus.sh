#!/usr/bin/env bash
# Prometheus 3.16 and promtool 3.16, built from the Go module proxy into the checkout's .cache/prometheus-3.16/bin
# (Debian ships only 2.42). The integration tests find them there, or through PROMETHEUS_316_BIN / PROMTOOL_316_BIN.
# Prometheus 3.x modules are versioned v0.3MM.P for release 3.MM.P. See scripts/ci/go-install.sh for the caching.
#
# Later tools follow the same pattern, one script each, e.g. Alertmanager 0.35:
#   scripts/ci/go-install.sh .cache/alertmanager-0.35/bin github.com/prometheus/alertmanager v0.35.0 0.35.0 alertmanager amtool
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
exec "$root/scripts/ci/go-install.sh" "$root/.cache/prometheus-3.16/bin" \
  github.com/prometheus/prometheus v0.316.0 3.16.0 prometheus promtool
