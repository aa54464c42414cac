import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LabelSet } from '../../../../src/model/labels.js';
import { goParseFloat } from '../../../../src/promql/go-parse-float.js';
import { histogramFraction, histogramQuantile, histogramQuantiles } from '../../../../src/promql/functions/histogram.js';
import { bucketQuantile } from '../../../../src/promql/functions/quantile.js';
import type { Vector } from '../../../../src/promql/value.js';

/** Goldens: `/work/shared/conformance/promql-3.16/histograms.test` (classic `_bucket` cases, line cited). */
const buckets = (name: string, extra: Record<string, string>, pairs: ReadonlyArray<readonly [string, number]>): Vector =>
  pairs.map(([le, v]) => ({ labels: LabelSet.from({ __name__: name, ...extra, le }), t: 0, v }));

// testhistogram_bucket at 50m (lines 2–12: 0+5x10 … evaluated at step 10).
const testhistogram: Vector = [
  ...buckets('testhistogram_bucket', { start: 'positive' }, [['0.1', 50], ['.2', 70], ['1e0', 110], ['+Inf', 120]]),
  ...buckets('testhistogram_bucket', { start: 'negative' }, [['-.2', 10], ['-0.1', 20], ['0.3', 20], ['+Inf', 30]]),
];

describe('histogram_quantile over classic buckets', () => {
  it.each([
    [681, -0.1, -Infinity, -Infinity],
    [703, 1.01, Infinity, Infinity],
    [725, NaN, NaN, NaN],
    [753, 0, 0, -0.2],
    [765, 1, 1, 0.3],
    [777, 0.2, 0.048, -0.2],
    // The script prints 0.15 (compared within promqltest's epsilon); Go's float64 result of BucketQuantile's
    // 0.1 + (0.2 − 0.1)·(10/20) is 0.15000000000000002 (go1.26 amd64), likewise −0.15000000000000002.
    [787, 0.5, 0.15000000000000002, -0.15000000000000002],
    [797, 0.8, 0.72, 0.3],
  ])('line %d: φ = %d → positive %d, negative %d', (_l, q, pos, neg) => {
    const { vector } = histogramQuantile(q, testhistogram);
    const byStart = Object.fromEntries(vector.map((s) => [s.labels.get('start'), s.v]));
    expect(byStart).toEqual({ positive: pos, negative: neg });
    // The group's label set is the input's without `le` (the evaluator drops __name__).
    expect(vector[0]?.labels.toRecord()).toEqual({ __name__: 'testhistogram_bucket', start: 'positive' });
  });

  it('flags φ outside [0, 1] for the warning annotation', () => {
    expect(histogramQuantile(1.01, testhistogram).annotations.invalidQuantile).toBe(true);
    expect(histogramQuantile(0.5, testhistogram).annotations.invalidQuantile).toBe(false);
  });

  it('ignores buckets whose le is not a Go float, and notes them', () => {
    const v = [...buckets('h', {}, [['1', 1], ['+Inf', 2], ['abc', 5], ['NaN', 1]])];
    const r = histogramQuantile(0.5, v);
    expect(r.vector.map((s) => s.v)).toEqual([1]);
    expect(r.annotations.badBucketLabels).toEqual(['abc', 'NaN']);
  });

  it('no +Inf bucket → NaN; fewer than two buckets → NaN; zero observations → NaN (BucketQuantile)', () => {
    expect(bucketQuantile(0.5, [{ upperBound: 1, count: 1 }, { upperBound: 2, count: 2 }]).value).toBeNaN();
    expect(bucketQuantile(0.5, [{ upperBound: Infinity, count: 2 }]).value).toBeNaN();
    expect(bucketQuantile(0.5, [{ upperBound: 1, count: 0 }, { upperBound: Infinity, count: 0 }]).value).toBeNaN();
  });

  it('coalesces equal bounds (le="1" and le="1.0") and forces monotonicity', () => {
    const r = bucketQuantile(0.5, [
      { upperBound: 1, count: 2 },
      { upperBound: 1, count: 2 },
      { upperBound: 2, count: 3 },
      { upperBound: Infinity, count: 8 },
    ]);
    // Coalesced: (1, 4), (2, 3 → 4 forced), (+Inf, 8): rank 4 falls at the first bucket's end.
    expect(r).toEqual({ value: 1, forcedMonotonic: true });
  });

  it('2.x (v2.42 ensureMonotonic) raises a tiny float dip to the maximum; 3.x ignores it as noise and does not', () => {
    const dip = (): Array<{ upperBound: number; count: number }> => [
      { upperBound: 1, count: 10 },
      { upperBound: 2, count: 10 - 1e-12 },
      { upperBound: 3, count: 20 },
      { upperBound: Infinity, count: 20 },
    ];
    expect(bucketQuantile(0.5, dip(), '2.x')).toEqual({ value: 1, forcedMonotonic: true });
    expect(bucketQuantile(0.5, dip(), '3.x')).toEqual({ value: 1, forcedMonotonic: false });
  });

  it('quantile stays within the finite bucket bounds for φ in [0, 1] (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 100 }), { minLength: 2, maxLength: 8 }), fc.double({ min: 0, max: 1, noNaN: true }), (incs, q) => {
        let c = 0;
        const bs = incs.map((inc, i) => ({ upperBound: i === incs.length - 1 ? Infinity : i + 1, count: (c += inc) }));
        const r = bucketQuantile(q, bs).value;
        if (c === 0) return Number.isNaN(r);
        // Go's bucketQuantile: φ = 0 with an empty first bucket gives rank 0 in a bucket of count 0, and
        // bucketStart + width × (0 / 0) is NaN (quantile.go at v0.316.0); fast-check found `[[0, 1], 0]`.
        if (q === 0 && incs[0] === 0) return Number.isNaN(r);
        return r >= 0 && r <= incs.length - 1;
      }),
      { examples: [[[0, 1], 0]] },
    );
  });
});

describe('histogram_quantiles (experimental) over classic buckets', () => {
  it('lines 691/713/735: one sample per φ and histogram, φ in the label in OpenMetrics form', () => {
    const { vector } = histogramQuantiles(testhistogram, 'q', [-0.1, 1, 0.5, NaN]);
    expect(vector.map((s) => [s.labels.get('start'), s.labels.get('q'), s.v])).toEqual([
      ['positive', '-0.1', -Infinity],
      ['negative', '-0.1', -Infinity],
      ['positive', '1.0', 1],
      ['negative', '1.0', 0.3],
      ['positive', '0.5', 0.15000000000000002],
      ['negative', '0.5', -0.15000000000000002],
      ['positive', 'NaN', NaN],
      ['negative', 'NaN', NaN],
    ]);
  });
});

describe('histogram_fraction over classic buckets', () => {
  const h2 = buckets('testhistogram2_bucket', {}, [['0', 0], ['2', 10], ['4', 20], ['6', 30], ['+Inf', 30]]);
  const h4 = buckets('testhistogram4_bucket', {}, [['0', 40], ['1', 70], ['2', 90], ['+Inf', 100]]);
  const first = buckets('p', {}, [['1', 1], ['2', 3], ['3', 6], ['+Inf', 100]]);
  const neg = buckets('n', {}, [['-3', 10], ['-2', 12], ['-1', 15], ['+Inf', 100]]);
  it.each([
    [119, 0, 4, h2, 0.6666666666666666],
    [127, 0, 6, h2, 1],
    [135, 0, 3.5, h2, 0.5833333333333334],
    [151, -Infinity, 0, h4, 0.4],
    [159, 0, Infinity, h4, 0.6],
    [211, 0, 1.5, first, 0.02],
    [230, -4, -2, neg, 0.02],
    [250, -Infinity, -1.5, neg, 0.135],
    [374, 2, 2, h2, 0],
    [389, 3, 2, h2, 0],
  ] as const)('line %d: fraction(%d, %d)', (_l, lo, hi, v, want) => {
    expect(histogramFraction(lo, hi, v).vector.map((s) => s.v)).toEqual([want]);
  });
});

describe("le values with Go's strconv.ParseFloat (go1.26 results)", () => {
  it.each([
    ['1', 1],
    ['+Inf', Infinity],
    ['-Inf', -Infinity],
    ['inf', Infinity],
    ['Infinity', Infinity],
    ['+infinity', Infinity],
    ['NaN', NaN],
    ['nan', NaN],
    ['1_000', 1000],
    ['0x1p-2', 0.25],
    ['0x_1p0', 1],
    ['0x1.8p1', 3],
    ['1e-400', 0],
    ['.5', 0.5],
    ['5.', 5],
    ['1E3', 1000],
    ['-0', -0],
  ] as const)('%s parses as %d', (s, want) => {
    expect(goParseFloat(s)).toBe(want);
  });
  it.each(['-nan', '+NaN', '1e400', '-1e400', ' 1', '0.5e', '0x10', '0b101', '0o17', '1__0', '', '_1', '1_'])('%j is an error', (s) => {
    expect(goParseFloat(s)).toBeUndefined();
  });
  it('agrees with Number() on every decimal JavaScript prints, and never throws (fuzz)', () => {
    fc.assert(fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => Object.is(goParseFloat(String(x)), x === 0 ? 0 : x)));
    fc.assert(fc.property(fc.string(), (s) => goParseFloat(s) === undefined || typeof goParseFloat(s) === 'number'));
  });
});
