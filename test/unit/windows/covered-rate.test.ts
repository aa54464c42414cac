import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rate } from '../../../src/promql/functions/rate.js';
import type { StoredSeries } from '../../../src/store/types.js';
import { coveredRate } from '../../../src/windows/covered-rate.js';
import { arraySeries } from '../../support/array-series.js';

/** `[seconds, value | 'stale']` pairs → a stored series. */
type S = readonly [number, number | 'stale'];
function series(samples: readonly S[]): StoredSeries {
  return arraySeries(
    samples.map((x) => x[0] * 1000),
    samples.map((x) => (x[1] === 'stale' ? Number.NaN : x[1])),
    { stale: samples.map((x) => x[1] === 'stale') },
  );
}
const s = (sec: number): number => sec * 1000;

describe('coveredRate: the increase over the part of the window the samples cover', () => {
  it('full window: is PromQL rate() itself, bit for bit (also across a counter reset without markers)', () => {
    const samples: S[] = [];
    for (let t = 0, v = 1e6; t <= 300; t += 15, v += 17 + ((t * 7) % 13) / 3) samples.push([t, v]);
    const x = series(samples);
    for (const [t, w] of [[300, 60], [300, 120], [290, 60], [300, 300]] as const) {
      expect(coveredRate(x, s(t), s(w))).toBe(rate(x, s(t), s(w)));
    }
    const reset = series([[5, 50], [20, 60], [35, 0], [50, 10], [65, 20]]);
    expect(coveredRate(reset, s(65), s(60))).toBe(rate(reset, s(65), s(60)));
  });

  it('young series: divides by the time covered, not by the window', () => {
    // 30s:100 40s:110 50s:120 at 60 s over 60 s: toStart 30 s ≥ 1.1·10 → 5 s (zero point 100 s, no cap), toEnd 10 s
    // (< 11, kept) → covered 20 + 5 + 10 = 35 s, increase 20 · 35/20 = 35 → 1/s. PromQL rate() reads 35/60.
    const x = series([[30, 100], [40, 110], [50, 120]]);
    expect(coveredRate(x, s(60), s(60))).toBe(1);
    expect(rate(x, s(60), s(60))).toBe(35 / 60);
  });

  it('a new counter: the left edge stops at the extrapolated zero point', () => {
    // 30s:1 40s:11 50s:21: toStart 5 s capped at the zero point 20·1/20 = 1 s → covered 31 s, increase 31 → 1/s.
    expect(coveredRate(series([[30, 1], [40, 11], [50, 21]]), s(60), s(60))).toBe(1);
  });

  it('restarted inside the window (old life, staleness marker, new life from 0): the gap is not covered', () => {
    // (60,120]: old 65:100 75:110 85:120 | stale 90 | new 100:2 110:12 120:22.
    // old: left window edge, toStart 5 s (< 11; zero point 100 s) → covered 25 s, increase 20·25/20 = 25; its right
    // edge is a marker: not extrapolated. new: left edge is a marker → covered 20 s, increase 20; right edge at t.
    // (25 + 20) / (25 + 20) = 1/s. PromQL: 22 − 100 + 120 = 42 over 55 s, extrapolated to 60 s, / 60 → 0.7636.
    const x = series([[65, 100], [75, 110], [85, 120], [90, 'stale'], [100, 2], [110, 12], [120, 22]]);
    expect(coveredRate(x, s(120), s(60))).toBe(1);
    expect(rate(x, s(120), s(60))).toBeCloseTo(42 / 55, 12);
  });

  it('segments of different rates: the covered-time-weighted mean', () => {
    // old 70:1000 80:1020 90:1040 (2/s): toStart 10 s (< 11) → covered 30 s, increase 40·30/20 = 60;
    // new 100:5 110:55 120:105 (5/s): covered 20 s, increase 100 → 160/50 = 3.2.
    const x = series([[70, 1000], [80, 1020], [90, 1040], [95, 'stale'], [100, 5], [110, 55], [120, 105]]);
    expect(coveredRate(x, s(120), s(60))).toBe(3.2);
  });

  it('a marker at the start of the window: the series began after it, no extrapolation to the window start', () => {
    const x = series([[5, 'stale'], [20, 10], [30, 20], [40, 30], [50, 40], [60, 50]]);
    expect(coveredRate(x, s(60), s(60))).toBe(1);
    expect(rate(x, s(60), s(60))).toBe(0.75); // toStart 20 s → 5 s: 40 · 45/40 / 60
  });

  it('a restart without markers is a counter reset inside one segment, handled like rate()', () => {
    // 30:50 40:60 50:5 60:15: increase 15 − 50 + 60 = 25 over 30 s; toStart 30 s → 5 s (zero point 60 s), toEnd 0.
    expect(coveredRate(series([[30, 50], [40, 60], [50, 5], [60, 15]]), s(60), s(60))).toBeCloseTo(25 / 30, 15);
  });

  it('undefined without a live stretch of two samples; a lone sample of a new life adds nothing', () => {
    expect(coveredRate(series([]), s(60), s(60))).toBeUndefined();
    expect(coveredRate(series([[10, 1], [20, 'stale'], [30, 2], [40, 'stale']]), s(60), s(60))).toBeUndefined();
    expect(coveredRate(series([[10, 1], [20, 2]]), s(60), 0)).toBeUndefined();
    // old life 10:0 20:10 30:20 (1/s, covered 20 s + toStart 0 at the zero point) | stale | new life's first sample
    expect(coveredRate(series([[10, 0], [20, 10], [30, 20], [40, 'stale'], [50, 3]]), s(60), s(60))).toBe(1);
  });
});

/** A counter of constant rate `perSec` with random sample spacing, lives (new life from 0) and staleness markers. */
const livesArb = fc.record({
  perSec: fc.double({ min: 0.001, max: 1e6, noNaN: true }),
  lives: fc.array(
    fc.record({
      startGap: fc.integer({ min: 0, max: 300_000 }),
      firstAfter: fc.integer({ min: 0, max: 60_000 }),
      steps: fc.array(fc.integer({ min: 1, max: 60_000 }), { minLength: 0, maxLength: 40 }),
      markers: fc.integer({ min: 1, max: 3 }),
    }),
    { minLength: 1, maxLength: 4 },
  ),
});

type LivesInput = typeof livesArb extends fc.Arbitrary<infer T> ? T : never;

function build(a: LivesInput): { ts: number[]; vs: number[]; stale: boolean[] } {
  const ts: number[] = [];
  const vs: number[] = [];
  const stale: boolean[] = [];
  let t = 1_700_000_000_000;
  a.lives.forEach((life, k) => {
    const start = t + life.startGap;
    t = start + life.firstAfter + (k === 0 ? 0 : 1);
    for (const dt of [0, ...life.steps]) {
      t += dt;
      ts.push(t);
      vs.push(((t - start) / 1000) * a.perSec);
      stale.push(false);
    }
    if (k < a.lives.length - 1) {
      for (let m = 0; m < life.markers; m++) {
        t += 1 + m;
        ts.push(t);
        vs.push(Number.NaN);
        stale.push(true);
      }
    }
  });
  return { ts, vs, stale };
}

describe('coveredRate properties', () => {
  it('a counter of constant rate reads that rate in any window, young, restarted or gapped', () => {
    fc.assert(
      fc.property(livesArb, fc.integer({ min: 1_000, max: 3_600_000 }), fc.double({ min: 0, max: 1, noNaN: true }), (a, w, where) => {
        const { ts, vs, stale } = build(a);
        const x = arraySeries(ts, vs, { stale });
        const first = ts[0] as number;
        const last = ts[ts.length - 1] as number;
        const t = Math.round(first + where * (last - first + w));
        const r = coveredRate(x, t, w);
        if (r === undefined) return;
        expect(Math.abs(r - a.perSec)).toBeLessThanOrEqual(1e-9 * a.perSec);
      }),
      { numRuns: 2000 },
    );
  });

  it('a full window (regular samples since before the window, large counter) is rate() bit for bit', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1_000, max: 30_000 }),
        fc.array(fc.double({ min: 0, max: 1e5, noNaN: true }), { minLength: 80, maxLength: 80 }),
        fc.integer({ min: 3, max: 40 }),
        (stepMs, incs, windowSteps) => {
          const ts: number[] = [];
          const vs: number[] = [];
          let v = 1e9;
          incs.forEach((inc, i) => {
            ts.push(1_700_000_000_000 + i * stepMs);
            vs.push((v += inc));
          });
          const x = arraySeries(ts, vs);
          const t = ts[ts.length - 1] as number;
          expect(coveredRate(x, t, windowSteps * stepMs)).toBe(rate(x, t, windowSteps * stepMs));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('without markers it is never below rate() and is undefined exactly when rate() is', () => {
    const counterArb = fc.array(
      fc.record({ dt: fc.integer({ min: 1, max: 120_000 }), inc: fc.double({ min: 0, max: 1e6, noNaN: true }), reset: fc.boolean() }),
      { maxLength: 50 },
    );
    fc.assert(
      fc.property(counterArb, fc.integer({ min: 1, max: 3_600_000 }), fc.double({ min: 0, max: 1, noNaN: true }), (steps, w, where) => {
        const ts: number[] = [];
        const vs: number[] = [];
        let t = 1_700_000_000_000;
        let v = 0;
        for (const st of steps) {
          t += st.dt;
          v = st.reset ? st.inc % 100 : v + st.inc;
          ts.push(t);
          vs.push(v);
        }
        const x = arraySeries(ts, vs);
        const first = ts[0] ?? t;
        const evalT = Math.round(first + where * (t - first + w));
        const ours = coveredRate(x, evalT, w);
        const prom = rate(x, evalT, w);
        expect(ours === undefined).toBe(prom === undefined);
        if (ours === undefined || prom === undefined) return;
        expect(Number.isFinite(ours)).toBe(true);
        expect(ours).toBeGreaterThanOrEqual(prom * (1 - 1e-12));
      }),
      { numRuns: 2000 },
    );
  });
});
