/**
 * Model-based test: random command sequences run against MemorySeriesStore and against a deliberately naive
 * reference (arrays of sample objects, linear scans, JavaScript RegExp for a regex subset on which it agrees
 * with RE2), comparing every result and the complete stored state after every command.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LabelSet } from '../../../src/model/labels.js';
import { MemorySeriesStore } from '../../../src/store/memory-series-store.js';
import type { AppendResult, LabelMatcher, MatchOp } from '../../../src/store/types.js';

interface RefSample {
  t: number;
  v: number;
  stale: boolean;
}

interface RefSeries {
  labels: LabelSet;
  source: string;
  samples: RefSample[];
  lastLive: number;
  seen: number;
  order: number;
}

/** The reference: the SeriesStore contract written as plainly as possible. */
class ReferenceStore {
  readonly series = new Map<string, RefSeries>();
  private lastGc = -Infinity;
  private epoch = 0;
  private order = 0;

  constructor(private readonly retention: number) {}

  private push(s: RefSeries, t: number, v: number, stale: boolean): void {
    s.samples = s.samples.filter((x) => x.t >= t - this.retention);
    s.samples.push({ t, v: stale ? NaN : v, stale });
    if (!stale) s.lastLive = t;
  }

  private last(s: RefSeries): RefSample | undefined {
    return s.samples[s.samples.length - 1];
  }

  appendSnapshot(source: string, t: number, samples: { labels: LabelSet; value: number }[]): AppendResult {
    const epoch = ++this.epoch;
    let appended = 0;
    let outOfOrder = 0;
    let conflicts = 0;
    let staleMarked = 0;
    for (const { labels, value } of samples) {
      let s = this.series.get(labels.key);
      if (s === undefined) {
        s = { labels, source, samples: [], lastLive: -Infinity, seen: 0, order: this.order++ };
        this.series.set(labels.key, s);
      } else if (s.source !== source) {
        conflicts++;
        continue;
      }
      s.seen = epoch;
      const last = this.last(s);
      if (last !== undefined && last.t >= t) {
        outOfOrder++;
        continue;
      }
      this.push(s, t, value, false);
      appended++;
    }
    for (const s of this.series.values()) {
      if (s.source !== source || s.seen === epoch) continue;
      const last = this.last(s);
      if (last === undefined || last.stale || last.t >= t) continue;
      this.push(s, t, NaN, true);
      staleMarked++;
    }
    if (t >= this.lastGc + 1000) this.collectGarbage(t);
    return { appended, staleMarked, outOfOrder, conflicts };
  }

  markSourceStale(source: string, t: number): number {
    let n = 0;
    for (const s of this.series.values()) {
      const last = this.last(s);
      if (s.source !== source || last === undefined || last.stale || last.t >= t) continue;
      this.push(s, t, NaN, true);
      n++;
    }
    return n;
  }

  collectGarbage(now: number): number {
    this.lastGc = now;
    let removed = 0;
    for (const [key, s] of this.series) {
      s.samples = s.samples.filter((x) => x.t >= now - this.retention);
      if (s.samples.length === 0 || s.lastLive < now - this.retention) {
        this.series.delete(key);
        removed++;
      }
    }
    return removed;
  }

  select(matchers: LabelMatcher[]): string[] {
    const preds = matchers.map((m) => ({ name: m.name, test: refPredicate(m) }));
    if (preds.length === 0 || preds.every((p) => p.test(''))) return [];
    const out: string[] = [];
    for (const s of this.series.values()) {
      if (preds.every((p) => p.test(s.labels.get(p.name) ?? ''))) out.push(s.labels.key);
    }
    return out.sort();
  }
}

function refPredicate(m: LabelMatcher): (v: string) => boolean {
  switch (m.op) {
    case '=':
      return (v) => v === m.value;
    case '!=':
      return (v) => v !== m.value;
    case '=~': {
      const re = new RegExp(`^(?:${m.value})$`, 'su');
      return (v) => re.test(v);
    }
    case '!~': {
      const re = new RegExp(`^(?:${m.value})$`, 'su');
      return (v) => !re.test(v);
    }
  }
}

// ---------------------------------------------------------------------------------------------- generators

const NAMES = ['m_a', 'm_b', 'm_c'];
const LABEL_NAMES = ['job', 'task', 'x'];
const VALUES = ['', 'a', 'b', 'ab', 'a\nb', 'ü', 'A'];
const SOURCES = ['s1', 's2', 's3'];
// Time moves in steps of 250 ms and retentions are multiples of it, so samples land exactly on the retention
// boundary often: off-by-one mistakes there must show.
// Patterns on which JavaScript `^(?:p)$` with flags `su` and RE2 `^(?s:p)$` agree.
const PATTERNS = ['a', 'a|b', '.*', '.+', 'a.*', '.b', 'a\\nb', '[ab]+', '(a|ü)?', '', 'x*', 'A|ab', '.', 'a.b'];

const labelsArb = fc
  .record({
    name: fc.constantFrom(...NAMES),
    job: fc.constantFrom(...VALUES),
    task: fc.constantFrom(...VALUES),
    x: fc.constantFrom(...VALUES),
  })
  .map(({ name, ...rest }) => LabelSet.from({ ...rest, __name__: name }));

const matcherArb: fc.Arbitrary<LabelMatcher> = fc.oneof(
  fc.record({
    name: fc.constantFrom('__name__', ...LABEL_NAMES, 'absent'),
    op: fc.constantFrom<MatchOp>('=', '!='),
    value: fc.constantFrom(...VALUES, ...NAMES),
  }),
  fc.record({
    name: fc.constantFrom('__name__', ...LABEL_NAMES, 'absent'),
    op: fc.constantFrom<MatchOp>('=~', '!~'),
    value: fc.constantFrom(...PATTERNS, 'm_a|m_b', 'm_.*'),
  }),
);

type Command =
  | { kind: 'append'; source: string; dt: number; samples: { labels: LabelSet; value: number }[] }
  | { kind: 'stale'; source: string; dt: number }
  | { kind: 'gc'; dt: number }
  | { kind: 'select'; matchers: LabelMatcher[] };

const valueArb = fc.oneof(
  fc.double({ noDefaultInfinity: false }),
  fc.constantFrom(0, 1, -1, NaN, Infinity, -Infinity),
);

const commandArb: fc.Arbitrary<Command> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('append' as const),
      source: fc.constantFrom(...SOURCES),
      dt: fc.integer({ min: -6, max: 10 }).map((k) => k * 250),
      samples: fc.array(fc.record({ labels: labelsArb, value: valueArb }), { maxLength: 8 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('stale' as const), source: fc.constantFrom(...SOURCES), dt: fc.integer({ min: -2, max: 6 }).map((k) => k * 250) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('gc' as const), dt: fc.integer({ min: -2, max: 24 }).map((k) => k * 250) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('select' as const), matchers: fc.array(matcherArb, { maxLength: 3 }) }) },
);

// ---------------------------------------------------------------------------------------------- comparison

function sameNumber(a: number, b: number): boolean {
  return Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));
}

function compareState(store: MemorySeriesStore, ref: ReferenceStore): void {
  expect(store.seriesCount).toBe(ref.series.size);
  let samples = 0;
  const families = new Set<string>();
  for (const r of ref.series.values()) {
    samples += r.samples.length;
    families.add(r.labels.metricName);
    const s = store.get(r.labels);
    expect(s, r.labels.key).toBeDefined();
    if (s === undefined) continue;
    expect(s.source).toBe(r.source);
    expect(s.length).toBe(r.samples.length);
    for (let i = 0; i < s.length; i++) {
      const x = r.samples[i] as RefSample;
      expect(s.timestampAt(i)).toBe(x.t);
      expect(s.isStaleAt(i)).toBe(x.stale);
      expect(sameNumber(s.valueAt(i), x.v), `${s.valueAt(i)} vs ${x.v}`).toBe(true);
    }
    const last = r.samples[r.samples.length - 1];
    expect(s.isStale).toBe(last === undefined || last.stale);
    expect(sameNumber(s.lastTimestamp, last?.t ?? NaN)).toBe(true);
    expect(sameNumber(s.lastValue, last === undefined || last.stale ? NaN : last.v)).toBe(true);
  }
  expect(store.sampleCount).toBe(samples);
  expect(store.familyNames()).toEqual([...families].sort());
  for (const f of families) {
    const expected = [...ref.series.values()]
      .filter((r) => r.labels.metricName === f)
      .sort((a, b) => a.order - b.order)
      .map((r) => r.labels.key);
    expect([...store.family(f)].map((s) => s.labels.key)).toEqual(expected);
  }
}

describe('MemorySeriesStore against a reference model', () => {
  it('agrees on every command result and on the whole state', () => {
    fc.assert(
      fc.property(fc.array(commandArb, { minLength: 1, maxLength: 60 }), fc.constantFrom(1000, 1500, 2000, 3000, 5000), (commands, retention) => {
        const store = new MemorySeriesStore({ retentionMs: retention });
        const ref = new ReferenceStore(retention);
        let now = 10_000;
        for (const c of commands) {
          switch (c.kind) {
            case 'append':
              now += c.dt;
              expect(store.appendSnapshot(c.source, now, c.samples)).toEqual(ref.appendSnapshot(c.source, now, c.samples));
              break;
            case 'stale':
              now += c.dt;
              expect(store.markSourceStale(c.source, now)).toBe(ref.markSourceStale(c.source, now));
              break;
            case 'gc':
              now += c.dt;
              expect(store.collectGarbage(now)).toBe(ref.collectGarbage(now));
              break;
            case 'select':
              expect(
                store
                  .select(c.matchers)
                  .map((s) => s.labels.key)
                  .sort(),
                JSON.stringify(c.matchers),
              ).toEqual(ref.select(c.matchers));
              break;
          }
          compareState(store, ref);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('agrees on rangeIndexes with a linear scan', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 500 }), { minLength: 1, maxLength: 200 }),
        fc.integer({ min: 100, max: 20_000 }),
        fc.integer({ min: -1000, max: 60_000 }),
        fc.integer({ min: -1000, max: 60_000 }),
        (gaps, retention, from, to) => {
          const store = new MemorySeriesStore({ retentionMs: retention });
          const labels = LabelSet.from({ __name__: 'm' });
          let t = 0;
          for (const g of gaps) {
            t += g;
            store.appendSnapshot('s', t, [{ labels, value: t }]);
          }
          const s = store.get(labels);
          if (s === undefined) throw new Error('series missing');
          const ts = Array.from({ length: s.length }, (_, i) => s.timestampAt(i));
          const start = ts.filter((x) => x <= from).length;
          const end = to > from ? Math.max(start, ts.filter((x) => x <= to).length) : start;
          expect(s.rangeIndexes(from, to)).toEqual([start, end]);
        },
      ),
      { numRuns: 300 },
    );
  });
});
