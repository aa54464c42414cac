import type { StoredSeries } from './types.js';

/** Which Prometheus generation's lookback window to apply: `3.x` = `(t − lookback, t]`, `2.x` = `[t − lookback, t]`. */
export type LookbackSemantics = '3.x' | '2.x';

/** Prometheus's default `--query.lookback-delta` (5 minutes), in ms. */
export const DEFAULT_LOOKBACK_MS = 300_000;

/** A sample found by {@link valueAt}: its own timestamp (Unix ms, ≤ the evaluation time) and value. */
export interface InstantSample {
  readonly t: number;
  readonly v: number;
}

/**
 * The one instant lookup of the sidecar: the value of `series` at evaluation time `t` (Unix ms), as a PromQL
 * instant vector selector sees it. Source of the semantics: Prometheus 3.16 `promql/engine.go`,
 * `vectorSelectorSingle`: take the newest sample with timestamp ≤ t; none if there is none or if it is older
 * than the lookback window — `t_sample <= t − lookback` excludes it in 3.x (left-open window), `t_sample <
 * t − lookback` in 2.x (closed window); none if that newest sample is a staleness marker (StaleNaN), even when an
 * older live sample is inside the window. Pure; O(log n).
 *
 * @returns the sample, or undefined when the series has no value at `t`.
 */
export function valueAt(
  series: StoredSeries,
  t: number,
  lookbackMs: number = DEFAULT_LOOKBACK_MS,
  semantics: LookbackSemantics = '3.x',
): InstantSample | undefined {
  const [, end] = series.rangeIndexes(-Infinity, t);
  if (end === 0) return undefined;
  const i = end - 1;
  const ts = series.timestampAt(i);
  const floor = t - lookbackMs;
  if (semantics === '3.x' ? ts <= floor : ts < floor) return undefined;
  if (series.isStaleAt(i)) return undefined;
  return { t: ts, v: series.valueAt(i) };
}
