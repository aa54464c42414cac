import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseSeriesDesc, SeriesDescError } from '../../../../src/promql/test-script/series-desc.js';

const floats = (line: string): (number | string)[] =>
  parseSeriesDesc(line).values.map((v) => (v.kind === 'float' ? v.v : v.kind));

describe('series notation (generated_parser.y series_item, v0.316.0)', () => {
  it('expands repeats, sequences, gaps and staleness markers like Go', () => {
    expect(floats('m 0+10x5')).toEqual([0, 10, 20, 30, 40, 50]);
    expect(floats('m -2+4x3')).toEqual([-2, 2, 6, 10]);
    expect(floats('m 1-2x4')).toEqual([1, -1, -3, -5, -7]);
    expect(floats('m 7x2')).toEqual([7, 7, 7]);
    expect(floats('m _ _x3 stale 1')).toEqual(['omitted', 'omitted', 'omitted', 'omitted', 'stale', 1]);
    expect(floats('m Inf -Inf NaN 1e3 .5')).toEqual([Infinity, -Infinity, NaN, 1000, 0.5]);
  });

  it('reads labels, quoted names and Go escapes', () => {
    expect(parseSeriesDesc('up{job="a", l="x\\ny"} 1').labels).toEqual({ __name__: 'up', job: 'a', l: 'x\ny' });
    expect(parseSeriesDesc('{"some.name", a=\'b\'} 1').labels).toEqual({ __name__: 'some.name', a: 'b' });
    expect(parseSeriesDesc('{} 1').labels).toEqual({});
  });

  it('a+bxn is n+1 values by repeated addition (rounding accumulates as in Go)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1000, max: 1000 }), fc.double({ min: -100, max: 100, noNaN: true }), fc.nat(50), (a, b, n) => {
        const step = Math.abs(b);
        const line = `m ${a}${b < 0 ? '-' : '+'}${step}x${n}`;
        const want: number[] = [];
        let cur = a;
        for (let i = 0; i <= n; i++) {
          want.push(cur);
          cur += b < 0 ? -step : step;
        }
        expect(floats(line)).toEqual(want);
      }),
    );
  });

  it('any input either parses or throws SeriesDescError', () => {
    const alphabet = fc.constantFrom(...'ab_{}="\',x+-.0123456789 eInfNa\\`stale'.split(''));
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 40 }).map((a) => a.join('')), (line) => {
        try {
          parseSeriesDesc(line);
        } catch (err) {
          expect(err).toBeInstanceOf(SeriesDescError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
