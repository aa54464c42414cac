/**
 * Model-based test of the series store: random interleavings of appenders (committed and rolled back, two open
 * at once, refs reused), snapshots with `retain`, source creation and drops, TTL expiry, metadata, full and
 * incremental GC, and reads — `select`, querier selections, label names/values, `valueAt`, and iterators held
 * across all of that — run against MemorySeriesStore and against a deliberately naive model (arrays of sample
 * objects per label set, linear scans, JavaScript RegExp for a regex subset where it agrees with RE2). Every result,
 * every thrown error code and the complete stored state are compared after every command; a change-feed replica
 * must stay consistent with the store.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BridgeError } from '../../../src/errors.js';
import { LabelSet } from '../../../src/model/labels.js';
import type { MetricMetadata } from '../../../src/model/metadata.js';
import { isValidMetricName } from '../../../src/model/names.js';
import { MemorySeriesStore } from '../../../src/store/memory-series-store.js';
import type {
  Appender,
  AppendResult,
  FeedEvent,
  LabelMatcher,
  MatchOp,
  RejectReason,
  SeriesIterator,
  SourcePolicy,
} from '../../../src/store/types.js';
import { valueAt, type LookbackSemantics } from '../../../src/store/value-at.js';

// ---------------------------------------------------------------------------------------------- the model

interface MSample {
  t: number;
  v: number;
  stale: boolean;
}

interface MSeries {
  id: number;
  labels: LabelSet;
  source: string;
  samples: MSample[];
  order: number;
}

interface MSource {
  policy: SourcePolicy;
  active: boolean;
  lastCommit: number;
}

type Kind = 'sample' | 'stale' | 'marker';

interface MPending {
  target: { existing: number } | { key: string };
  t: number;
  v: number;
  kind: Kind;
}

interface MNew {
  id: number;
  labels: LabelSet;
  lastT: number;
  resolved: MSeries | null;
}

class MTxn {
  readonly pending: MPending[] = [];
  readonly newByKey = new Map<string, MNew>();
  readonly pendingLast = new Map<number, number>();
  readonly meta: [string, MetricMetadata][] = [];
  outOfOrder = 0;
  conflicts = 0;
  rejected = 0;
  constructor(readonly source: string) {}
}

type Outcome = { ok: number } | { err: string };

class Model {
  readonly series = new Map<string, MSeries>();
  readonly sources = new Map<string, MSource>();
  readonly meta = new Map<string, Map<string, MetricMetadata>>();
  readonly rejected = new Map<RejectReason, number>();
  nextId = 1;
  order = 0;

  constructor(
    public retention: number,
    readonly maxTotal: number,
    readonly clock: () => number,
  ) {}

  reject(r: RejectReason): void {
    this.rejected.set(r, (this.rejected.get(r) ?? 0) + 1);
  }

  byId(id: number): MSeries | undefined {
    for (const s of this.series.values()) if (s.id === id) return s;
    return undefined;
  }

  newest(s: MSeries): number {
    return s.samples.length === 0 ? -Infinity : (s.samples[s.samples.length - 1] as MSample).t;
  }

  isStale(s: MSeries): boolean {
    const last = s.samples[s.samples.length - 1];
    return last === undefined || last.stale;
  }

  push(s: MSeries, t: number, v: number, stale: boolean): void {
    s.samples = s.samples.filter((x) => x.t >= t - this.retention);
    s.samples.push({ t, v: stale ? NaN : v, stale });
  }

  sourceState(name: string): MSource {
    let st = this.sources.get(name);
    if (st === undefined) {
      st = { policy: { kind: 'scrape' }, active: true, lastCommit: this.clock() };
      this.sources.set(name, st);
    } else if (!st.active) {
      st.active = true;
      st.policy = { kind: 'scrape' };
    }
    return st;
  }

  createSource(name: string, policy: SourcePolicy): void {
    const st = this.sources.get(name);
    if (st === undefined) this.sources.set(name, { policy, active: true, lastCommit: this.clock() });
    else {
      st.policy = policy;
      if (!st.active) {
        st.active = true;
        st.lastCommit = this.clock();
      }
    }
  }

  liveOf(source: string): number {
    let n = 0;
    for (const s of this.series.values()) if (s.source === source) n++;
    return n;
  }

  checkMeta(source: string, family: string, m: MetricMetadata): string | undefined {
    for (const [other, x] of this.meta.get(family) ?? []) if (other !== source && x.type !== m.type) return 'FPB_ERR_METADATA_CONFLICT';
    return undefined;
  }

  setMeta(source: string, family: string, m: MetricMetadata): string | undefined {
    const err = this.checkMeta(source, family, m);
    if (err !== undefined) return err;
    this.sourceState(source);
    let d = this.meta.get(family);
    if (d === undefined) this.meta.set(family, (d = new Map()));
    d.set(source, m);
    return undefined;
  }

  metadata(family: string): MetricMetadata | undefined {
    for (const m of this.meta.get(family)?.values() ?? []) return m;
    return undefined;
  }

  append(txn: MTxn, target: number | LabelSet, t: number, v: number, kind: Kind, seen?: Set<number>): Outcome {
    let existing: MSeries | undefined;
    let fresh: MNew | undefined;
    if (typeof target === 'number') {
      const s = this.byId(target);
      if (s !== undefined && s.source === txn.source) existing = s;
      else {
        for (const p of txn.newByKey.values()) if (p.id === target) fresh = p;
        if (fresh === undefined) {
          this.reject('unknown_ref');
          return { err: 'FPB_ERR_UNKNOWN_SERIES_REF' };
        }
      }
    } else {
      const s = this.series.get(target.key);
      if (s !== undefined) {
        if (s.source !== txn.source) {
          this.reject('conflict');
          return { err: 'FPB_ERR_SERIES_CONFLICT' };
        }
        existing = s;
      } else {
        fresh = txn.newByKey.get(target.key);
        if (fresh === undefined) {
          const name = target.get('__name__');
          if (name === undefined || !isValidMetricName(name)) {
            this.reject('invalid_name');
            return { err: 'FPB_ERR_INVALID_METRIC_NAME' };
          }
          const st = this.sources.get(txn.source);
          const max = st?.active === true ? st.policy.maxSeries : undefined;
          if (max !== undefined && this.liveOf(txn.source) + txn.newByKey.size >= max) {
            this.reject('series_limit');
            return { err: 'FPB_ERR_SERIES_LIMIT' };
          }
          if (this.series.size + txn.newByKey.size >= this.maxTotal) {
            this.reject('series_limit');
            return { err: 'FPB_ERR_SERIES_LIMIT' };
          }
          fresh = { id: this.nextId++, labels: target, lastT: -Infinity, resolved: null };
          txn.newByKey.set(target.key, fresh);
        }
      }
    }
    if (existing !== undefined) {
      seen?.add(existing.id);
      const last = txn.pendingLast.get(existing.id) ?? this.newest(existing);
      if (!(t > last)) {
        this.reject(t === last ? 'duplicate' : 'out_of_order');
        return { err: 'FPB_ERR_OUT_OF_ORDER' };
      }
      txn.pendingLast.set(existing.id, t);
      txn.pending.push({ target: { existing: existing.id }, t, v, kind });
      return { ok: existing.id };
    }
    const p = fresh as MNew;
    if (!(t > p.lastT)) {
      this.reject(t === p.lastT ? 'duplicate' : 'out_of_order');
      return { err: 'FPB_ERR_OUT_OF_ORDER' };
    }
    p.lastT = t;
    txn.pending.push({ target: { key: p.labels.key }, t, v, kind });
    return { ok: p.id };
  }

  commit(txn: MTxn): AppendResult | { err: string } {
    for (const [f, m] of txn.meta) {
      const e = this.checkMeta(txn.source, f, m);
      if (e !== undefined) return { err: e };
    }
    const st = this.sourceState(txn.source);
    for (const p of txn.newByKey.values()) {
      const ex = this.series.get(p.labels.key);
      if (ex === undefined) {
        p.resolved = { id: p.id, labels: p.labels, source: txn.source, samples: [], order: this.order++ };
        this.series.set(p.labels.key, p.resolved);
      } else p.resolved = ex.source === txn.source ? ex : null;
    }
    let appended = 0;
    let staleMarked = 0;
    let { outOfOrder, conflicts, rejected } = txn;
    for (const w of txn.pending) {
      let s: MSeries | null | undefined;
      if ('existing' in w.target) {
        s = this.byId(w.target.existing);
        if (s === undefined) {
          rejected++;
          this.reject('unknown_ref');
          continue;
        }
      } else s = (txn.newByKey.get(w.target.key) as MNew).resolved;
      if (s === null) {
        conflicts++;
        this.reject('conflict');
        continue;
      }
      const last = this.newest(s);
      if (!(w.t > last)) {
        outOfOrder++;
        this.reject(w.t === last ? 'duplicate' : 'out_of_order');
        continue;
      }
      this.push(s, w.t, w.v, w.kind !== 'sample');
      if (w.kind === 'marker') staleMarked++;
      else appended++;
    }
    for (const [f, m] of txn.meta) {
      let d = this.meta.get(f);
      if (d === undefined) this.meta.set(f, (d = new Map()));
      d.set(txn.source, m);
    }
    st.lastCommit = this.clock();
    return { appended, staleMarked, outOfOrder, conflicts, rejected };
  }

  snapshot(source: string, t: number, samples: { labels: LabelSet; value: number }[], retainX: string | undefined): AppendResult {
    const txn = new MTxn(source);
    const seen = new Set<number>();
    for (const { labels, value } of samples) {
      const r = this.append(txn, labels, t, value, 'sample', seen);
      if ('err' in r) {
        if (r.err === 'FPB_ERR_OUT_OF_ORDER') txn.outOfOrder++;
        else if (r.err === 'FPB_ERR_SERIES_CONFLICT') txn.conflicts++;
        else txn.rejected++;
      }
    }
    if (this.sources.has(source)) {
      for (const s of this.series.values()) {
        if (s.source !== source || seen.has(s.id) || this.isStale(s) || !(t > this.newest(s))) continue;
        if (retainX !== undefined && s.labels.get('x') === retainX) continue;
        txn.pending.push({ target: { existing: s.id }, t, v: NaN, kind: 'marker' });
      }
    }
    return this.commit(txn) as AppendResult;
  }

  dropSource(source: string, t: number): number {
    const st = this.sources.get(source);
    if (st === undefined) return 0;
    const txn = new MTxn(source);
    for (const s of this.series.values()) {
      if (s.source === source && !this.isStale(s) && t > this.newest(s)) txn.pending.push({ target: { existing: s.id }, t, v: NaN, kind: 'marker' });
    }
    const { staleMarked } = this.commit(txn) as AppendResult;
    st.active = false;
    for (const [f, d] of this.meta) if (d.delete(source) && d.size === 0) this.meta.delete(f);
    if (this.liveOf(source) === 0) this.sources.delete(source);
    return staleMarked;
  }

  collect(now: number): number {
    for (const [name, st] of [...this.sources]) {
      const ttl = st.policy.ttlMs;
      if (st.active && st.policy.kind === 'pinned' && ttl !== undefined && now >= st.lastCommit + ttl) this.dropSource(name, now);
    }
    const cutoff = now - this.retention;
    let removed = 0;
    for (const [key, s] of [...this.series]) {
      const st = this.sources.get(s.source);
      const pinnedLive = st !== undefined && st.active && st.policy.kind === 'pinned' && !this.isStale(s);
      const keep = s.samples.filter((x) => x.t >= cutoff);
      s.samples = pinnedLive && keep.length === 0 && s.samples.length > 0 ? [s.samples[s.samples.length - 1] as MSample] : keep;
      if (pinnedLive || s.samples.some((x) => !x.stale)) continue;
      this.series.delete(key);
      removed++;
    }
    for (const [name, st] of [...this.sources]) if (!st.active && this.liveOf(name) === 0) this.sources.delete(name);
    return removed;
  }

  /** Keys of the series matching all matchers; `[]` when every matcher matches "" (as the store decides). */
  select(matchers: readonly LabelMatcher[], inRange?: [number, number]): MSeries[] {
    const preds = matchers.map((m) => ({ name: m.name, test: refPredicate(m) }));
    if (preds.length === 0 || preds.every((p) => p.test(''))) return [];
    return [...this.series.values()].filter(
      (s) =>
        preds.every((p) => p.test(s.labels.get(p.name) ?? '')) &&
        (inRange === undefined || s.samples.some((x) => x.t >= inRange[0] && x.t <= inRange[1])),
    );
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

/** The model of one open iterator. */
interface MIter {
  id: number;
  mint: number;
  maxt: number;
  has: boolean;
  cur: MSample;
}

function modelNext(model: Model, it: MIter, seekT?: number): boolean {
  if (seekT !== undefined && it.has && it.cur.t >= seekT) return true;
  const s = model.byId(it.id);
  if (s === undefined) return false;
  const lo = seekT === undefined ? it.mint : Math.max(seekT, it.mint);
  const found = s.samples.find((x) => x.t >= lo && x.t <= it.maxt && (!it.has || x.t > it.cur.t));
  if (found === undefined) return false;
  it.has = true;
  it.cur = { ...found };
  return true;
}

function modelValueAt(s: MSeries, t: number, lookback: number, sem: LookbackSemantics): { t: number; v: number } | undefined {
  const before = s.samples.filter((x) => x.t <= t);
  const last = before[before.length - 1];
  if (last === undefined) return undefined;
  if (sem === '3.x' ? last.t <= t - lookback : last.t < t - lookback) return undefined;
  if (last.stale) return undefined;
  return { t: last.t, v: last.v };
}

// ---------------------------------------------------------------------------------------------- generators

const NAMES = ['m_a', 'm_b', 'm_c'];
const VALUES = ['', 'a', 'b', 'ab', 'a\nb', 'ü', 'A'];
const SOURCES = ['s1', 's2', 's3'];
const PATTERNS = ['a', 'a|b', '.*', '.+', 'a.*', '.b', 'a\\nb', '[ab]+', '(a|ü)?', '', 'x*', 'A|ab', '.', 'a.b'];
const STEP = 250;

const labelsArb = fc
  .record({
    name: fc.oneof({ weight: 12, arbitrary: fc.constantFrom(...NAMES) }, { weight: 1, arbitrary: fc.constantFrom('', 'bad-name', '9x') }),
    job: fc.constantFrom(...VALUES),
    x: fc.constantFrom(...VALUES),
  })
  .map(({ name, ...rest }) => LabelSet.from({ ...rest, __name__: name }));

const matcherArb: fc.Arbitrary<LabelMatcher> = fc.oneof(
  fc.record({
    name: fc.constantFrom('__name__', 'job', 'x', 'absent'),
    op: fc.constantFrom<MatchOp>('=', '!='),
    value: fc.constantFrom(...VALUES, ...NAMES),
  }),
  fc.record({
    name: fc.constantFrom('__name__', 'job', 'x', 'absent'),
    op: fc.constantFrom<MatchOp>('=~', '!~'),
    value: fc.constantFrom(...PATTERNS, 'm_a|m_b', 'm_.*'),
  }),
);

const valueArb = fc.oneof(fc.double({ noDefaultInfinity: false }), fc.constantFrom(0, 1, -1, NaN, Infinity, -Infinity));
const dtArb = (min: number, max: number): fc.Arbitrary<number> => fc.integer({ min, max }).map((k) => k * STEP);

const policyArb: fc.Arbitrary<SourcePolicy> = fc.oneof(
  fc.constant<SourcePolicy>({ kind: 'scrape' }),
  fc.constant<SourcePolicy>({ kind: 'free' }),
  fc.record({ kind: fc.constant('pinned' as const), ttlMs: fc.option(dtArb(4, 20), { nil: undefined }) }).map((p) =>
    p.ttlMs === undefined ? { kind: p.kind } : p,
  ),
  fc.record({ kind: fc.constantFrom('scrape' as const, 'free' as const), maxSeries: fc.integer({ min: 0, max: 4 }) }),
);

type Op =
  | { kind: 'append'; labels: LabelSet; ref: number | undefined; dt: number; value: number; stale: boolean }
  | { kind: 'meta'; family: string; type: 'counter' | 'gauge' };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant('append' as const),
      labels: labelsArb,
      ref: fc.option(fc.integer({ min: 0, max: 40 }), { nil: undefined, freq: 2 }),
      dt: dtArb(-2, 2),
      value: valueArb,
      stale: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('meta' as const), family: fc.constantFrom(...NAMES), type: fc.constantFrom('counter' as const, 'gauge' as const) }) },
);

type Command =
  | { kind: 'snapshot'; source: string; dt: number; samples: { labels: LabelSet; value: number }[]; retainX: string | undefined }
  | { kind: 'txn'; source: string; dt: number; ops: Op[] }
  | { kind: 'end'; slot: number; commit: boolean }
  | { kind: 'create'; source: string; policy: SourcePolicy }
  | { kind: 'drop'; source: string; dt: number }
  | { kind: 'meta'; source: string; family: string; type: 'counter' | 'gauge' }
  | { kind: 'gc'; dt: number; incremental: boolean }
  | { kind: 'retention'; retention: number }
  | { kind: 'select'; matchers: LabelMatcher[]; range: [number, number] }
  | { kind: 'iterOpen'; pick: number; from: number; to: number }
  | { kind: 'iterStep'; pick: number; seek: number | undefined }
  | { kind: 'valueAt'; pick: number; back: number; lookback: number; sem: LookbackSemantics };

const commandArb: fc.Arbitrary<Command> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('snapshot' as const),
      source: fc.constantFrom(...SOURCES),
      dt: dtArb(-4, 8),
      samples: fc.array(fc.record({ labels: labelsArb, value: valueArb }), { maxLength: 6 }),
      retainX: fc.option(fc.constantFrom(...VALUES), { nil: undefined, freq: 3 }),
    }),
  },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('txn' as const), source: fc.constantFrom(...SOURCES), dt: dtArb(-2, 6), ops: fc.array(opArb, { maxLength: 6 }) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('end' as const), slot: fc.nat(), commit: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('create' as const), source: fc.constantFrom(...SOURCES), policy: policyArb }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('drop' as const), source: fc.constantFrom(...SOURCES), dt: dtArb(-2, 4) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('meta' as const), source: fc.constantFrom(...SOURCES), family: fc.constantFrom(...NAMES), type: fc.constantFrom('counter' as const, 'gauge' as const) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('gc' as const), dt: dtArb(-2, 24), incremental: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('retention' as const), retention: dtArb(2, 24) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('select' as const), matchers: fc.array(matcherArb, { maxLength: 3 }), range: fc.tuple(dtArb(-30, 0), dtArb(-10, 4)) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('iterOpen' as const), pick: fc.nat(), from: dtArb(-40, 0), to: dtArb(-10, 40) }) },
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('iterStep' as const), pick: fc.nat(), seek: fc.option(dtArb(-30, 30), { nil: undefined, freq: 3 }) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('valueAt' as const),
      pick: fc.nat(),
      back: dtArb(-4, 30),
      lookback: dtArb(1, 20),
      sem: fc.constantFrom<LookbackSemantics>('3.x', '2.x'),
    }),
  },
);

// ---------------------------------------------------------------------------------------------- comparison

function same(a: number, b: number): boolean {
  return Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));
}

function codeOf(f: () => unknown): { ok: unknown } | { err: string } {
  try {
    return { ok: f() };
  } catch (err) {
    if (err instanceof BridgeError) return { err: err.code };
    throw err;
  }
}

function samplesOf(s: { length: number; timestampAt(i: number): number; valueAt(i: number): number; isStaleAt(i: number): boolean }): MSample[] {
  return Array.from({ length: s.length }, (_, i) => ({ t: s.timestampAt(i), v: s.valueAt(i), stale: s.isStaleAt(i) }));
}

function expectSamples(actual: MSample[], expected: MSample[], what: string): void {
  expect(actual.length, what).toBe(expected.length);
  actual.forEach((x, i) => {
    const y = expected[i] as MSample;
    expect(x.t, what).toBe(y.t);
    expect(x.stale, what).toBe(y.stale);
    expect(same(x.v, y.v), `${what}: ${x.v} vs ${y.v}`).toBe(true);
  });
}

interface Replica {
  labels: LabelSet;
  source: string;
  samples: MSample[];
}

function compareState(store: MemorySeriesStore, model: Model, replica: Map<number, Replica>): void {
  expect(store.seriesCount).toBe(model.series.size);
  let samples = 0;
  const families = new Set<string>();
  for (const m of model.series.values()) {
    samples += m.samples.length;
    families.add(m.labels.metricName);
    const s = store.get(m.labels);
    expect(s, m.labels.key).toBeDefined();
    if (s === undefined) continue;
    expect(s.id).toBe(m.id);
    expect(s.source).toBe(m.source);
    const actual = samplesOf(s);
    expectSamples(actual, m.samples, m.labels.toString());
    // the change feed replica holds the series' whole committed history; the store keeps a suffix of it
    const r = replica.get(m.id);
    expect(r, `feed knows ${m.id}`).toBeDefined();
    if (r !== undefined) {
      expect(r.labels.key).toBe(m.labels.key);
      expect(r.source).toBe(m.source);
      expectSamples(r.samples.slice(r.samples.length - actual.length), actual, `feed ${m.labels.toString()}`);
    }
  }
  expect(replica.size).toBe(model.series.size);
  expect(store.sampleCount).toBe(samples);
  expect(store.familyNames()).toEqual([...families].sort());
  for (const f of families) {
    const expected = [...model.series.values()]
      .filter((r) => r.labels.metricName === f)
      .sort((a, b) => a.order - b.order)
      .map((r) => r.labels.key);
    expect([...store.family(f)].map((s) => s.labels.key)).toEqual(expected);
  }
  for (const f of NAMES) expect(store.metadata(f)).toEqual(model.metadata(f));
  for (const r of ['out_of_order', 'duplicate', 'series_limit', 'invalid_name', 'conflict', 'unknown_ref'] as const) {
    expect(store.rejected[r], r).toBe(model.rejected.get(r) ?? 0);
  }
}

describe('MemorySeriesStore against a model', () => {
  it('agrees on every result, error, read and the whole state, with iterators held across mutations', () => {
    fc.assert(
      fc.property(
        fc.array(commandArb, { minLength: 20, maxLength: 80, size: 'max' }),
        fc.constantFrom(1000, 1500, 2000, 3000, 5000),
        fc.constantFrom(Infinity, 12),
        (commands, retention, maxTotal) => {
          let now = 10_000;
          const clock = (): number => now;
          const store = new MemorySeriesStore({ retentionMs: retention, maxSeriesTotal: maxTotal, now: clock, gcBatch: 3 });
          const model = new Model(retention, maxTotal, clock);
          const replica = new Map<number, Replica>();
          let nextSeq = -1;
          store.feed.subscribe((batch) => {
            for (const e of batch as FeedEvent[]) {
              if (nextSeq !== -1) expect(e.seq).toBe(nextSeq);
              nextSeq = e.seq + 1;
              if (e.kind === 'series') replica.set(e.ref, { labels: e.labels, source: e.source, samples: [] });
              else if (e.kind === 'dropped') replica.delete(e.ref);
              else replica.get(e.ref)?.samples.push(e.kind === 'sample' ? { t: e.t, v: e.v, stale: false } : { t: e.t, v: NaN, stale: true });
            }
          });
          const open: { app: Appender; txn: MTxn }[] = [];
          const refs: number[] = [];
          const iters: { it: SeriesIterator; m: MIter }[] = [];
          const pickSeries = (pick: number): MSeries | undefined => {
            const all = [...model.series.values()].sort((a, b) => a.id - b.id);
            return all.length === 0 ? undefined : all[pick % all.length];
          };

          for (const c of commands) {
            switch (c.kind) {
              case 'snapshot': {
                now += c.dt;
                const retainX = c.retainX;
                const got = store.appendSnapshot(c.source, now, c.samples, retainX === undefined ? undefined : { retain: (s) => s.labels.get('x') === retainX });
                expect(got).toEqual(model.snapshot(c.source, now, c.samples, retainX));
                break;
              }
              case 'txn': {
                if (open.length >= 2) break;
                now += c.dt;
                const app = store.appender(c.source);
                const txn = new MTxn(c.source);
                for (const op of c.ops) {
                  if (op.kind === 'meta') {
                    const m: MetricMetadata = { type: op.type, help: op.type };
                    const err = model.checkMeta(c.source, op.family, m);
                    if (err === undefined) txn.meta.push([op.family, m]);
                    expect(codeOf(() => app.setMetadata(op.family, m))).toEqual(err === undefined ? { ok: undefined } : { err });
                    continue;
                  }
                  const target = op.ref !== undefined && refs.length > 0 ? (refs[op.ref % refs.length] as number) : op.labels;
                  const t = now + op.dt;
                  const expected = model.append(txn, target, t, op.value, op.stale ? 'stale' : 'sample');
                  const got = codeOf(() => (op.stale ? app.appendStale(target, t) : app.append(target, t, op.value)));
                  expect(got, `append ${String(target)} @${t}`).toEqual(expected);
                  if ('ok' in got) refs.push(got.ok as number);
                }
                open.push({ app, txn });
                break;
              }
              case 'end': {
                if (open.length === 0) break;
                const [{ app, txn }] = open.splice(c.slot % open.length, 1) as [{ app: Appender; txn: MTxn }];
                if (c.commit) expect(codeOf(() => app.commit())).toEqual(((r) => ('err' in r ? r : { ok: r }))(model.commit(txn)));
                else app.rollback();
                break;
              }
              case 'create':
                store.createSource(c.source, c.policy);
                model.createSource(c.source, c.policy);
                break;
              case 'drop':
                now += c.dt;
                expect(store.dropSource(c.source, now)).toBe(model.dropSource(c.source, now));
                break;
              case 'meta': {
                const m: MetricMetadata = { type: c.type, help: `${c.source} ${c.type}` };
                const err = model.setMeta(c.source, c.family, m);
                expect(codeOf(() => store.setMetadata(c.source, c.family, m))).toEqual(err === undefined ? { ok: undefined } : { err });
                break;
              }
              case 'gc': {
                now += c.dt;
                const expected = model.collect(now);
                if (c.incremental) {
                  let removed = 0;
                  const ticks = Math.ceil(store.seriesCount / 3) + 2;
                  for (let i = 0; i < ticks; i++) removed += store.gcTick(now);
                  expect(removed).toBe(expected);
                } else expect(store.collectGarbage(now)).toBe(expected);
                break;
              }
              case 'retention':
                store.setRetention(c.retention);
                model.retention = c.retention;
                break;
              case 'select': {
                const byKey = (xs: { labels: LabelSet }[]): string[] => xs.map((s) => s.labels.key).sort();
                expect(byKey(store.select(c.matchers)), JSON.stringify(c.matchers)).toEqual(byKey(model.select(c.matchers)));
                const [a, b] = [now + c.range[0], now + c.range[1]];
                const [mint, maxt] = a <= b ? [a, b] : [b, a];
                const q = store.querier(mint, maxt);
                const expected = model.select(c.matchers, [mint, maxt]).sort((x, y) => x.id - y.id);
                expect(q.select(c.matchers).map((s) => s.ref)).toEqual(expected.map((s) => s.id));
                const names = new Set<string>();
                const jobs = new Set<string>();
                const ms = c.matchers.length > 0 ? c.matchers : undefined;
                const pool = ms === undefined ? model.select([{ name: '__name__', op: '=~', value: '.+' }], [mint, maxt]) : expected;
                for (const s of pool) {
                  s.labels.names.forEach((n) => names.add(n));
                  const j = s.labels.get('job');
                  if (j !== undefined) jobs.add(j);
                }
                expect(q.labelNames(ms)).toEqual([...names].sort());
                expect(q.labelValues('job', ms)).toEqual([...jobs].sort());
                break;
              }
              case 'iterOpen': {
                const s = pickSeries(c.pick);
                if (s === undefined) break;
                const [mint, maxt] = c.from <= c.to ? [now + c.from, now + c.to] : [now + c.to, now + c.from];
                const matchers = ['__name__', 'job', 'x'].map((name) => ({ name, op: '=' as const, value: s.labels.get(name) ?? '' }));
                const found = store.querier(mint, maxt).select(matchers);
                const hasInRange = s.samples.some((x) => x.t >= mint && x.t <= maxt);
                expect(found.length).toBe(hasInRange ? 1 : 0);
                if (found[0] !== undefined) {
                  iters.push({ it: found[0].iterator(), m: { id: s.id, mint, maxt, has: false, cur: { t: 0, v: 0, stale: false } } });
                }
                break;
              }
              case 'iterStep': {
                if (iters.length === 0) break;
                const { it, m } = iters[c.pick % iters.length] as { it: SeriesIterator; m: MIter };
                const seekT = c.seek === undefined ? undefined : now + c.seek;
                const expected = modelNext(model, m, seekT);
                expect(seekT === undefined ? it.next() : it.seek(seekT)).toBe(expected);
                if (m.has) expectSamples([it.at()], [m.cur], 'iterator at()');
                break;
              }
              case 'valueAt': {
                const m = pickSeries(c.pick);
                if (m === undefined) break;
                const s = store.get(m.labels);
                if (s === undefined) throw new Error('series missing');
                const t = now - c.back;
                const got = valueAt(s, t, c.lookback, c.sem);
                const expected = modelValueAt(m, t, c.lookback, c.sem);
                expect(got === undefined).toBe(expected === undefined);
                if (got !== undefined && expected !== undefined) {
                  expect(got.t).toBe(expected.t);
                  expect(same(got.v, expected.v)).toBe(true);
                }
                break;
              }
            }
            compareState(store, model, replica);
          }
        },
      ),
      { numRuns: 100 },
    );
    // ~3 s on a quiet machine; generous so that a loaded CI machine does not turn it into a flake
  }, 120_000);

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
