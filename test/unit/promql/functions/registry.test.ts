import { describe, expect, it } from 'vitest';
import { LabelSet } from '../../../../src/model/labels.js';
import { functionNames, lookupFunction } from '../../../../src/promql/parser/functions.js';
import { scalarOf, vectorOf } from '../../../../src/promql/functions/conversions.js';
import { allImplementations, lookupImplementation } from '../../../../src/promql/functions/registry.js';
import { rangeCtx, sec } from './promqltest-series.js';

describe('function registry', () => {
  it('has exactly one entry for every name of the parser signature table (3.16 and 2.x)', () => {
    const names = functionNames('2').sort();
    expect(allImplementations().map((e) => e.name).sort()).toEqual(names);
    for (const n of functionNames('3')) expect(lookupImplementation(n)).toBeDefined();
    expect(lookupImplementation('no_such_function')).toBeUndefined();
  });

  it("copies the parser's experimental flag", () => {
    for (const e of allImplementations()) expect(e.experimental).toBe(lookupFunction(e.name, '2')?.experimental);
  });

  it('keeps __name__ exactly for first/last_over_time, label_*, sort* (engine.go, functions.go)', () => {
    const keeping = allImplementations()
      .filter((e) => e.traits.keepsName)
      .map((e) => e.name)
      .sort();
    expect(keeping).toEqual(['first_over_time', 'label_join', 'label_replace', 'last_over_time', 'sort', 'sort_by_label', 'sort_by_label_desc', 'sort_desc']);
  });

  it('every float function of 3.16 is implemented; only native-histogram and named experimental ones are not', () => {
    const unsupported = allImplementations()
      .filter((e) => e.kind === 'unsupported')
      .map((e) => e.name)
      .sort();
    expect(unsupported).toEqual([
      'histogram_avg',
      'histogram_count',
      'histogram_stddev',
      'histogram_stdvar',
      'histogram_sum',
      'info',
      'start_timestamp',
    ]);
    for (const e of allImplementations()) if (e.kind === 'unsupported') expect(e.reason.length).toBeGreaterThan(10);
  });

  it('dispatches: range, value with default time, vector, scalar', () => {
    const rate = lookupImplementation('rate');
    const p = { t: Float64Array.from([0, 10_000, 20_000]), v: Float64Array.from([0, 10, 20]), n: 3 };
    // Increase 20, start extrapolation capped at the counter's zero point (t = 0), divided by the 30 s range.
    expect(rate?.kind === 'range' && rate.impl(p, rangeCtx(sec(20), sec(30)), [])).toBe(20 / 30);
    const hw = lookupImplementation('holt_winters');
    expect(hw?.kind).toBe('range');
    const year = lookupImplementation('year');
    expect(year?.kind === 'value' && year.defaultsToTime && year.impl(1136239445, [])).toBe(2006);
    const time = lookupImplementation('time');
    expect(time?.kind === 'scalar' && time.impl([], { evalTimeMs: 1, semantics: '3.x' })).toBe(0.001);
    const ts = lookupImplementation('timestamp');
    const out = ts?.kind === 'vector' ? ts.impl([{ labels: LabelSet.from({ a: 'b' }), t: 1500, v: 7 }], [], [], { evalTimeMs: 3000, semantics: '3.x' }) : [];
    expect(out.map((x) => [x.t, x.v])).toEqual([[3000, 1.5]]);
    expect(lookupImplementation('absent')?.kind).toBe('special');
  });
});

describe('scalar / vector (functions.test lines 596–600)', () => {
  it('scalar is NaN unless exactly one sample; vector(s) has no labels', () => {
    const one = vectorOf(1, 0);
    expect(one.map((x) => [x.labels.toRecord(), x.v])).toEqual([[{}, 1]]);
    expect(scalarOf(one)).toBe(1);
    expect(scalarOf([])).toBeNaN();
    expect(scalarOf([...one, { labels: LabelSet.from({ a: 'b' }), t: 0, v: 2 }])).toBeNaN();
  });
});
