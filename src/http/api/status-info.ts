/**
 * What `/api/v1/status/buildinfo` and `/api/v1/status/config` show.
 */
import { readFileSync } from 'node:fs';
import { stringify } from 'yaml';
import type { BridgeConfig, PromQLCompat } from '../../config/schema.js';

/** The Prometheus release whose API and PromQL semantics each compat setting follows. */
const EMULATED_PROMETHEUS: Readonly<Record<PromQLCompat, string>> = { '3': '3.16.0', '2': '2.42.0' };

function ownVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : 'unknown';
  } catch {
    return 'unknown';
  }
}

/**
 * buildinfo with Prometheus's field names. `version` is the Prometheus release whose semantics the sidecar
 * follows (`3.16.0`, or `2.42.0` with `promql.compat: "2"`), because clients such as Grafana switch features on
 * it; the sidecar's own version is in `revision` and `application`.
 */
export function apiBuildInfo(compat: PromQLCompat): Record<string, string> {
  return {
    version: EMULATED_PROMETHEUS[compat],
    revision: `flink-prometheus-bridge ${ownVersion()}`,
    branch: '',
    buildUser: '',
    buildDate: '',
    goVersion: `node ${process.version}`,
    application: 'flink-prometheus-bridge',
  };
}

const SECRET_KEY_RE = /password|token|credentials|secret|key$/i;

/**
 * The effective config (runtime shape: camelCase, durations in ms) as YAML, secrets shown as `<secret>` like
 * Prometheus's `config.Secret`.
 */
export function redactedConfigYaml(config: BridgeConfig): string {
  return stringify(config, (key, value: unknown) => (typeof value === 'string' && SECRET_KEY_RE.test(key) ? '<secret>' : value));
}
