import type { StoredSeries } from '../../store/types.js';
import { DEFAULT_SEMANTICS, type PromSemantics, rangeIndexes } from '../semantics.js';
import type { Points } from '../value.js';
import type { RangeContext } from './types.js';

/**
 * PromQL `rate()`, `increase()` and `delta()` over a stored series, with exactly the float semantics of Prometheus:
 * the functions the PromQL engine and the derived windows (src/windows) both call. One implementation.
 *
 * Source of the semantics: Prometheus 3.16.0 (module github.com/prometheus/prometheus v0.316.0),
 * `promql/functions.go` `extrapolatedRate`, float branch, and the range selection of `promql/engine.go`
 * `matrixIterSlice` (samples with `rangeStart < t <= rangeEnd`, staleness markers skipped). The float branch is
 * unchanged since the 3.13 port this file started from (v0.313.4, diffed): 3.16 only adds start-timestamp handling
 * behind the off-by-default `use-start-timestamps` feature flag, and a `factor = 1` guard for a single sample with a
 * start timestamp, neither of which changes a result without start timestamps. Native histograms, `anchored` and
 * `smoothed` (experimental) are not implemented. 3.x golden values: `promql/promqltest/testdata/functions.test`
 * (test/unit/promql/functions/rate.test.ts). Verified bit for bit against a real Prometheus (test/integration/windows).
 *
 * Two semantics (see ../semantics.ts for the range selection):
 * - `'3.x'` (default): the left edge is first limited to half an average sample interval when the first sample is
 *   ≥ 1.1 average intervals away from it, and only THEN capped at the counter's extrapolated zero point (order since
 *   v2.51, commit 7f912db15a).
 * - `'2.x'` (Prometheus ≤ 2.50, e.g. Debian's 2.42): the zero-point cap is applied to the RAW distance to the range
 *   start, and the 1.1×average test afterwards to the capped value. The two orders differ only when
 *   `toStart ≥ 1.1·avg` and `avg/2 < durationToZero < 1.1·avg`: 2.x then extrapolates by `durationToZero`, 3.x by
 *   `avg/2`.
 *
 * Arithmetic follows the Go code operation by operation (same operand order and rounding), so results are
 * bit-identical to Prometheus for the same samples; times are Unix milliseconds (integers), values float64.
 */

/**
 * The minimal read access the rate core needs: the store's `StoredSeries` satisfies it as is (staleness markers
 * included, skipped here), the evaluator's `Points` through {@link pointsReader} (never stale).
 */
export interface SampleReader {
  timestampAt(i: number): number;
  valueAt(i: number): number;
  isStaleAt(i: number): boolean;
}

/** A {@link SampleReader} over the evaluator's range points (`[0, points.n)`, no staleness markers). */
export function pointsReader(points: Points): SampleReader {
  return new PointsReader(points.t, points.v);
}

// A class, not an object of three closures: called per series per step of a range query, the closures cost three
// function allocations each time and made the reader's call sites polymorphic.
class PointsReader implements SampleReader {
  constructor(private readonly t: Points['t'], private readonly v: Points['v']) {}
  timestampAt(i: number): number {
    return this.t[i] as number;
  }
  valueAt(i: number): number {
    return this.v[i] as number;
  }
  isStaleAt(): boolean {
    return false;
  }
}

/**
 * The non-stale samples of `[lo, hi)` of a series, as `extrapolatedRate` sees them before extrapolating.
 * `result` = last − first, plus (counters only) the value before each drop, added in sample order like Go's loop.
 */
export interface RawChange {
  /** Timestamp (ms) and value of the first non-stale sample. */
  readonly firstT: number;
  readonly firstV: number;
  /** Timestamp (ms) of the last non-stale sample. */
  readonly lastT: number;
  /** Non-stale samples, ≥ 2. */
  readonly count: number;
  readonly result: number;
}

/**
 * The raw change over the stored samples `[lo, hi)`, staleness markers skipped; undefined when fewer than two
 * non-stale samples remain. Reads in place, allocates only the result.
 */
export function rawChange(series: SampleReader, lo: number, hi: number, isCounter: boolean): RawChange | undefined {
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
    // Go's `currPoint.F < prevPoint.F` (false for NaN): a counter reset, the counter restarted from 0.
    if (isCounter && cur < prev) result += prev; // in Go's order: ((last - first) + p1) + p2 …
    prev = cur;
  }
  return { firstT: series.timestampAt(first), firstV, lastT: series.timestampAt(last), count, result };
}

/** How far `extrapolatedRate` extends the sampled interval at each edge, in seconds (see {@link edgeDurations}). */
export interface EdgeDurations {
  /** `(lastT - firstT) / 1000`. */
  readonly sampledInterval: number;
  readonly durationToStart: number;
  readonly durationToEnd: number;
}

/**
 * Prometheus's edge rule of `extrapolatedRate`: each edge is extrapolated all the way to the range boundary when the
 * boundary is within 1.1 average sample intervals, else by half an average interval; for counters the start is
 * also capped at the counter's extrapolated zero point (order per `semantics`, see the file comment). Undefined
 * when the sampled interval is not positive (Prometheus storage never holds two samples at one timestamp).
 */
export function edgeDurations(
  change: RawChange,
  rangeStartMs: number,
  rangeEndMs: number,
  isCounter: boolean,
  semantics: PromSemantics = DEFAULT_SEMANTICS,
): EdgeDurations | undefined {
  const { firstT, firstV, lastT, result, count } = change;
  // Duration between first/last samples and boundary of range, in seconds.
  let durationToStart = (firstT - rangeStartMs) / 1000;
  let durationToEnd = (rangeEndMs - lastT) / 1000;
  const sampledInterval = (lastT - firstT) / 1000;
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
    return { sampledInterval, durationToStart, durationToEnd };
  }

  // 2.x (≤ v2.50): zero-point cap on the raw distance, then the threshold test on both edges.
  if (isCounter && result > 0 && firstV >= 0) {
    const durationToZero = sampledInterval * (firstV / result);
    if (durationToZero < durationToStart) durationToStart = durationToZero;
  }
  if (durationToStart >= extrapolationThreshold) durationToStart = averageDurationBetweenSamples / 2;
  if (durationToEnd >= extrapolationThreshold) durationToEnd = averageDurationBetweenSamples / 2;
  return { sampledInterval, durationToStart, durationToEnd };
}

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
 * Prometheus `extrapolatedRate` over the stored samples a range selector reads over `(rangeStartMs, rangeEndMs]`
 * (2.x: closed), staleness markers skipped. `rangeStartMs`/`rangeEndMs` are the selector's bounds
 * (`t - offset - range`, `t - offset`), not the sample span.
 *
 * `rate` = (isCounter, isRate) = (true, true), per second; `increase` = (true, false); `delta` = (false, false).
 * Returns undefined where Prometheus outputs no sample (fewer than two non-stale samples, or an empty range).
 * Never throws; no allocation beyond two small objects.
 */
export function extrapolatedRate(
  series: StoredSeries,
  rangeStartMs: number,
  rangeEndMs: number,
  isCounter: boolean,
  isRate: boolean,
  semantics: PromSemantics = DEFAULT_SEMANTICS,
): number | undefined {
  if (!(rangeEndMs > rangeStartMs)) return undefined;
  const [lo, hi] = rangeIndexes(series, rangeStartMs, rangeEndMs, semantics);
  return extrapolate(series, lo, hi, rangeStartMs, rangeEndMs, isCounter, isRate, semantics);
}

/** The shared core of {@link extrapolatedRate} and {@link extrapolatedRateOfPoints} over the samples `[lo, hi)`. */
function extrapolate(
  series: SampleReader,
  lo: number,
  hi: number,
  rangeStartMs: number,
  rangeEndMs: number,
  isCounter: boolean,
  isRate: boolean,
  semantics: PromSemantics,
): number | undefined {
  const change = rawChange(series, lo, hi, isCounter);
  if (change === undefined) return undefined;
  const d = edgeDurations(change, rangeStartMs, rangeEndMs, isCounter, semantics);
  if (d === undefined) return undefined;
  let factor = (d.sampledInterval + d.durationToStart + d.durationToEnd) / d.sampledInterval;
  if (isRate) factor /= durationSeconds(rangeEndMs - rangeStartMs);
  return change.result * factor;
}

/** PromQL `rate(series[rangeMs])` at `evalTimeMs`, per second; see {@link extrapolatedRate}. */
export function rate(
  series: StoredSeries,
  evalTimeMs: number,
  rangeMs: number,
  semantics: PromSemantics = DEFAULT_SEMANTICS,
): number | undefined {
  return extrapolatedRate(series, evalTimeMs - rangeMs, evalTimeMs, true, true, semantics);
}

/** PromQL `increase(series[rangeMs])` at `evalTimeMs`; see {@link extrapolatedRate}. */
export function increase(
  series: StoredSeries,
  evalTimeMs: number,
  rangeMs: number,
  semantics: PromSemantics = DEFAULT_SEMANTICS,
): number | undefined {
  return extrapolatedRate(series, evalTimeMs - rangeMs, evalTimeMs, true, false, semantics);
}

/** PromQL `delta(series[rangeMs])` at `evalTimeMs` (a gauge: no reset handling, no zero-point cap). */
export function delta(
  series: StoredSeries,
  evalTimeMs: number,
  rangeMs: number,
  semantics: PromSemantics = DEFAULT_SEMANTICS,
): number | undefined {
  return extrapolatedRate(series, evalTimeMs - rangeMs, evalTimeMs, false, false, semantics);
}

/**
 * {@link extrapolatedRate} over range points the evaluator already selected for `(ctx.rangeStartMs,
 * ctx.rangeEndMs]` (2.x: closed): the same core, bit for bit. `rate` = (true, true), `increase` = (true, false),
 * `delta` = (false, false). Undefined where Prometheus outputs no sample.
 */
export function extrapolatedRateOfPoints(points: Points, ctx: RangeContext, isCounter: boolean, isRate: boolean): number | undefined {
  if (!(ctx.rangeEndMs > ctx.rangeStartMs)) return undefined;
  return extrapolate(pointsReader(points), 0, points.n, ctx.rangeStartMs, ctx.rangeEndMs, isCounter, isRate, ctx.semantics);
}
