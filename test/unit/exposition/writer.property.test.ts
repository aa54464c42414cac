import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeLabelValue } from '../../../src/exposition/escape.js';
import { formatFloat, formatOpenMetricsFloat } from '../../../src/exposition/format-float.js';
import { chunkAllocation, writeExposition, writeExpositionChunks } from '../../../src/exposition/writer.js';
import { labelSet, type LabelRecord } from '../../../src/model/labels.js';
import { MemorySeriesStore } from '../../../src/store/memory-series-store.js';

// The Buffer writer copies label runs shared with the previous line and writes numbers without strings; this
// checks it line by line against the plain per-series rendering (formatFloat / escapeLabelValue, themselves
// tested against Go's output) on label sets drawn from small pools, so consecutive series share some values.
const LABEL_NAMES = ['a', 'job_id', 'task_name', 'subtask_index', 'z'] as const;
const valuePool = fc.constantFrom('j1', 'j2', 'x', 'ünï', 'q"uo\\te\n', '0', '1', '12', 'Source:_Kafka_topic_events____Map____Filter____Sink');
const labelsArb = fc.record(
  Object.fromEntries(LABEL_NAMES.map((n) => [n, fc.option(valuePool, { nil: undefined })])) as Record<string, fc.Arbitrary<string | undefined>>,
).map((r) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined)) as LabelRecord);
const valueArb = fc.oneof(
  fc.double(),
  fc.integer({ min: -2_000_000, max: 2_000_000 }),
  fc.integer({ min: -(2 ** 53), max: 2 ** 53 }),
  fc.constantFrom(0, -0, 1e6, 1_234_000, 2 ** 53 - 1, 2 ** 53, -(2 ** 53) + 1, 999_999, 1e15, 1.5e7),
);
const seriesArb = fc.array(fc.record({ family: fc.constantFrom('fam_a', 'fam_b'), labels: labelsArb, value: valueArb }), {
  minLength: 1,
  maxLength: 40,
});

function expected(series: { family: string; labels: LabelRecord; value: number }[], om: boolean): string {
  const lines: string[] = [];
  for (const family of ['fam_a', 'fam_b']) {
    const members = series.filter((s) => s.family === family);
    if (members.length === 0) continue;
    lines.push(`# TYPE ${family} ${om ? 'unknown' : 'untyped'}`);
    for (const s of members) {
      const ls = labelSet(family, s.labels);
      const pairs = ls.names.flatMap((n, i) => (n === '__name__' ? [] : [`${n}="${escapeLabelValue(ls.values[i] as string)}"`]));
      const labels = pairs.length === 0 ? '' : `{${pairs.join(',')}}`;
      lines.push(`${family}${labels} ${om ? formatOpenMetricsFloat(s.value) : formatFloat(s.value)}`);
    }
  }
  if (om) lines.push('# EOF');
  return `${lines.join('\n')}\n`;
}

type Drawn = { family: string; labels: LabelRecord; value: number };

/** A store holding the drawn series, one per label set (the store keeps the last value of a repeated one). */
function storeOf(drawn: readonly Drawn[]): { series: Drawn[]; store: MemorySeriesStore } {
  const byKey = new Map<string, Drawn>();
  for (const s of drawn) byKey.set(labelSet(s.family, s.labels).key, s);
  const series = [...byKey.values()];
  const store = new MemorySeriesStore({ retentionMs: 600_000 });
  store.appendSnapshot('src', 1000, series.map((s) => ({ labels: labelSet(s.family, s.labels), value: s.value })));
  return { series, store };
}

describe('writeExposition Buffer output against the per-series rendering', () => {
  it('writes every line as formatFloat and escapeLabelValue would, in both formats', () => {
    fc.assert(
      fc.property(seriesArb, (drawn) => {
        const { series, store } = storeOf(drawn);
        for (const om of [false, true]) {
          const format = om ? 'openmetrics' : 'text';
          expect(writeExposition(store, { format, output: 'buffer' }).toString('utf8')).toBe(expected(series, om));
        }
      }),
      { numRuns: 500 },
    );
  });

  it('cuts the same output into chunks between families, from buffers of the allocator', () => {
    fc.assert(
      fc.property(seriesArb, fc.integer({ min: 1, max: 400 }), (drawn, chunkBytes) => {
        const { series, store } = storeOf(drawn);
        for (const om of [false, true]) {
          const asked: number[] = [];
          const chunks = [
            ...writeExpositionChunks(store, {
              format: om ? 'openmetrics' : 'text',
              chunkBytes,
              allocate: (n) => (asked.push(n), Buffer.alloc(n)),
            }),
          ];
          expect(Buffer.concat(chunks).toString('utf8')).toBe(expected(series, om));
          expect(asked.every((n) => n === chunkAllocation(chunkBytes))).toBe(true);
          // Every chunk but the last reaches chunkBytes; every chunk after the first starts a family (or is the EOF).
          for (const c of chunks.slice(0, -1)) expect(c.length).toBeGreaterThanOrEqual(chunkBytes);
          for (const c of chunks.slice(1)) expect(c.toString('utf8')).toMatch(/^# (TYPE|EOF)/);
        }
      }),
      { numRuns: 300 },
    );
  });
});
