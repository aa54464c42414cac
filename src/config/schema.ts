/**
 * The config file's schema (snake_case YAML, validated once with zod) and the frozen runtime shape
 * (`BridgeConfig`, camelCase, durations in ms, secrets resolved) that the rest of the sidecar reads.
 *
 * Adding a section (`push`, `remote_write`, `rule_files`, `alerting`): write `sections/<name>.ts` exporting its
 * strict zod schema, add it to `SECTIONS` below, add its runtime shape to `BridgeConfig`, and convert it in
 * `load.ts` (`toBridgeConfig`). Until then such keys are rejected as unknown.
 */
import { z } from 'zod';
import { formatDuration } from './duration.js';
import { nullAsAbsent } from './fields.js';
import { flinkSectionSchema } from './sections/flink.js';
import { globalSectionSchema } from './sections/global.js';

/** One rate window: its normalised name (Prometheus duration format, e.g. `1m` for `60s`) and length in ms. */
export interface WindowConfig {
  readonly name: string;
  readonly ms: number;
}

/** `global` section, runtime shape. */
export interface GlobalConfig {
  /** How often the Flink REST API is polled, ms (>= 1000). */
  readonly pollIntervalMs: number;
  /** How often rules are evaluated, ms (>= 1000). */
  readonly evaluationIntervalMs: number;
  /** Rate windows, unique, sorted ascending by length; each at least two poll intervals. */
  readonly windows: readonly WindowConfig[];
  /** Labels added to every series leaving the sidecar (valid, non-reserved label names). */
  readonly externalLabels: Readonly<Record<string, string>>;
}

/** HTTP basic auth towards Flink; `password` read from `password_file` when given (trimmed). */
export interface BasicAuthConfig {
  readonly username: string;
  readonly password: string;
}

/** `Authorization: <type> <credentials>` towards Flink; `credentials` read from `credentials_file` when given. */
export interface AuthorizationConfig {
  readonly type: string;
  readonly credentials: string;
}

/** TLS towards Flink; PEM contents (not paths) of the CA bundle, client certificate and key. */
export interface TlsClientConfig {
  readonly ca?: string;
  readonly cert?: string;
  readonly key?: string;
  readonly serverName?: string;
  readonly insecureSkipVerify: boolean;
}

/** `flink` section, runtime shape. All durations in ms. */
export interface FlinkConfig {
  /** http(s) base URL without trailing slash, may include a path prefix, e.g. `http://jm:8081/flink`. */
  readonly restUrl: string;
  /** Per-request timeout, ms (>= 1). */
  readonly timeoutMs: number;
  /** Max parallel REST requests, 1..64. */
  readonly concurrency: number;
  /** Retries for transient errors (connect errors, 502/503/504, timeouts), 0..10. */
  readonly retries: number;
  /** First retry backoff, ms (0..5000); doubled per retry, capped at 5000. */
  readonly retryBackoffMs: number;
  /** How often `/jobs/:jid/exceptions` is polled, ms (>= pollIntervalMs). */
  readonly exceptionsIntervalMs: number;
  /** How often metric-name discovery lists are refreshed, ms (>= 1000). */
  readonly metricNamesRefreshIntervalMs: number;
  /** Flink's `metrics.fetcher.update-interval`, ms (0 = fetcher disabled); only used for warnings. */
  readonly fetcherUpdateIntervalMs: number;
  readonly basicAuth?: BasicAuthConfig;
  readonly authorization?: AuthorizationConfig;
  readonly tls?: TlsClientConfig;
}

/** The whole validated config: deeply frozen, camelCase, durations in milliseconds, secrets resolved. */
export interface BridgeConfig {
  readonly global: GlobalConfig;
  readonly flink: FlinkConfig;
}

/**
 * Top-level sections accepted in the config file; keys not listed here are errors. A section with no value
 * (`flink:` alone) or left out means "all defaults".
 */
const SECTIONS = {
  global: nullAsAbsent(globalSectionSchema.prefault({})),
  flink: nullAsAbsent(flinkSectionSchema.prefault({})),
};

/**
 * The config file schema: strict at every level, durations parsed to ms, defaults filled in, cross-section
 * rules checked. Output is still snake_case with `*_file` paths unread; `load.ts` turns it into `BridgeConfig`.
 */
export const configFileSchema = z.strictObject(SECTIONS).superRefine((c, ctx) => {
  const poll = c.global.poll_interval;
  const seen = new Map<number, { index: number; text: string }>();
  c.global.windows.forEach((w, index) => {
    const path = ['global', 'windows', index];
    if (w.ms < 2 * poll) {
      ctx.addIssue({
        code: 'custom',
        path,
        message: `${JSON.stringify(w.text)} is shorter than two poll intervals (2 × ${formatDuration(poll)})`,
      });
    }
    const prev = seen.get(w.ms);
    if (prev !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path,
        message: `${JSON.stringify(w.text)} duplicates ${JSON.stringify(prev.text)} (global.windows[${prev.index}])`,
      });
    } else {
      seen.set(w.ms, { index, text: w.text });
    }
  });
  if (c.flink.exceptions_interval < poll) {
    ctx.addIssue({
      code: 'custom',
      path: ['flink', 'exceptions_interval'],
      message: `${formatDuration(c.flink.exceptions_interval)} is shorter than global.poll_interval (${formatDuration(poll)})`,
    });
  }
  if (c.flink.basic_auth !== undefined && c.flink.authorization !== undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['flink', 'authorization'],
      params: { atKey: true },
      message: 'cannot be used together with flink.basic_auth; choose one',
    });
  }
});

/** Output of `configFileSchema`: validated, defaults applied, snake_case, `*_file` keys not yet read. */
export type ConfigFile = z.output<typeof configFileSchema>;
