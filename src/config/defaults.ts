/**
 * Built-in defaults, written the way a user would write them in the config file (snake_case keys, duration
 * strings), so the documentation, `examples/config.yml` and the schema share one source.
 */

/** Default Flink REST endpoint (`flink.rest_url`, `--flink.rest-url`). */
export const DEFAULT_REST_URL = 'http://localhost:8081';
/** Default `--web.listen-address` (the port is this sidecar's default, like an exporter's). */
export const DEFAULT_LISTEN_ADDRESS = '0.0.0.0:9275';
/** Default `--storage.path`. */
export const DEFAULT_STORAGE_PATH = './data';

/** Defaults of the `global` section. */
export const GLOBAL_DEFAULTS = {
  poll_interval: '15s',
  evaluation_interval: '1m',
  windows: ['1m', '5m', '15m'],
} as const;

/** Defaults of the `flink` section. */
export const FLINK_DEFAULTS = {
  rest_url: DEFAULT_REST_URL,
  timeout: '10s',
  concurrency: 4,
  retries: 2,
  retry_backoff: '200ms',
  exceptions_interval: '1m',
  metric_names_refresh_interval: '5m',
  fetcher_update_interval: '10s',
  authorization_type: 'Bearer',
} as const;

/** Limits enforced by the schema. */
export const LIMITS = {
  minPollIntervalMs: 1000,
  minEvaluationIntervalMs: 1000,
  maxConcurrency: 64,
  maxRetries: 10,
  /** Backoff doubles per retry and is capped here; a larger first backoff is rejected. */
  maxRetryBackoffMs: 5000,
  maxWindows: 16,
} as const;
