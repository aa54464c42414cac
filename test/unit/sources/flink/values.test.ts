import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseFlinkNumber, parseNonNegative, parseWatermark } from '../../../../src/sources/flink/values.js';
import { chunkMetricIds } from '../../../../src/sources/flink/metric-names.js';

describe('parseFlinkNumber', () => {
  it('reads the encodings Flink uses', () => {
    expect(parseFlinkNumber('123')).toBe(123);
    expect(parseFlinkNumber('0.25')).toBe(0.25);
    expect(parseFlinkNumber(7.5)).toBe(7.5);
    expect(parseFlinkNumber('NaN')).toBeNaN();
    expect(parseFlinkNumber('Infinity')).toBe(Infinity);
    expect(parseFlinkNumber('-Infinity')).toBe(-Infinity);
    expect(parseFlinkNumber('true')).toBe(1);
    expect(parseFlinkNumber(false)).toBe(0);
    expect(parseFlinkNumber('1.0E10')).toBe(1e10);
    expect(parseFlinkNumber('-9223372036854775808')).toBe(-9223372036854775808);
  });
  it('rejects what is not a number instead of guessing', () => {
    for (const v of ['', 'hdfs:///cp/1', '0x10', '12abc', null, undefined, {}, []]) expect(parseFlinkNumber(v)).toBeUndefined();
  });
  it('never throws and round-trips finite doubles written by Java/JS', () => {
    fc.assert(fc.property(fc.anything(), (v) => void parseFlinkNumber(v)));
    fc.assert(fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (d) => parseFlinkNumber(String(d)) === d));
  });
});

describe('sentinels', () => {
  it('treats Long.MIN_VALUE / Long.MAX_VALUE watermarks as absent', () => {
    expect(parseWatermark('-9223372036854775808')).toBeUndefined();
    expect(parseWatermark(-9.223372036854776e18)).toBeUndefined();
    expect(parseWatermark('9223372036854775807')).toBeUndefined();
    expect(parseWatermark('1700000000000')).toBe(1700000000000);
  });
  it('treats -1 as not applicable', () => {
    expect(parseNonNegative('-1')).toBeUndefined();
    expect(parseNonNegative('NaN')).toBeUndefined();
    expect(parseNonNegative('0')).toBe(0);
  });
});

describe('chunkMetricIds', () => {
  it('keeps every encoded chunk within the budget and loses no id', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ minLength: 1, maxLength: 60 }), { maxLength: 300 }), fc.integer({ min: 80, max: 4000 }), (ids, budget) => {
        const chunks = chunkMetricIds(ids, budget);
        const back = chunks.flatMap((c) => c.split(',').map(decodeURIComponent));
        expect(back).toEqual(ids.filter((i) => !i.includes(',')));
        for (const c of chunks) if (c.includes(',')) expect(c.length).toBeLessThanOrEqual(budget);
      }),
    );
  });
  it('escapes the characters Flink requires escaped', () => {
    expect(chunkMetricIds(['a#b', 'c&d', 'e+f', 'g/h', 'i;j', 'k=l', 'm?n', 'o@p', 'q$r'])).toEqual([
      'a%23b,c%26d,e%2Bf,g%2Fh,i%3Bj,k%3Dl,m%3Fn,o%40p,q%24r',
    ]);
  });
});
