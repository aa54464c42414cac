import type { StoredSeries } from '../store/types.js';

/**
 * Which Prometheus generation's range-function semantics to reproduce.
 * - `'3.x'` (default; Prometheus ≥ 3.0, and ≥ 2.51 for the extrapolation order): range selectors are left-open,
 *   `(t - range, t]` (`promql/engine.go` `matrixIterSlice` drops samples with `T <= mint`).
 * - `'2.x'` (Prometheus ≤ 2.50, e.g. Debian's 2.42): range selectors are closed, `[t - range, t]`.
 * Both skip staleness markers inside the range. The differences inside `extrapolatedRate` are documented in
 * ./functions/rate.ts.
 */
export type PromSemantics = '3.x' | '2.x';

export const DEFAULT_SEMANTICS: PromSemantics = '3.x';

/**
 * Indexes `[start, end)` of the stored samples a range selector over `(rangeStartMs, rangeEndMs]` (3.x) or
 * `[rangeStartMs, rangeEndMs]` (2.x) reads, staleness markers included (callers skip them). Timestamps are
 * integer milliseconds, so the closed 2.x left edge `[s, e]` is `(s - 1, e]`.
 */
export function rangeIndexes(
  series: StoredSeries,
  rangeStartMs: number,
  rangeEndMs: number,
  semantics: PromSemantics,
): readonly [start: number, end: number] {
  return series.rangeIndexes(semantics === '3.x' ? rangeStartMs : rangeStartMs - 1, rangeEndMs);
}
