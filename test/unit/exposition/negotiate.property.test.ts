import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  negotiateFormat,
  OPENMETRICS_0_0_1_CONTENT_TYPE,
  OPENMETRICS_CONTENT_TYPE,
  TEXT_CONTENT_TYPE,
} from '../../../src/exposition/negotiate.js';

const ANSWERS = [TEXT_CONTENT_TYPE, OPENMETRICS_CONTENT_TYPE, OPENMETRICS_0_0_1_CONTENT_TYPE];

/** One media range as a structure, so it can be rendered with and without optional whitespace. */
const mediaRange = fc.record({
  type: fc.constantFrom('application/openmetrics-text', 'text/plain', 'application/vnd.google.protobuf', '*/*', 'text/*', 'application/json'),
  version: fc.option(fc.constantFrom('1.0.0', '0.0.1', '0.0.4', '2.0.0', ''), { nil: undefined }),
  q: fc.option(fc.constantFrom('1', '1.0', '0.9', '0.5', '0.001', '0', '0.0'), { nil: undefined }),
  extra: fc.option(fc.constantFrom('charset=utf-8', 'proto=io.prometheus.client.MetricFamily', 'encoding=delimited', 'escaping=underscores'), { nil: undefined }),
});
type Range = typeof mediaRange extends fc.Arbitrary<infer T> ? T : never;

const ows = fc.constantFrom('', ' ', '  ', '\t');

function render(ranges: readonly Range[], space: () => string): string {
  return ranges
    .map((r) => {
      const params = [r.version !== undefined ? `version=${r.version}` : undefined, r.extra, r.q !== undefined ? `q=${r.q}` : undefined];
      return [r.type, ...params.filter((p) => p !== undefined)].join(`${space()};${space()}`);
    })
    .join(`${space()},${space()}`);
}

describe('negotiateFormat on arbitrary input', () => {
  it('never throws and always answers one of the three formats', () => {
    const header = fc.oneof(
      fc.string({ maxLength: 300 }),
      fc.array(fc.constantFrom('application/openmetrics-text', 'text/plain', ';', ',', '=', '"', '\\', 'q', 'version', '1.0.0', '0.0.4', ' ', '*/*', 'q=0', 'q=1.5', 'q=-1', 'q=NaN'), { maxLength: 40 }).map((t) => t.join('')),
    );
    fc.assert(
      fc.property(fc.option(header, { nil: undefined }), (h) => {
        const r = negotiateFormat(h);
        expect(ANSWERS).toContain(r.contentType);
        expect(r.format).toBe(r.contentType === TEXT_CONTENT_TYPE ? 'text' : 'openmetrics');
      }),
      { numRuns: 3000 },
    );
  });

  it('optional whitespace around separators does not change the answer', () => {
    fc.assert(
      fc.property(fc.array(mediaRange, { maxLength: 6 }), fc.infiniteStream(ows), (ranges, spaces) => {
        const it = spaces[Symbol.iterator]();
        expect(negotiateFormat(render(ranges, () => it.next().value as string))).toEqual(negotiateFormat(render(ranges, () => '')));
      }),
      { numRuns: 1000 },
    );
  });

  it('an explicit OpenMetrics 1.0.0 range first, at q=1, wins whatever follows (header order breaks ties)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (rest) => {
        expect(negotiateFormat(`application/openmetrics-text;version=1.0.0,${rest}`).contentType).toBe(OPENMETRICS_CONTENT_TYPE);
      }),
      { numRuns: 1000 },
    );
  });

  it('ranges that all have q=0 are refused, so the answer is text 0.0.4', () => {
    fc.assert(
      fc.property(fc.array(mediaRange, { minLength: 1, maxLength: 6 }), (ranges) => {
        const refused = ranges.map((r): Range => ({ ...r, q: '0' }));
        expect(negotiateFormat(render(refused, () => '')).contentType).toBe(TEXT_CONTENT_TYPE);
      }),
      { numRuns: 500 },
    );
  });
});
