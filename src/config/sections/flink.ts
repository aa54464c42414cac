/**
 * The `flink` section: where the Flink REST API is and how to talk to it (timeouts, concurrency, retries, how long
 * the series of a failing endpoint are kept), plus the shared HTTP client block (`../http-client.ts`: auth, TLS).
 * This file owns the section's keys, defaults, validation and its frozen runtime shape (`FlinkConfig`).
 */
import { z } from 'zod';
import { formatDuration } from '../duration.js';
import { durationMs, httpUrl, nullAsAbsent } from '../fields.js';
import {
  httpClientFields,
  refineHttpClient,
  resolveHttpClient,
  type AuthorizationConfig,
  type BasicAuthConfig,
  type TlsClientConfig,
} from '../http-client.js';
import type { FileReader } from '../files.js';
import type { SourceIssue } from '../source.js';

/** Default Flink REST endpoint (`flink.rest_url`, `--flink.rest-url`). */
export const DEFAULT_REST_URL = 'http://localhost:8081';

/** Defaults of the `flink` section, written as in the config file. `stale_after` defaults to 3 × poll_interval. */
export const FLINK_DEFAULTS = {
  rest_url: DEFAULT_REST_URL,
  timeout: '10s',
  concurrency: 4,
  retries: 2,
  retry_backoff: '200ms',
  exceptions_interval: '1m',
  metric_names_refresh_interval: '5m',
  fetcher_update_interval: '10s',
  stale_after_poll_intervals: 3,
} as const;

/** Bounds the schema enforces. */
export const FLINK_LIMITS = {
  maxConcurrency: 64,
  maxRetries: 10,
  /** Backoff doubles per retry and is capped here; a larger first backoff is rejected. */
  maxRetryBackoffMs: 5000,
} as const;

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
  /**
   * How long the series of a failing endpoint are kept without new samples before they go stale, ms
   * (>= pollIntervalMs; default 3 × pollIntervalMs). Issue 5 §3.4.
   */
  readonly staleAfterMs: number;
  readonly basicAuth?: BasicAuthConfig;
  readonly authorization?: AuthorizationConfig;
  readonly tls?: TlsClientConfig;
}

const SECTION = 'flink';

export const flinkSectionSchema = z
  .strictObject({
    rest_url: nullAsAbsent(httpUrl.prefault(FLINK_DEFAULTS.rest_url)),
    timeout: nullAsAbsent(durationMs({ min: 1 }).prefault(FLINK_DEFAULTS.timeout)),
    concurrency: nullAsAbsent(z.int().min(1).max(FLINK_LIMITS.maxConcurrency).prefault(FLINK_DEFAULTS.concurrency)),
    retries: nullAsAbsent(z.int().min(0).max(FLINK_LIMITS.maxRetries).prefault(FLINK_DEFAULTS.retries)),
    retry_backoff: nullAsAbsent(durationMs({ max: FLINK_LIMITS.maxRetryBackoffMs }).prefault(FLINK_DEFAULTS.retry_backoff)),
    exceptions_interval: nullAsAbsent(durationMs({ min: 1000 }).prefault(FLINK_DEFAULTS.exceptions_interval)),
    metric_names_refresh_interval: nullAsAbsent(
      durationMs({ min: 1000 }).prefault(FLINK_DEFAULTS.metric_names_refresh_interval),
    ),
    fetcher_update_interval: nullAsAbsent(durationMs().prefault(FLINK_DEFAULTS.fetcher_update_interval)),
    // Its default depends on global.poll_interval: filled in by `resolveFlink`.
    stale_after: nullAsAbsent(durationMs({ min: 1 }).optional()),
    // The REST client sends neither extra headers nor a minimum TLS version yet: those keys stay unknown here.
    ...httpClientFields(SECTION, { headers: false, tlsMinVersion: false }),
  })
  .superRefine((f, ctx) => refineHttpClient(SECTION, f, ctx));

/** The validated `flink` section before resolution (durations in ms, snake_case, `*_file` keys unread). */
export type FlinkSection = z.output<typeof flinkSectionSchema>;

/** Rules between this section and `global.poll_interval`; issue paths are relative to the section. */
export function flinkPollIntervalIssues(f: FlinkSection, pollIntervalMs: number): SourceIssue[] {
  const out: SourceIssue[] = [];
  const poll = formatDuration(pollIntervalMs);
  if (f.exceptions_interval < pollIntervalMs) {
    out.push({
      path: ['exceptions_interval'],
      message: `${formatDuration(f.exceptions_interval)} is shorter than global.poll_interval (${poll})`,
    });
  }
  if (f.stale_after !== undefined && f.stale_after < pollIntervalMs) {
    out.push({
      path: ['stale_after'],
      message: `${formatDuration(f.stale_after)} is shorter than global.poll_interval (${poll})`,
    });
  }
  return out;
}

/**
 * The runtime `flink` config: defaults that depend on `global` filled in, secrets and certificates read by `reader`
 * (problems recorded there at their key).
 */
export function resolveFlink(f: FlinkSection, pollIntervalMs: number, reader: FileReader): FlinkConfig {
  const client = resolveHttpClient(f, [SECTION], reader);
  return {
    restUrl: f.rest_url,
    timeoutMs: f.timeout,
    concurrency: f.concurrency,
    retries: f.retries,
    retryBackoffMs: f.retry_backoff,
    exceptionsIntervalMs: f.exceptions_interval,
    metricNamesRefreshIntervalMs: f.metric_names_refresh_interval,
    fetcherUpdateIntervalMs: f.fetcher_update_interval,
    staleAfterMs: f.stale_after ?? FLINK_DEFAULTS.stale_after_poll_intervals * pollIntervalMs,
    ...(client.basicAuth !== undefined ? { basicAuth: client.basicAuth } : {}),
    ...(client.authorization !== undefined ? { authorization: client.authorization } : {}),
    ...(client.tls !== undefined ? { tls: client.tls } : {}),
  };
}
