import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LabelSet } from '../../../../src/model/labels.js';
import { formatGoFloatE, formatGoFloatF, formatGoFloatG } from '../../../../src/promql/format-go-float.js';
import {
  aggregateKernel,
  clampLimitRatio,
  countValuesLabel,
  goInt64Param,
  labelsHash,
  limitRatioKeeps,
  ratioSampleOffset,
  selectLimitK,
  selectTopK,
} from '../../../../src/promql/functions/aggregate-kernels.js';
import type { PromSemantics } from '../../../../src/promql/semantics.js';
import type { VectorSample } from '../../../../src/promql/value.js';

/** Goldens: `/work/shared/conformance/promql-3.16/aggregators.test` (line cited) and go1.26 results where stated. */
type Op = Parameters<typeof aggregateKernel>[0];
function agg(op: Op, values: readonly number[], semantics: PromSemantics = '3.x', param = NaN): number {
  const k = aggregateKernel(op, semantics, param);
  for (const v of values) k.add(v);
  return k.result();
}

describe('simple aggregations', () => {
  it.each([
    // http_requests at 50m (line 2ff): api-server canary 300, 400; production 100, 200.
    ['sum l.25', 'sum', [300, 400], 700],
    ['avg l.30', 'avg', [300, 400], 350],
    ['count l.35', 'count', [100, 200], 2],
    ['group', 'group', [5, NaN], 1],
    ['stddev l.184', 'stddev', [100, 200, 300, 400, 500, 600, 700, 800], 229.128784747792],
    ['stdvar l.191', 'stdvar', [100, 200, 300, 400, 500, 600, 700, 800], 52500],
    ['stddev {12, 5} (reference §2.8)', 'stddev', [12, 5], 3.5],
    // Float precision test l.205: three samples of 13.3 (0+1.33x10 at step 10).
    ['stddev of equal values l.205', 'stddev', [13.3, 13.3, 13.3], 0],
    ['stdvar NaN/Inf first → NaN (3.x)', 'stdvar', [Infinity, 1], NaN],
    // avg extremes, lines 662–697 (value order as loaded).
    ['avg inf2 l.668', 'avg', [Infinity, 0, Infinity], Infinity],
    ['avg inf3 l.671', 'avg', [Infinity, Infinity, Infinity, -Infinity], NaN],
    ['avg nan l.683', 'avg', [-Infinity, 0, Infinity], NaN],
    ['avg big l.686', 'avg', [9.988465674311579e307, 9.988465674311579e307, 9.988465674311579e307, 9.988465674311579e307], 9.988465674311579e307],
    ['avg bigzero l.692', 'avg', [-9.988465674311579e307, -9.988465674311579e307, 9.988465674311579e307, 9.988465674311579e307], 0],
    // Kahan, lines 723–733: 2, 8, 1e100, -1e100.
    ['sum ten l.723 (Kahan)', 'sum', [2, 8, 1e100, -1e100], 10],
    ['avg ten l.730 (Kahan)', 'avg', [2, 8, 1e100, -1e100], 2.5],
    ['sum inf_inf l.749', 'sum', [Infinity, -Infinity], NaN],
    ['sum pos_inf l.735', 'sum', [Infinity, 2], Infinity],
    ['sum nan l.755', 'sum', [NaN, 2], NaN],
    // min/max NaN rules (§2.8): NaN only if all are NaN.
    ['max NaN first', 'max', [NaN, 1, 3], 3],
    ['min NaN first', 'min', [NaN, 4, 3], 3],
    ['max all NaN', 'max', [NaN, NaN], NaN],
    // quantile, lines 504–590.
    // l.504 prints 2.8 and 0.6 (within promqltest's epsilon); go1.26 computes `quantile`'s
    // 1·(1−w) + 4·w with w = 0.6000000000000001 as 2.8000000000000003, and 0.6000000000000001.
    ['quantile 0.8 uneven l.504 (Go float64)', 'quantile', [0, 1, 4], 2.8000000000000003, 0.8],
    ['quantile 0.8 NaN sample l.504 (Go float64)', 'quantile', [0, 1, NaN], 0.6000000000000001, 0.8],
    ['quantile 0.8 two samples l.504', 'quantile', [0, 1], 0.8, 0.8],
    ['quantile 0.8 three samples l.504', 'quantile', [0, 1, 2], 1.6, 0.8],
    ['quantile 0.2 NaN sample l.513', 'quantile', [0, 1, NaN], NaN, 0.2],
    ['quantile 0.5 finite before +Inf l.574', 'quantile', [1, 2, Infinity], 2, 0.5],
    ['quantile 0.5 mixed infinities l.574', 'quantile', [-Infinity, Infinity], NaN, 0.5],
    ['quantile φ = NaN l.544', 'quantile', [0, 1], NaN, NaN],
    ['quantile φ < 0', 'quantile', [0, 1], -Infinity, -0.5],
  ] as const)('%s', (_w, op, values, want, param = NaN) => {
    expect(agg(op, values, '3.x', param)).toBe(want);
  });

  it('avg of twelve 52s is exactly 52 (lines 784–808, direct mean)', () => {
    for (let n = 8; n <= 12; n++) expect(agg('avg', new Array<number>(n).fill(52))).toBe(52);
  });

  it('2.x: plain sum loses the small terms next to 1e100; 3.x Kahan keeps them', () => {
    expect(agg('sum', [2, 8, 1e100, -1e100], '2.x')).toBe(0);
    expect(agg('sum', [2, 8, 1e100, -1e100], '3.x')).toBe(10);
  });

  it('Kahan sum equals the exact sum of small integers (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -(2 ** 40), max: 2 ** 40 }), { minLength: 1, maxLength: 100 }), (xs) => {
        const exact = xs.reduce((a, b) => a + BigInt(b), 0n);
        return agg('sum', xs) === Number(exact);
      }),
    );
  });

  it('quantile lies within [min, max] (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ noNaN: true }), { minLength: 1, maxLength: 20 }), fc.double({ min: 0, max: 1, noNaN: true }), (xs, q) => {
        const v = agg('quantile', xs, '3.x', q);
        const lo = agg('min', xs);
        const hi = agg('max', xs);
        return Number.isNaN(v) ? xs.includes(Infinity) && xs.includes(-Infinity) : v >= lo && v <= hi;
      }),
    );
  });
});

const s = (labels: Record<string, string>, v: number): VectorSample => ({ labels: LabelSet.from(labels), t: 0, v });

describe('topk / bottomk / limitk (aggregators.test lines 270–360)', () => {
  const hr = [
    s({ group: 'production', instance: '0', job: 'api-server' }, 100),
    s({ group: 'production', instance: '1', job: 'api-server' }, 200),
    s({ group: 'production', instance: '2', job: 'api-server' }, NaN),
    s({ group: 'canary', instance: '0', job: 'api-server' }, 300),
    s({ group: 'canary', instance: '1', job: 'api-server' }, 400),
    s({ group: 'production', instance: '0', job: 'app-server' }, 500),
    s({ group: 'production', instance: '1', job: 'app-server' }, 600),
    s({ group: 'canary', instance: '0', job: 'app-server' }, 700),
    s({ group: 'canary', instance: '1', job: 'app-server' }, 800),
  ];
  it('line 287: topk(3) best first', () => {
    expect(selectTopK(hr, 3, 'topk').map((x) => x.v)).toEqual([800, 700, 600]);
  });
  it('line 304: bottomk(3) best first', () => {
    expect(selectTopK(hr, 3, 'bottomk').map((x) => x.v)).toEqual([100, 200, 300]);
  });
  it('lines 331/337: NaN ranks lowest for both, output last', () => {
    const prod = hr.slice(0, 3);
    expect(selectTopK(prod, 3, 'topk').map((x) => x.v)).toEqual([200, 100, NaN]);
    expect(selectTopK(prod, 3, 'bottomk').map((x) => x.v)).toEqual([100, 200, NaN]);
    expect(selectTopK(prod, 2, 'bottomk').map((x) => x.v)).toEqual([100, 200]);
  });
  it('k < 1 selects nothing; k is int64(param) as Go converts it', () => {
    expect(selectTopK(hr, 0, 'topk')).toEqual([]);
    expect(goInt64Param(2.9)).toBe(2);
    expect(goInt64Param(-0.5)).toBe(0);
    expect(goInt64Param(NaN)).toBe(-9223372036854775808);
    expect(goInt64Param(1e300)).toBe(-9223372036854775808);
  });
  it('limitk keeps the first k in input order', () => {
    expect(new Set(selectLimitK(hr, 2).map((x) => x.v))).toEqual(new Set([100, 200]));
    expect(selectLimitK(hr, 0)).toEqual([]);
  });
});

describe('limit_ratio: hash-based like Prometheus (labels.Hash = xxhash64, go1.26 values)', () => {
  it('hashes the label bytes name 0xff value 0xff … as Go', () => {
    expect(labelsHash(LabelSet.from({ __name__: 'http_requests', instance: '0', job: 'api-server' }))).toBe(6970089646645440768n);
    expect(labelsHash(LabelSet.from({}))).toBe(17241709254077376921n);
    expect(labelsHash(LabelSet.from({ a: 'b' }))).toBe(6955969838111864200n);
    expect(ratioSampleOffset(LabelSet.from({ a: 'b' }))).toBe(0.37708388051122627);
  });
  it('limit_ratio(r) and limit_ratio(-(1-r)) are complements (limit.test lines 127–150)', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom('a', 'b', 'job', 'instance'), fc.string({ minLength: 1, maxLength: 5 })), fc.double({ min: 0.01, max: 0.99, noNaN: true }), (rec, r) => {
        const l = LabelSet.from(rec);
        return limitRatioKeeps(r, l) !== limitRatioKeeps(-(1 - r), l);
      }),
    );
  });
  it('clamps the ratio to [-1, 1]; 1 keeps all, -1 keeps all', () => {
    expect(clampLimitRatio(1.1)).toBe(1);
    expect(clampLimitRatio(-1.1)).toBe(-1);
    const l = LabelSet.from({ a: 'b' });
    expect(limitRatioKeeps(1, l) && limitRatioKeeps(-1, l)).toBe(true);
  });
});

describe("Go float formatting (reference §2.11; go1.26 strconv.FormatFloat)", () => {
  it.each([
    [1e21, '1000000000000000000000', '1e+21', '1e+21'],
    [1e-7, '0.0000001', '1e-07', '1e-07'],
    [0.1, '0.1', '1e-01', '0.1'],
    [123456.7, '123456.7', '1.234567e+05', '123456.7'],
    [1e6, '1000000', '1e+06', '1e+06'],
    [1234567, '1234567', '1.234567e+06', '1.234567e+06'],
    [1e-5, '0.00001', '1e-05', '1e-05'],
    [0.0001, '0.0001', '1e-04', '0.0001'],
    [100, '100', '1e+02', '100'],
    [1e20, '100000000000000000000', '1e+20', '1e+20'],
    [-2.5, '-2.5', '-2.5e+00', '-2.5'],
    [5e-324, `0.${'0'.repeat(323)}5`, '5e-324', '5e-324'],
    [NaN, 'NaN', 'NaN', 'NaN'],
    [Infinity, '+Inf', '+Inf', '+Inf'],
    [-Infinity, '-Inf', '-Inf', '-Inf'],
    [-0, '-0', '-0e+00', '-0'],
  ])('%d: f=%s e=%s g=%s', (v, f, e, g) => {
    expect(formatGoFloatF(v)).toBe(f);
    expect(formatGoFloatE(v)).toBe(e);
    expect(formatGoFloatG(v)).toBe(g);
  });
  it('count_values labels use the f form (aggregators.test line 447: version="6")', () => {
    expect(countValuesLabel(6)).toBe('6');
    expect(countValuesLabel(1e21)).toBe('1000000000000000000000');
  });
  it('the f form parses back to the same number (property)', () => {
    fc.assert(fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => Object.is(Number(formatGoFloatF(x)), x)));
  });
});
