/**
 * Fuzzing of the exposition parser: (a) whatever the input, only ExpositionParseError comes out; (b) random
 * stores survive writeExposition → parseTextExposition unchanged, in both formats.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ExpositionParseError } from '../../../src/errors.js';
import { parseTextExposition } from '../../../src/exposition/parser.js';
import type { ExpositionFormat } from '../../../src/exposition/types.js';
import { writeExposition } from '../../../src/exposition/writer.js';
import { LabelSet } from '../../../src/model/labels.js';
import { MemorySeriesStore } from '../../../src/store/memory-series-store.js';
import type { MetricMetadata, MetricType } from '../../../src/store/types.js';

function onlyParseErrors(input: string | Uint8Array, format: ExpositionFormat): void {
  try {
    parseTextExposition(input, { format });
  } catch (err) {
    if (!(err instanceof ExpositionParseError)) throw err;
    expect(err.line).toBeGreaterThanOrEqual(1);
  }
}

// Fragments that reach deep into the grammar when glued together at random.
const FRAGMENTS = [
  'm', 'metric_name', '_total', '_bucket', '_count', '_sum', '{', '}', '"', '\\', '\\n', '\\"', '\\\\', '=', ',', ' ',
  '\t', '\n', '#', '# ', 'HELP', 'TYPE', 'UNIT', 'EOF', '# EOF', 'counter', 'gauge', 'summary', 'histogram', 'unknown',
  'untyped', 'le', 'quantile', '1', '-1.5e+3', 'NaN', '+Inf', '-inf', '1e400', '0x1p3', '123456789012345678901',
  'ü', '😀', '\ud800', '\r', '__name__', '__proto__', 'constructor', ':',
];

describe('parseTextExposition never throws anything but ExpositionParseError', () => {
  for (const format of ['text', 'openmetrics'] as const) {
    it(`arbitrary strings (${format})`, () => {
      fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (s) => onlyParseErrors(s, format)), {
        numRuns: 3000,
      });
    });

    it(`grammar fragments (${format})`, () => {
      fc.assert(
        fc.property(fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 60 }), (parts) => onlyParseErrors(parts.join(''), format)),
        { numRuns: 5000 },
      );
    });

    it(`arbitrary bytes (${format})`, () => {
      fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (b) => onlyParseErrors(b, format)), { numRuns: 2000 });
    });
  }
});

// ------------------------------------------------------------------------------------------- round trip

const SPECIAL_CHARS = ['a', 'Z', '0', ' ', '\\', '"', '\n', '\t', '{', '}', '=', ',', '#', 'ü', '€', '😀', '\u0000', '\r'];
const textArb = fc.oneof(
  fc.string({ unit: fc.constantFrom(...SPECIAL_CHARS), maxLength: 12 }),
  fc.string({ unit: 'grapheme', maxLength: 12 }),
);
const metricNameArb = fc.stringMatching(/^[a-zA-Z_:][a-zA-Z0-9_:]{0,6}$/);
const labelNameArb = fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_]{0,4}$/).filter((n) => n !== '__name__');
const valueArb = fc.oneof(fc.double(), fc.constantFrom(0, -0, 1, NaN, Infinity, -Infinity, 1e21, 5e-324, 1234567));

interface FamilySpec {
  name: string;
  metadata: MetricMetadata | undefined;
  series: { labels: Record<string, string>; value: number; stale: boolean }[];
}

const familyArb: fc.Arbitrary<FamilySpec> = fc
  .record({
    base: metricNameArb,
    counter: fc.boolean(),
    metadata: fc.option(
      fc.record({
        type: fc.constantFrom<MetricType>('counter', 'gauge', 'untyped'),
        help: textArb,
        unit: fc.option(fc.constantFrom('seconds', 'bytes', 'x'), { nil: undefined }),
      }),
      { nil: undefined },
    ),
    series: fc.array(
      fc.record({ labels: fc.dictionary(labelNameArb, textArb.filter((v) => v !== ''), { maxKeys: 3 }), value: valueArb, stale: fc.boolean() }),
      { minLength: 1, maxLength: 4 },
    ),
  })
  .map(({ base, counter, metadata, series }) => {
    const name = counter ? `${base}_total` : base;
    const m: MetricMetadata | undefined =
      metadata === undefined
        ? undefined
        : { type: metadata.type, help: metadata.help, ...(metadata.unit === undefined ? {} : { unit: metadata.unit }) };
    return { name, metadata: m, series };
  });

interface ExpectedSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

function sampleKey(s: ExpectedSample): string {
  const labels = Object.keys(s.labels)
    .sort()
    .map((k) => [k, s.labels[k]]);
  return JSON.stringify([s.name, labels]);
}

function sameValue(a: number, b: number): boolean {
  return (Number.isNaN(a) && Number.isNaN(b)) || a === b;
}

describe('writeExposition → parseTextExposition round trip', () => {
  for (const format of ['text', 'openmetrics'] as const) {
    it(`keeps families, metadata, samples and values (${format})`, () => {
      fc.assert(
        fc.property(fc.uniqueArray(familyArb, { selector: (f) => f.name, maxLength: 6 }), (families) => {
          const store = new MemorySeriesStore({ retentionMs: 3_600_000 });
          const first: { labels: LabelSet; value: number }[] = [];
          const second: { labels: LabelSet; value: number }[] = [];
          for (const f of families) {
            if (f.metadata !== undefined) store.setMetadata('flink-rest', f.name, f.metadata);
            for (const s of f.series) {
              const labels = LabelSet.from({ ...s.labels, __name__: f.name });
              first.push({ labels, value: s.value });
              if (!s.stale) second.push({ labels, value: s.value });
            }
          }
          store.appendSnapshot('s', 1000, first);
          store.appendSnapshot('s', 2000, second);

          const text = writeExposition(store, { format });
          // The Buffer renderer writes piece by piece; it must produce exactly the string's UTF-8 bytes.
          const bytes = writeExposition(store, { format, output: 'buffer' });
          expect(bytes.equals(Buffer.from(text, 'utf8'))).toBe(true);
          const parsed = parseTextExposition(bytes, { format });

          // Samples: exactly the live series, once each, with their values.
          const expected = new Map<string, ExpectedSample>();
          for (const name of store.familyNames()) {
            for (const s of store.family(name)) {
              if (s.isStale) continue;
              const labels = s.labels.toRecord();
              delete labels['__name__'];
              const e = { name, labels, value: s.lastValue };
              expected.set(sampleKey(e), e);
            }
          }
          const got = new Map<string, ExpectedSample>();
          for (const f of parsed) {
            for (const s of f.samples) {
              const e = { name: s.name, labels: { ...s.labels }, value: s.value };
              expect(got.has(sampleKey(e)), `duplicate ${sampleKey(e)}`).toBe(false);
              got.set(sampleKey(e), e);
              expect(s.timestampMs).toBeUndefined();
            }
          }
          expect([...got.keys()].sort()).toEqual([...expected.keys()].sort());
          for (const [k, e] of expected) expect(sameValue((got.get(k) as ExpectedSample).value, e.value), k).toBe(true);

          // Families: name, type, help, unit as the writer documents them.
          const names = new Set(store.familyNames());
          for (const f of parsed) {
            const member = f.samples[0]?.name as string;
            const m = store.metadata(member);
            let name = member;
            let type: MetricType = m?.type ?? 'untyped';
            if (format === 'openmetrics' && m?.type === 'counter') {
              const stripped = member.endsWith('_total') ? member.slice(0, -6) : '';
              if (stripped !== '' && !names.has(stripped)) name = stripped;
              else type = 'untyped';
            }
            expect(f.name).toBe(name);
            expect(f.type).toBe(type);
            // Text 0.0.4 cannot carry leading blanks of a HELP text: the parser skips blanks before it (expfmt).
            const help = m === undefined ? '' : format === 'text' ? m.help.replace(/^[ \t]+/, '') : m.help;
            expect(f.help).toBe(help === '' ? undefined : help);
            const unit = format === 'openmetrics' && m?.unit !== undefined && name.endsWith(`_${m.unit}`) ? m.unit : undefined;
            expect(f.unit).toBe(unit);
          }
        }),
        { numRuns: 500 },
      );
    });
  }
});
