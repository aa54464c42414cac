import type { StoredSeries } from '../store/types.js';

/**
 * Windowed `rate()` / `increase()` (and the shared `delta()` core) with exactly the float semantics of PromQL.
 *
 * Ported from Prometheus `promql/functions.go` `extrapolatedRate` (float branch; native histograms, `anchored`,
 * `smoothed` and start-timestamp resets are off-by-default features that leave float results unchanged) as of
 * prometheus/prometheus `main` in the 3.13 line (functions.go read at commit 003b9e9d2c41, VERSION 3.13.4), and the
 * range selection of `promql/engine.go` `matrixIterSlice` (samples with `rangeStart < t <= rangeEnd`, stale
 * markers skipped). 3.x golden values: `promql/promqltest/testdata/functions.test` (test/unit/windows/rate.test.ts).
 * Verified bit-for-bit against Debian's Prometheus 2.42.0 in '2.x' mode (test/integration/windows).
 *
 * Two semantics are implemented:
 * - `'3.x'` (default): left-open range `(t - w, t]`; the left edge is first limited to half an average sample
 *   interval when the first sample is ≥ 1.1 average intervals away from it, and only THEN capped at the
 *   counter's extrapolated zero point (order since v2.51, commit 7f912db15a).
 * - `'2.x'` (Prometheus ≤ 2.50, e.g. Debian's 2.42): closed range `[t - w, t]` (only in {@link seriesRate} /
 *   {@link seriesIncrease}, which select the samples); the zero-point cap is applied to the RAW distance to the
 *   range start, and the 1.1×average test is applied afterwards to the capped value. The two orders differ only
 *   when `toStart ≥ 1.1·avg` and `avg/2 < durationToZero < 1.1·avg`: 2.x then extrapolates by `durationToZero`,
 *   3.x by `avg/2`.
 *
 * Arithmetic follows the Go code operation by operation (same operand order and rounding), so results are
 * bit-identical to Prometheus for the same samples; times are Unix milliseconds (integers), values float64.
 */

/** Which Prometheus generation's rate semantics to reproduce. */
export type PromSemantics = '3.x' | '2.x';

export const DEFAULT_SEMANTICS: PromSemantics = '3.x';

/**
 * Go's `time.Duration.Seconds()` for a duration of `ms` milliseconds: whole seconds plus the nanosecond rest
 * divided by 1e9 (bit-identical to Go, unlike `ms / 1000` in rare cases).
 */
function durationSeconds(ms: number): number {
  const sec = Math.trunc(ms / 1000);
  const restNs = (ms - sec * 1000) * 1e6;
  return sec + restNs / 1e9;
}

/**
 * The extrapolation step of `extrapolatedRate`, once the raw change is known.
 * `result` = last − first (+ the value before each counter drop, for counters).
 */
function extrapolate(
  firstT: number,
  firstV: number,
  lastT: number,
  result: number,
  count: number,
  rangeStartMs: number,
  rangeEndMs: number,
  isCounter: boolean,
  isRate: boolean,
  semantics: PromSemantics,
): number | undefined {
  // Duration between first/last samples and boundary of range, in seconds.
  let durationToStart = (firstT - rangeStartMs) / 1000;
  let durationToEnd = (rangeEndMs - lastT) / 1000;
  const sampledInterval = (lastT - firstT) / 1000;
  // Prometheus storage never holds two samples at one timestamp; a caller-supplied array might.
  if (!(sampledInterval > 0)) return undefined;
  const averageDurationBetweenSamples = sampledInterval / (count - 1);
  const extrapolationThreshold = averageDurationBetweenSamples * 1.1;

  if (semantics === '3.x') {
    if (durationToStart >= extrapolationThreshold) durationToStart = averageDurationBetweenSamples / 2;
    if (isCounter) {
      // Counters cannot be negative: do not extrapolate to before the counter's extrapolated zero point.
      let durationToZero = durationToStart;
      if (result > 0 && firstV >= 0) durationToZero = sampledInterval * (firstV / result);
      if (durationToZero < durationToStart) durationToStart = durationToZero;
    }
    if (durationToEnd >= extrapolationThreshold) durationToEnd = averageDurationBetweenSamples / 2;
    let factor = (sampledInterval + durationToStart + durationToEnd) / sampledInterval;
    if (isRate) factor /= durationSeconds(rangeEndMs - rangeStartMs);
    return result * factor;
  }

  // 2.x (≤ v2.50): zero-point cap on the raw distance, then the threshold test on both edges.
  if (isCounter && result > 0 && firstV >= 0) {
    const durationToZero = sampledInterval * (firstV / result);
    if (durationToZero < durationToStart) durationToStart = durationToZero;
  }
  let extrapolateToInterval = sampledInterval;
  extrapolateToInterval +=
    durationToStart < extrapolationThreshold ? durationToStart : averageDurationBetweenSamples / 2;
  extrapolateToInterval +=
    durationToEnd < extrapolationThreshold ? durationToEnd : averageDurationBetweenSamples / 2;
  let factor = extrapolateToInterval / sampledInterval;
  if (isRate) factor /= durationSeconds(rangeEndMs - rangeStartMs);
  return result * factor;
}

/**
 * Prometheus `extrapolatedRate` over the float samples `ts[start..end)` / `vs[start..end)`, which must already
 * be the selected range (oldest → newest, strictly increasing times, no stale markers). `rangeStartMs` and
 * `rangeEndMs` are the selector's bounds (`t - offset - range`, `t - offset`), not the sample span.
 *
 * `rate` = (isCounter, isRate) = (true, true); `increase` = (true, false); `delta` = (false, false).
 * Returns undefined where Prometheus outputs no sample (fewer than two samples).
 */
export function extrapolatedRate(
  ts: ArrayLike<number>,
  vs: ArrayLike<number>,
  start: number,
  end: number,
  rangeStartMs: number,
  rangeEndMs: number,
  isCounter: boolean,
  isRate: boolean,
  semantics: PromSemantics = DEFAULT_SEMANTICS,
): number | undefined {
  const count = end - start;
  if (count < 2 || !(rangeEndMs > rangeStartMs)) return undefined;
  const firstV = vs[start] as number;
  let result = (vs[end - 1] as number) - firstV;
  if (isCounter) {
    let prev = firstV;
    for (let i = start + 1; i < end; i++) {
      const cur = vs[i] as number;
      if (cur < prev) result += prev; // counter reset: the counter restarted from 0
      prev = cur;
    }
  }
  return extrapolate(
    ts[start] as number,
    firstV,
    ts[end - 1] as number,
    result,
    count,
    rangeStartMs,
    rangeEndMs,
    isCounter,
    isRate,
    semantics,
  );
}

/**
 * PromQL `rate(x[windowMs])` at `evalTimeMs` over `ts[start..end)` / `vs[start..end)`: the samples of the
 * window (for 3.x: `evalTimeMs - windowMs < t <= evalTimeMs`), stale markers already removed. Per second.
 */
export function windowRate(
  ts: ArrayLike<number>,
  vs: ArrayLike<number>,
  start: number,
  end: number,
  evalTimeMs: number,
  windowMs: number,
  semantics: PromSemantics = DEFAULT_SEMANTICS,
): number | undefined {
  return extrapolatedRate(ts, vs, start, end, evalTimeMs - windowMs, evalTimeMs, true, true, semantics);
}

/** PromQL `increase(x[windowMs])` at `evalTimeMs`; same inputs as {@link windowRate}. */
export function windowIncrease(
  ts: ArrayLike<number>,
  vs: ArrayLike<number>,
  start: number,
  end: number,
  evalTimeMs: number,
  windowMs: number,
  semantics: PromSemantics = DEFAULT_SEMANTICS,
): number | undefined {
  return extrapolatedRate(ts, vs, start, end, evalTimeMs - windowMs, evalTimeMs, true, false, semantics);
}

/**
 * `extrapolatedRate` over a stored series, selecting its samples like a PromQL range selector at `evalTimeMs`:
 * 3.x `(t - w, t]`, 2.x `[t - w, t]` (timestamps are integer milliseconds), stale markers skipped.
 * No allocation: the selected samples are read in place.
 */
export function seriesExtrapolatedRate(
  series: StoredSeries,
  evalTimeMs: number,
  windowMs: number,
  isCounter: boolean,
  isRate: boolean,
  semantics: PromSemantics = DEFAULT_SEMANTICS,
): number | undefined {
  if (!(windowMs > 0)) return undefined;
  const rangeStart = evalTimeMs - windowMs;
  // 2.x's closed left edge: with integer-millisecond timestamps, `[s, e]` = `(s - 1, e]`.
  const range = series.rangeIndexes(semantics === '3.x' ? rangeStart : rangeStart - 1, evalTimeMs);
  const lo = range[0];
  const hi = range[1];
  // First and last non-stale samples of the range.
  let first = lo;
  while (first < hi && series.isStaleAt(first)) first++;
  let last = hi - 1;
  while (last > first && series.isStaleAt(last)) last--;
  if (last <= first) return undefined;

  const firstV = series.valueAt(first);
  let result = series.valueAt(last) - firstV;
  let count = 1;
  let prev = firstV;
  for (let i = first + 1; i <= last; i++) {
    if (series.isStaleAt(i)) continue;
    count++;
    const cur = series.valueAt(i);
    if (isCounter && cur < prev) result += prev; // in Go's order: ((last - first) + p1) + p2 …
    prev = cur;
  }
  return extrapolate(
    series.timestampAt(first),
    firstV,
    series.timestampAt(last),
    result,
    count,
    rangeStart,
    evalTimeMs,
    isCounter,
    isRate,
    semantics,
  );
}

/**
 * PromQL `rate(series[windowMs])` at `evalTimeMs` over the stored samples (stale markers skipped like a
 * Prometheus range vector). Undefined when the window holds fewer than two non-stale samples.
 */
export function seriesRate(
  series: StoredSeries,
  evalTimeMs: number,
  windowMs: number,
  semantics: PromSemantics = DEFAULT_SEMANTICS,
): number | undefined {
  return seriesExtrapolatedRate(series, evalTimeMs, windowMs, true, true, semantics);
}

/** PromQL `increase(series[windowMs])` at `evalTimeMs`; see {@link seriesRate}. */
export function seriesIncrease(
  series: StoredSeries,
  evalTimeMs: number,
  windowMs: number,
  semantics: PromSemantics = DEFAULT_SEMANTICS,
): number | undefined {
  return seriesExtrapolatedRate(series, evalTimeMs, windowMs, true, false, semantics);
}
