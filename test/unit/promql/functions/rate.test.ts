import { describe, expect, it } from 'vitest';
import { delta, extrapolatedRate, increase as seriesIncrease, rate as seriesRate } from '../../../../src/promql/functions/rate.js';
import type { StoredSeries } from '../../../../src/store/types.js';
import { arraySeries } from '../../../support/array-series.js';

/** A sample for the test series: `[tMs, value]`, or `[tMs, 'stale']` for a staleness marker. */
type S = readonly [number, number | 'stale'];

/** A test series from `[tMs, value | 'stale']` pairs. */
function series(samples: readonly S[]): StoredSeries {
  return arraySeries(
    samples.map((x) => x[0]),
    samples.map((x) => (x[1] === 'stale' ? Number.NaN : x[1])),
    { stale: samples.map((x) => x[1] === 'stale') },
  );
}

const s = (sec: number): number => sec * 1000;
const m = (min: number): number => min * 60_000;

/** Relative comparison; exact for 0. */
function close(actual: number | undefined, expected: number, rel = 1e-12): void {
  expect(actual).toBeDefined();
  const a = actual as number;
  if (expected === 0) expect(a).toBe(0);
  else expect(Math.abs(a - expected) / Math.abs(expected)).toBeLessThanOrEqual(rel);
}

/** promqltest `load <step>` notation: `a+bxN` = a, a+b, …, a+N·b. */
function load(stepMs: number, ...segments: ReadonlyArray<readonly [number, number, number]>): S[] {
  const out: S[] = [];
  for (const [a, b, nTimes] of segments) {
    for (let k = 0; k <= nTimes; k++) out.push([out.length * stepMs, a + k * b]);
  }
  return out;
}
function loadValues(stepMs: number, values: readonly number[]): S[] {
  return values.map((v, i) => [i * stepMs, v] as const);
}

describe('golden cases from Prometheus 3.x promql/promqltest/testdata/functions.test (v3.13, unchanged in v3.16)', () => {
  // load 5m
  //   http_requests_total{path="/foo"}   0+10x10
  //   http_requests_total{path="/bar"}   0+18x5 0+18x5
  //   http_requests_total{path="/dings"} 10+10x10
  //   http_requests_total{path="/bumms"} 1+10x10
  const foo = series(load(m(5), [0, 10, 10]));
  const bar = series(load(m(5), [0, 18, 5], [0, 18, 5]));
  const dings = series(load(m(5), [10, 10, 10]));
  const bumms = series(load(m(5), [1, 10, 10]));

  it('increase(http_requests_total[50m]) at 50m', () => {
    // /foo: (0m,50m] holds 5m..50m = 10,20,…,100 (the 0m sample is on the open left edge).
    //   result = 90, sampled = 2700 s, avg = 300 s, threshold = 330 s; toStart = 300 s (< 330, kept);
    //   zero point: 2700·10/90 = 300 s, not < 300 → toStart 300; toEnd = 0.
    //   factor = (2700 + 300 + 0) / 2700 → 90 · 3000/2700 = 100.
    close(seriesIncrease(foo, m(50), m(50)), 100);
    // /bar: 18,36,54,72,90, 0,18,36,54,72 → 72 − 18 + 90 (value before the reset) = 144; zero point
    //   2700·18/144 = 337.5 s > 300 → factor 3000/2700 → 160.
    close(seriesIncrease(bar, m(50), m(50)), 160);
    close(seriesIncrease(dings, m(50), m(50)), 100);
    close(seriesIncrease(bumms, m(50), m(50)), 100);
  });

  it('increase(http_requests_total[100m]) at 50m: zero-point cap', () => {
    // All 11 samples 0m..50m; toStart = 50m ≥ 1.1·5m → avg/2 = 150 s. Then the zero-point cap:
    //   /foo first value 0 → zero point 0 s → no extrapolation to the left: 100.
    //   /dings 10+10x10: zero point 3000·10/100 = 300 s > 150 → 150 s: 100 · 3150/3000 = 105.
    //   /bumms 1+10x10: zero point 3000·1/100 = 30 s → 100 · 3030/3000 = 101.
    close(seriesIncrease(foo, m(50), m(100)), 100);
    close(seriesIncrease(bar, m(50), m(100)), 162);
    close(seriesIncrease(dings, m(50), m(100)), 105);
    close(seriesIncrease(bumms, m(50), m(100)), 101);
  });

  it('increase() with a counter reset: 0 1 2 3 2 3 4 → 7', () => {
    // (0m,30m] = 1 2 3 2 3 4: 4 − 1 + 3 = 6 over 25m; toStart 5m (kept; zero point 1500·1/6 = 250 s < 300 → 250 s)
    // 6 · (1500 + 250)/1500 = 7.
    close(seriesIncrease(series(loadValues(m(5), [0, 1, 2, 3, 2, 3, 4])), m(30), m(30)), 7);
  });

  it('rate() with counter resets in the middle and at the end', () => {
    close(seriesRate(series(load(m(5), [0, 27, 4], [0, 27, 5])), m(50), m(50)), 0.08);
    const resetEnd = series(load(m(5), [0, 10, 9], [0, 10, 1]));
    // (45m,50m] holds one sample → no output.
    expect(seriesRate(resetEnd, m(50), m(5))).toBeUndefined();
    // (44m,50m] holds 90 and 0: 0 − 90 + 90 = 0.
    close(seriesRate(resetEnd, m(50), m(6)), 0);
  });

  it('rate() per second, with offset', () => {
    close(seriesRate(series(load(m(5), [0, 80, 10])), m(50), m(50)), 0.26666666666666666);
    // rate(x[10m] offset 5m) at 50m = rate(x[10m]) at 45m
    close(seriesRate(series(load(m(5), [0, 10, 10])), m(45), m(10)), 0.03333333333333333);
    close(seriesRate(series(load(m(5), [0, 20, 10])), m(45), m(10)), 0.06666666666666667);
  });

  describe('testcounter_zero_cutoff_total (load 4m, start = 0m…5m)', () => {
    const starts = [0, 1, 2, 3, 4, 5];
    const mk = (startMin: number): StoredSeries => series(load(m(4), [startMin * 60, 240, 10]));
    it('at 10m over [20m]: 3.x expected 0.5 0.55 0.6 0.6 0.6 0.6', () => {
      // Samples 0m, 4m, 8m: result 480, sampled 480 s, avg 240 s, threshold 264 s, toStart 600 s → 120 s;
      // zero point 480·v0/480 = v0 s; e.g. start=1m: v0 = 60 → 60 s: (480 + 60 + 120)/480 · 480/1200 = 0.55.
      const exp = [0.5, 0.55, 0.6, 0.6, 0.6, 0.6];
      starts.forEach((st, i) => close(seriesRate(mk(st), m(10), m(20)), exp[i] as number));
    });
    it('at 10m over [20m]: 2.x (≤ 2.50) order gives 0.5 0.55 0.6 0.65 0.7 0.6', () => {
      // 2.x caps the RAW toStart (600 s) at the zero point first, then tests it against 264 s:
      //   start=3m: v0 = 180 → 180 s < 264 → (480 + 180 + 120)/1200 = 0.65; start=4m: 240 s → 0.7;
      //   start=5m: 300 s ≥ 264 → avg/2 = 120 → 0.6.
      const exp = [0.5, 0.55, 0.6, 0.65, 0.7, 0.6];
      starts.forEach((st, i) => close(seriesRate(mk(st), m(10), m(20), '2.x'), exp[i] as number));
    });
    it('at 50m over [20m]: 0.6 for all', () => {
      for (const st of starts) {
        close(seriesRate(mk(st), m(50), m(20)), 0.6);
        close(seriesRate(mk(st), m(50), m(20), '2.x'), 0.6);
      }
    });
  });
});

describe('hand-computed extrapolation', () => {
  it('regular 15 s samples, both edges extrapolated fully', () => {
    // (0s,60s]: 5s:10 20s:25 35s:40 50s:55 → result 45, sampled 45 s, avg 15 s, threshold 16.5 s.
    // toStart 5 s (< 16.5; zero point 45·10/45 = 10 s > 5, kept), toEnd 10 s (< 16.5, kept).
    // factor (45 + 5 + 10)/45 → increase 60, rate 60/60 = 1.
    const x = series([[s(5), 10], [s(20), 25], [s(35), 40], [s(50), 55]]);
    close(seriesIncrease(x, s(60), s(60)), 60);
    close(seriesRate(x, s(60), s(60)), 1);
  });

  it('series starting late: left edge limited to half an interval', () => {
    // 30s:100 40s:110 50s:120: result 20, sampled 20 s, avg 10 s, threshold 11 s.
    // toStart 30 s ≥ 11 → 5 s; zero point 20·100/20 = 100 s (no cap); toEnd 10 s < 11 (kept).
    // increase = 20 · (20 + 5 + 10)/20 = 35; rate = 35/60.
    const x = series([[s(30), 100], [s(40), 110], [s(50), 120]]);
    close(seriesIncrease(x, s(60), s(60)), 35);
    close(seriesRate(x, s(60), s(60)), 35 / 60);
    close(seriesIncrease(x, s(60), s(60), '2.x'), 35);
  });

  it('series ending early: right edge limited to half an interval', () => {
    // 10s:0 20s:10 30s:20; evaluated at 60 s: toEnd 30 s ≥ 11 → 5 s; toStart 10 s, zero point 0 → 0 s.
    // increase = 20 · (20 + 0 + 5)/20 = 25.
    close(seriesIncrease(series([[s(10), 0], [s(20), 10], [s(30), 20]]), s(60), s(60)), 25);
  });

  it('new counter: extrapolation stops at the zero point', () => {
    // 30s:1 40s:11 50s:21: toStart 30 s → 5 s (3.x), zero point 20·1/20 = 1 s → 1 s; toEnd 10 s.
    // increase = 20 · (20 + 1 + 10)/20 = 31 (2.x: zero point first, 1 s < 11 → also 31).
    const x = series([[s(30), 1], [s(40), 11], [s(50), 21]]);
    close(seriesIncrease(x, s(60), s(60)), 31);
    close(seriesIncrease(x, s(60), s(60), '2.x'), 31);
  });

  it('3.x vs 2.x: order of the zero-point cap and the 1.1×avg test', () => {
    // 30s:6 40s:16 50s:26, avg 10 s, threshold 11 s, zero point 20·6/20 = 6 s (avg/2 < 6 < 1.1·avg).
    // 3.x: toStart 30 → 5 s, then min(5, 6) = 5 → 20 · 35/20 = 35.
    // 2.x: min(30, 6) = 6 → 6 < 11 kept → 20 · 36/20 = 36.
    const x = series([[s(30), 6], [s(40), 16], [s(50), 26]]);
    close(seriesIncrease(x, s(60), s(60)), 35);
    close(seriesIncrease(x, s(60), s(60), '2.x'), 36);
  });

  it('3.x left-open vs 2.x closed window: a sample exactly at t − w', () => {
    const x = series([[s(0), 5], [s(15), 10], [s(30), 30], [s(45), 45], [s(60), 60]]);
    // 3.x (0s,60s]: 10 30 45 60 → result 50, sampled 45, toStart 15 (< 16.5), zero point 45·10/50 = 9 s → 9;
    //   increase = 50 · (45 + 9)/45 = 60.
    close(seriesIncrease(x, s(60), s(60)), 60);
    // 2.x [0s,60s]: 5 … 60 → result 55, sampled 60, toStart 0, toEnd 0 → 55.
    close(seriesIncrease(x, s(60), s(60), '2.x'), 55);
  });

  it('delta (non-counter) through the shared core: no reset handling, no zero cap', () => {
    // 10s:10 20s:5 30s:0: result −10, sampled 20, toStart 10 (< 11), toEnd 30 → 5: −10 · 35/20 = −17.5
    const x = series([[s(10), 10], [s(20), 5], [s(30), 0]]);
    close(delta(x, s(60), s(60)), -17.5);
    close(extrapolatedRate(x, 0, s(60), false, false), -17.5);
    // as a counter: 0 − 10 + 10 + 5 = 5; zero point 20·10/5 = 40 s > 10 → 5 · 35/20 = 8.75
    close(extrapolatedRate(x, 0, s(60), true, false), 8.75);
  });
});

describe('counter resets', () => {
  it('restart to 0 mid-window adds the value before the drop', () => {
    // 10s:50 20s:60 30s:0 40s:10 50s:20 60s:30 at 60 s over 60 s:
    // result = 30 − 50 + 60 = 40; sampled 50 s, avg 10 s; toStart 10 s (zero point 50·50/40 = 62.5 s, no cap);
    // toEnd 0 → increase = 40 · 60/50 = 48, rate 0.8.
    const x = series([[s(10), 50], [s(20), 60], [s(30), 0], [s(40), 10], [s(50), 20], [s(60), 30]]);
    close(seriesIncrease(x, s(60), s(60)), 48);
    close(seriesRate(x, s(60), s(60)), 0.8);
  });

  it('several resets, including restarts to a non-zero value', () => {
    // 5 8 | 2 4 | 1 3 → 3 − 5 + 8 + 4 = 10; sampled 50 s, toStart 10 s (zero point 50·5/10 = 25 s), toEnd 0 → 12.
    const x = series([[s(10), 5], [s(20), 8], [s(30), 2], [s(40), 4], [s(50), 1], [s(60), 3]]);
    close(seriesIncrease(x, s(60), s(60)), 12);
  });

  it('a drop between the only two samples', () => {
    // 20s:100 40s:30: 30 − 100 + 100 = 30; zero point 20·100/30 > 20 → toStart 20 s (< 22), toEnd 20 s
    // → 30 · 60/20 = 90.
    close(seriesIncrease(series([[s(20), 100], [s(40), 30]]), s(60), s(60)), 90);
  });
});

describe('gaps', () => {
  it('a gap inside the window raises the average interval', () => {
    // 5s:0 10s:5 55s:50: avg = 50/2 = 25 s, threshold 27.5 s; toStart 5 s, zero point 0 → 0; toEnd 5 s
    // → 50 · 55/50 = 55.
    close(seriesIncrease(series([[s(5), 0], [s(10), 5], [s(55), 50]]), s(60), s(60)), 55);
  });

  it('no samples in the window (gap over the whole window) → undefined', () => {
    const x = series([[s(0), 1], [s(15), 2], [s(200), 3], [s(215), 4]]);
    expect(seriesRate(x, s(120), s(60))).toBeUndefined();
    expect(seriesRate(x, s(200), s(60))).toBeUndefined(); // one sample only
    close(seriesIncrease(x, s(220), s(60)), 1 * (15 + 7.5 + 5) / 15);
  });
});

describe('fewer than two samples, bad windows', () => {
  it('returns undefined', () => {
    expect(seriesRate(series([]), s(60), s(60))).toBeUndefined();
    expect(seriesRate(series([[s(30), 1]]), s(60), s(60))).toBeUndefined();
    expect(seriesRate(series([[s(10), 1], [s(20), 2]]), s(60), 0)).toBeUndefined();
    expect(extrapolatedRate(series([[s(10), 1], [s(20), 2]]), s(60), s(30), true, true)).toBeUndefined();
    // equal timestamps cannot come from the store; a hand-made series holding them yields nothing, not Infinity
    expect(seriesRate(series([[s(10), 1], [s(10), 2]]), s(60), s(60))).toBeUndefined();
  });
});

describe('stale markers', () => {
  const plain: S[] = [[s(5), 1], [s(15), 3], [s(25), 6], [s(45), 10], [s(55), 12]];
  it('are skipped like in a Prometheus range vector', () => {
    const withStale: S[] = [[s(5), 1], [s(15), 3], [s(20), 'stale'], [s(25), 6], [s(35), 'stale'], [s(45), 10], [s(55), 12]];
    for (const sem of ['3.x', '2.x'] as const) {
      expect(seriesRate(series(withStale), s(60), s(60), sem)).toBe(seriesRate(series(plain), s(60), s(60), sem));
      expect(seriesIncrease(series(withStale), s(60), s(60), sem)).toBe(seriesIncrease(series(plain), s(60), s(60), sem));
    }
  });
  it('at the window edges do not count as samples', () => {
    const x = series([[s(1), 'stale'], [s(5), 1], [s(15), 3], [s(25), 6], [s(45), 10], [s(55), 12], [s(58), 'stale']]);
    expect(seriesRate(x, s(60), s(60))).toBe(seriesRate(series(plain), s(60), s(60)));
  });
  it('leave undefined when fewer than two real samples remain', () => {
    expect(seriesRate(series([[s(10), 'stale'], [s(20), 1], [s(30), 'stale']]), s(60), s(60))).toBeUndefined();
    expect(seriesRate(series([[s(10), 'stale'], [s(20), 'stale']]), s(60), s(60))).toBeUndefined();
  });
  it('a non-stale NaN value behaves like in Prometheus: ignored inside the range, NaN at its ends', () => {
    // Go's `cur < prev` is false for NaN, so a NaN between first and last changes nothing:
    // 10s:1 20s:NaN 30s:3 → 3 − 1 = 2; toStart 10 s (zero point 20·1/2 = 10 s, not smaller), toEnd 30 s → 5 s
    // → rate = 2 · (20 + 10 + 5)/20 / 60.
    close(seriesRate(series([[s(10), 1], [s(20), Number.NaN], [s(30), 3]]), s(60), s(60)), (2 * 35) / 20 / 60);
    expect(seriesRate(series([[s(10), Number.NaN], [s(20), 2], [s(30), 3]]), s(60), s(60))).toBeNaN();
    expect(seriesRate(series([[s(10), 1], [s(20), 2], [s(30), Number.NaN]]), s(60), s(60))).toBeNaN();
  });
});
