import { edgeDurations, rate, rawChange } from '../promql/functions/rate.js';
import { rangeIndexes } from '../promql/semantics.js';
import type { StoredSeries } from '../store/types.js';

/**
 * The windowed rate of a counter at `evalTimeMs` over `(evalTimeMs - windowMs, evalTimeMs]`, per second: **the
 * increase over the part of the window that the samples cover, divided by that time**. Undefined when no live
 * stretch in the window holds two samples (as `rate()`).
 *
 * PromQL `rate()` divides by the whole window, so a series younger than the window (a job started two minutes ago,
 * seen through a 15m window) reads a fraction of its real rate, and so does every restart. Here:
 * - the window's samples are split into live segments at staleness markers (a job that left RUNNING, a vertex that
 *   went away); a segment's increase is Prometheus's (`rawChange`: last − first, plus the value before each counter
 *   reset, so a restart without markers is handled like `rate()`);
 * - a segment covers its sampled interval plus, only at the window's own edges (the first segment if no marker
 *   precedes it in the window, the last if none follows it), Prometheus's extrapolation (`edgeDurations`: the edge
 *   distance when within 1.1 average intervals, else half an interval; at the start no further than the counter's
 *   extrapolated zero point). Edges at staleness markers are not extrapolated: the series was not live there;
 * - the value is Σ extrapolated increases / Σ covered time, i.e. the covered-time-weighted mean of the segments'
 *   rates. The increase from a restart to the new life's first sample and the time it took are both left out.
 * - **Full window**: one segment whose extrapolated coverage is the whole window (both edges extrapolated all the
 *   way). The value is then PromQL `rate()` itself (Prometheus 3.x, src/promql/functions/rate.ts), bit for bit, so
 *   the sidecar and a Prometheus over the same samples agree.
 * For a series without staleness markers in the window the covered time never exceeds the window, so the value is
 * never below `rate()` over the same samples; with markers it leaves out what `rate()` counts across them.
 * Reads the stored samples in place; never throws.
 */
export function coveredRate(series: StoredSeries, evalTimeMs: number, windowMs: number): number | undefined {
  if (!(windowMs > 0)) return undefined;
  const rangeStart = evalTimeMs - windowMs;
  const [lo, hi] = rangeIndexes(series, rangeStart, evalTimeMs, '3.x');
  let increase = 0;
  let covered = 0;
  let any = false;
  let atWindowStart = true; // no staleness marker seen yet inside the window
  let i = lo;
  while (i < hi) {
    if (series.isStaleAt(i)) {
      atWindowStart = false;
      i++;
      continue;
    }
    let j = i + 1;
    while (j < hi && !series.isStaleAt(j)) j++;
    const leftIsWindowEdge = atWindowStart;
    const rightIsWindowEdge = j === hi;
    atWindowStart = false;
    const change = rawChange(series, i, j, true);
    const d = change && edgeDurations(change, rangeStart, evalTimeMs, true, '3.x');
    if (change && d) {
      const toStart = leftIsWindowEdge ? d.durationToStart : 0;
      const toEnd = rightIsWindowEdge ? d.durationToEnd : 0;
      if (
        leftIsWindowEdge &&
        rightIsWindowEdge &&
        toStart === (change.firstT - rangeStart) / 1000 &&
        toEnd === (evalTimeMs - change.lastT) / 1000
      ) {
        // The only segment, extrapolated to both window edges: the window is full.
        return rate(series, evalTimeMs, windowMs);
      }
      const segmentCovered = d.sampledInterval + toStart + toEnd;
      increase += change.result * (segmentCovered / d.sampledInterval);
      covered += segmentCovered;
      any = true;
    }
    i = j;
  }
  return any ? increase / covered : undefined;
}
