import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { extrapolatedRate, increase, rate } from '../../../../src/promql/functions/rate.js';
import type { PromSemantics } from '../../../../src/promql/semantics.js';
import { arraySeries } from '../../../support/array-series.js';

/**
 * A counter as a monitored system would expose it: strictly increasing integer-millisecond timestamps, values
 * ≥ 0 that only grow except at resets (restart to 0 or to some smaller non-negative value).
 */
const counterArb = fc
  .array(
    fc.record({
      dt: fc.integer({ min: 1, max: 120_000 }),
      inc: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 1e6, noNaN: true }), fc.integer({ min: 0, max: 1000 })),
      reset: fc.oneof({ weight: 8, arbitrary: fc.constant<number | null>(null) }, { weight: 1, arbitrary: fc.constant(0) }, {
        weight: 1,
        arbitrary: fc.double({ min: 0, max: 1e3, noNaN: true }),
      }),
    }),
    { minLength: 0, maxLength: 60 },
  )
  .map((steps) => {
    const ts: number[] = [];
    const vs: number[] = [];
    let t = 1_700_000_000_000;
    let v = 0;
    for (const st of steps) {
      t += st.dt;
      v = st.reset !== null ? Math.min(st.reset, v) : v + st.inc;
      ts.push(t);
      vs.push(v);
    }
    return { ts, vs, series: arraySeries(ts, vs) };
  });

const semArb = fc.constantFrom<PromSemantics>('3.x', '2.x');

/** Left-open right-closed index range, like StoredSeries.rangeIndexes. */
function range(ts: readonly number[], from: number, to: number): [number, number] {
  let lo = 0;
  while (lo < ts.length && (ts[lo] as number) <= from) lo++;
  let hi = lo;
  while (hi < ts.length && (ts[hi] as number) <= to) hi++;
  return [lo, hi];
}

describe('rate() properties', () => {
  it('a counter never has a negative rate or increase, whatever the resets, gaps and window', () => {
    fc.assert(
      fc.property(
        counterArb,
        fc.integer({ min: 1, max: 3_600_000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        semArb,
        ({ ts, series }, windowMs, where, sem) => {
          const first = ts[0] ?? 0;
          const last = ts[ts.length - 1] ?? 0;
          const evalT = Math.round(first + where * (last - first + windowMs));
          const [lo, hi] = range(ts, sem === '3.x' ? evalT - windowMs : evalT - windowMs - 1, evalT);
          const r = rate(series, evalT, windowMs, sem);
          const inc = increase(series, evalT, windowMs, sem);
          if (hi - lo < 2) {
            expect(r).toBeUndefined();
            expect(inc).toBeUndefined();
            return;
          }
          expect(r).toBeGreaterThanOrEqual(0);
          expect(inc).toBeGreaterThanOrEqual(0);
          expect(Number.isFinite(r)).toBe(true);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('rate = increase / window (seconds), up to rounding', () => {
    fc.assert(
      fc.property(counterArb, fc.integer({ min: 1_000, max: 3_600_000 }), semArb, ({ ts, series }, windowMs, sem) => {
        const evalT = (ts[ts.length - 1] ?? 0) + 1;
        const r = rate(series, evalT, windowMs, sem);
        const inc = increase(series, evalT, windowMs, sem);
        if (r === undefined || inc === undefined) return;
        expect(Math.abs(r * (windowMs / 1000) - inc)).toBeLessThanOrEqual(1e-9 * Math.max(1, inc));
      }),
    );
  });

  it('the extrapolated increase is at least the raw increase and at most the window/sampled-span multiple of it', () => {
    fc.assert(
      fc.property(counterArb, fc.integer({ min: 1_000, max: 3_600_000 }), semArb, ({ ts, vs, series }, windowMs, sem) => {
        const evalT = (ts[ts.length - 1] ?? 0) + 500;
        const [lo, hi] = range(ts, sem === '3.x' ? evalT - windowMs : evalT - windowMs - 1, evalT);
        const inc = extrapolatedRate(series, evalT - windowMs, evalT, true, false, sem);
        if (inc === undefined) return;
        let raw = (vs[hi - 1] as number) - (vs[lo] as number);
        for (let i = lo + 1; i < hi; i++) if ((vs[i] as number) < (vs[i - 1] as number)) raw += vs[i - 1] as number;
        const span = (ts[hi - 1] as number) - (ts[lo] as number);
        expect(inc).toBeGreaterThanOrEqual(raw * (1 - 1e-12));
        expect(inc).toBeLessThanOrEqual((raw * windowMs) / span * (1 + 1e-12) + 1e-9);
      }),
    );
  });
});
