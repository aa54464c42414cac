/**
 * The `query` and `promql` sections: the PromQL engine's limits (Prometheus's `--query.timeout`,
 * `--query.max-samples`, `--query.lookback-delta`, same defaults) and the semantics generation (`promql.compat`).
 * This file owns the sections' keys, defaults, validation, the flag overrides and the frozen runtime shape
 * (`QueryConfig`).
 *
 * ```yaml
 * query:
 *   timeout: 2m               # > 0; also caps the API's `timeout` parameter
 *   max_samples: 50000000     # >= 1; a query that would hold more samples in memory fails
 *   lookback_delta: 5m        # > 0; how far back an instant selector looks
 * promql:
 *   compat: "3"               # "3" (Prometheus 3.x semantics) or "2" (2.x: closed windows, regex `.`, holt_winters…)
 * ```
 */
import { z } from 'zod';
import { ConfigError } from '../../errors.js';
import { parseDuration } from '../duration.js';
import { durationMs, nullAsAbsent } from '../fields.js';

/** Defaults, written as in the config file (Prometheus's flag defaults). */
export const QUERY_DEFAULTS = {
  timeout: '2m',
  max_samples: 50_000_000,
  lookback_delta: '5m',
  compat: '3',
} as const;

export type PromQLCompat = '2' | '3';

/** `query` + `promql` sections, runtime shape. Durations in ms. */
export interface QueryConfig {
  readonly timeoutMs: number;
  readonly maxSamples: number;
  readonly lookbackDeltaMs: number;
  readonly compat: PromQLCompat;
}

export const querySectionSchema = z.strictObject({
  timeout: nullAsAbsent(durationMs({ min: 1 }).prefault(QUERY_DEFAULTS.timeout)),
  max_samples: nullAsAbsent(z.int().min(1).prefault(QUERY_DEFAULTS.max_samples)),
  lookback_delta: nullAsAbsent(durationMs({ min: 1 }).prefault(QUERY_DEFAULTS.lookback_delta)),
});

export const promqlSectionSchema = z.strictObject({
  // A number (`compat: 2`) is accepted too: YAML users rarely quote it.
  compat: nullAsAbsent(z.union([z.literal(['2', '3']), z.literal([2, 3]).transform((n) => String(n) as PromQLCompat)]).prefault(QUERY_DEFAULTS.compat)),
});

export type QuerySection = z.output<typeof querySectionSchema>;
export type PromqlSection = z.output<typeof promqlSectionSchema>;

/** Flag values that replace the file's (`--query.timeout`, `--query.max-samples`, `--query.lookback-delta`, `--promql.compat`). */
export interface QueryOverrides {
  readonly timeout?: string;
  readonly maxSamples?: string;
  readonly lookbackDelta?: string;
  readonly compat?: string;
}

/** The runtime config. */
export function resolveQuery(q: QuerySection, p: PromqlSection): QueryConfig {
  return { timeoutMs: q.timeout, maxSamples: q.max_samples, lookbackDeltaMs: q.lookback_delta, compat: p.compat };
}

/**
 * Applies flag overrides. @throws ConfigError naming the flag for a value outside the key's rules
 */
export function applyQueryOverrides(c: QueryConfig, o: QueryOverrides): QueryConfig {
  const duration = (flag: string, v: string): number => {
    let ms: number;
    try {
      ms = parseDuration(v);
    } catch (e) {
      throw new ConfigError(`--${flag}: ${(e as Error).message}`);
    }
    if (ms < 1) throw new ConfigError(`--${flag}: must be at least 1ms`);
    return ms;
  };
  let { timeoutMs, maxSamples, lookbackDeltaMs, compat } = c;
  if (o.timeout !== undefined) timeoutMs = duration('query.timeout', o.timeout);
  if (o.lookbackDelta !== undefined) lookbackDeltaMs = duration('query.lookback-delta', o.lookbackDelta);
  if (o.maxSamples !== undefined) {
    if (!/^\d+$/.test(o.maxSamples) || Number(o.maxSamples) < 1 || !Number.isSafeInteger(Number(o.maxSamples))) {
      throw new ConfigError(`--query.max-samples: not a positive integer: ${JSON.stringify(o.maxSamples)}`);
    }
    maxSamples = Number(o.maxSamples);
  }
  if (o.compat !== undefined) {
    if (o.compat !== '2' && o.compat !== '3') throw new ConfigError(`--promql.compat: must be "2" or "3", got ${JSON.stringify(o.compat)}`);
    compat = o.compat;
  }
  return { timeoutMs, maxSamples, lookbackDeltaMs, compat };
}
