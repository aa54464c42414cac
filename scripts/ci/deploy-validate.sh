#!/usr/bin/env bash
# Kubernetes manifests and the Helm chart, validated for real (issue 11 §2):
#   1. Helm v4.3.2 built from the Go module proxy into .cache/helm/bin (skipped when it is there and reports v4.3.2;
#      Go's caches in $HOME make a rebuild a link, cold it takes ~3-5 min on 2 cores);
#   2. `helm lint` and `helm template` of deploy/helm/flink-prometheus-bridge over the default values and every
#      value set in deploy/helm/ci-values/;
#   3. test/support/go/k8s-validate (its own `go test` first: it must catch unknown fields, wrong types, CRD-invalid
#      fields and unknown kinds) over every hand-written manifest in deploy/kubernetes/ and every rendering: built-in
#      kinds decoded strictly into k8s.io/api v0.37.2 types, custom resources against their upstream CRD schemas in
#      ../shared/conformance/k8s-crds/ (K8S_CRDS overrides);
#   4. each rendered sidecar config file passes the sidecar's own `check config` (with its rule files), so the
#      chart cannot render a config the sidecar refuses.
# The PrometheusRule holding exactly rules/*.yml and the generated files being up to date are unit tests
# (test/unit/deploy/), run by `npm test`.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
log() { echo "[deploy-validate] $*" >&2; }
crds=${K8S_CRDS:-$root/../shared/conformance/k8s-crds}
[ -d "$crds" ] || { log "CRDs not found in $crds (../shared/conformance/k8s-crds beside the checkout)"; exit 1; }
export K8S_CRDS=$crds

helm_version=v4.3.2
helm=$root/.cache/helm/bin/helm
if ! { [ -x "$helm" ] && "$helm" version --template '{{.Version}}' 2>/dev/null | grep -qx "$helm_version"; }; then
  log "building helm $helm_version (go install)"
  GOBIN=$root/.cache/helm/bin go install -ldflags "-X helm.sh/helm/v4/internal/version.version=$helm_version" "helm.sh/helm/v4/cmd/helm@$helm_version"
fi
"$helm" version --template 'helm {{.Version}} ({{.GoVersion}})'; echo

validator_src=$root/test/support/go/k8s-validate
validator=$root/.cache/k8s-validate/k8s-validate
(cd "$validator_src" && go test ./... && go build -o "$validator" .)

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
chart=deploy/helm/flink-prometheus-bridge
renders=()
for values in "" deploy/helm/ci-values/*.yaml; do
  name=$(basename "${values:-defaults}" .yaml)
  args=()
  [ -z "$values" ] || args=(-f "$values")
  "$helm" lint --strict "$chart" "${args[@]}"
  "$helm" template fpb "$chart" --namespace monitoring "${args[@]}" >"$out/$name.yaml"
  renders+=("$out/$name.yaml")
done

"$validator" -crds "$crds" deploy/kubernetes/*/*.yaml "${renders[@]}"

[ -f dist/cli.js ] || npm run build >/dev/null
for r in "${renders[@]}" deploy/kubernetes/*/configmap.yaml; do
  dir=$(mktemp -d -p "$out")
  node --input-type=module - "$r" "$dir" "$root/rules" <<'JS'
// Writes the rendered sidecar config (and rule files) of one chart rendering into a directory, rule_files
// pointing there, for `check config`; *_file keys under the chart's secret mounts point at placeholder files there
// (check config reads them; the Secrets themselves exist only in a cluster).
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseAllDocuments, parse, stringify } from 'yaml';
const [file, dir, bundledRules] = process.argv.slice(2);
const maps = parseAllDocuments(readFileSync(file, 'utf8')).map((d) => d.toJS()).filter((o) => o?.kind === 'ConfigMap');
const config = maps.find((m) => m.data?.['config.yml'] !== undefined);
if (!config) throw new Error(`${file}: no ConfigMap with config.yml`);
const rules = maps.find((m) => m.metadata.name.endsWith('-rules'));
mkdirSync(`${dir}/rules`);
for (const [name, text] of Object.entries(rules?.data ?? {})) writeFileSync(`${dir}/rules/${name}`, text);
const parsed = parse(config.data['config.yml']);
// The chart's rules ConfigMap, or (hand-written manifests) the bundled rules the image carries.
if (parsed.rule_files) parsed.rule_files = [rules ? `${dir}/rules/*.yml` : `${bundledRules}/*.yml`];
const MOUNTS = '/etc/flink-prometheus-bridge/';
const redirect = (o) => {
  if (o === null || typeof o !== 'object') return;
  for (const [k, v] of Object.entries(o)) {
    if (k.endsWith('_file') && typeof v === 'string' && v.startsWith(MOUNTS)) {
      const local = `${dir}/mounts/${v.slice(MOUNTS.length)}`;
      mkdirSync(dirname(local), { recursive: true });
      writeFileSync(local, 'placeholder\n');
      o[k] = local;
    } else redirect(v);
  }
};
redirect(parsed);
writeFileSync(`${dir}/config.yml`, stringify(parsed));
JS
  node dist/cli.js check config "$dir/config.yml" >&2 || { log "$(basename "$r"): the rendered config is refused by the sidecar"; exit 1; }
done
log "chart lints and renders ${#renders[@]} value sets; every manifest is strictly valid; every rendered config passes check config"
