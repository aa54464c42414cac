import { describe, expect, it } from 'vitest';
import { InvalidMatcherError } from '../../../src/errors.js';
import { LabelSet, labelSet } from '../../../src/model/labels.js';
import { MemorySeriesStore } from '../../../src/store/memory-series-store.js';
import type { LabelMatcher, StoredSeries } from '../../../src/store/types.js';

const MIN = 60_000;

function samplesOf(s: StoredSeries | undefined): [number, number, boolean][] {
  if (s === undefined) return [];
  const out: [number, number, boolean][] = [];
  for (let i = 0; i < s.length; i++) out.push([s.timestampAt(i), s.valueAt(i), s.isStaleAt(i)]);
  return out;
}

function keys(series: StoredSeries[]): string[] {
  return series.map((s) => s.labels.key).sort();
}

describe('MemorySeriesStore.appendSnapshot', () => {
  it('creates series owned by the source and appends at the snapshot time', () => {
    const store = new MemorySeriesStore({ retentionMs: 10 * MIN });
    const up = labelSet('flink_up');
    const r = store.appendSnapshot('flink-rest', 1000, [{ labels: up, value: 1 }]);
    expect(r).toEqual({ appended: 1, staleMarked: 0, outOfOrder: 0, conflicts: 0, rejected: 0 });
    const s = store.get(up);
    expect(s?.source).toBe('flink-rest');
    expect(samplesOf(s)).toEqual([[1000, 1, false]]);
    expect(s?.lastTimestamp).toBe(1000);
    expect(s?.lastValue).toBe(1);
    expect(s?.isStale).toBe(false);
    expect(store.seriesCount).toBe(1);
    expect(store.sampleCount).toBe(1);
  });

  it('marks series of the source that are missing from the snapshot stale, once', () => {
    const store = new MemorySeriesStore({ retentionMs: 10 * MIN });
    const a = labelSet('m', { job: 'a' });
    const b = labelSet('m', { job: 'b' });
    store.appendSnapshot('src', 1000, [
      { labels: a, value: 1 },
      { labels: b, value: 2 },
    ]);
    expect(store.appendSnapshot('src', 2000, [{ labels: a, value: 3 }]).staleMarked).toBe(1);
    expect(samplesOf(store.get(b))).toEqual([
      [1000, 2, false],
      [2000, NaN, true],
    ]);
    expect(store.get(b)?.isStale).toBe(true);
    expect(store.get(b)?.lastValue).toBeNaN();
    // already stale: no second marker
    expect(store.appendSnapshot('src', 3000, [{ labels: a, value: 4 }]).staleMarked).toBe(0);
    expect(store.get(b)?.length).toBe(2);
    // comes back
    expect(store.appendSnapshot('src', 4000, [{ labels: b, value: 5 }])).toEqual({
      appended: 1,
      staleMarked: 1,
      outOfOrder: 0,
      conflicts: 0,
      rejected: 0,
    });
    expect(store.get(b)?.isStale).toBe(false);
    expect(store.get(a)?.isStale).toBe(true);
  });

  it('does not touch the series of other sources', () => {
    const store = new MemorySeriesStore({ retentionMs: 10 * MIN });
    const a = labelSet('m', { job: 'a' });
    const b = labelSet('m', { job: 'b' });
    store.appendSnapshot('one', 1000, [{ labels: a, value: 1 }]);
    store.appendSnapshot('two', 1000, [{ labels: b, value: 1 }]);
    store.appendSnapshot('one', 2000, []);
    expect(store.get(a)?.isStale).toBe(true);
    expect(store.get(b)?.isStale).toBe(false);
  });

  it('drops out-of-order and duplicate-timestamp samples and counts them', () => {
    const store = new MemorySeriesStore({ retentionMs: 10 * MIN });
    const a = labelSet('m', { job: 'a' });
    store.appendSnapshot('src', 2000, [{ labels: a, value: 1 }]);
    expect(store.appendSnapshot('src', 2000, [{ labels: a, value: 2 }])).toEqual({
      appended: 0,
      staleMarked: 0,
      outOfOrder: 1,
      conflicts: 0,
      rejected: 0,
    });
    expect(store.appendSnapshot('src', 1000, [{ labels: a, value: 3 }]).outOfOrder).toBe(1);
    // twice in one snapshot: the second is out of order
    expect(
      store.appendSnapshot('src', 3000, [
        { labels: a, value: 4 },
        { labels: a, value: 5 },
      ]),
    ).toEqual({ appended: 1, staleMarked: 0, outOfOrder: 1, conflicts: 0, rejected: 0 });
    expect(samplesOf(store.get(a))).toEqual([
      [2000, 1, false],
      [3000, 4, false],
    ]);
  });

  it('an out-of-order sample still counts as present: the series is not marked stale', () => {
    const store = new MemorySeriesStore({ retentionMs: 10 * MIN });
    const a = labelSet('m');
    store.appendSnapshot('src', 2000, [{ labels: a, value: 1 }]);
    expect(store.appendSnapshot('src', 1000, [{ labels: a, value: 1 }]).staleMarked).toBe(0);
    expect(store.get(a)?.isStale).toBe(false);
  });

  it('rejects a label set owned by another source and counts the conflict', () => {
    const store = new MemorySeriesStore({ retentionMs: 10 * MIN });
    const a = labelSet('m');
    store.appendSnapshot('one', 1000, [{ labels: a, value: 1 }]);
    expect(store.appendSnapshot('two', 2000, [{ labels: a, value: 9 }])).toEqual({
      appended: 0,
      staleMarked: 0,
      outOfOrder: 0,
      conflicts: 1,
      rejected: 0,
    });
    expect(samplesOf(store.get(a))).toEqual([[1000, 1, false]]);
    expect(store.get(a)?.source).toBe('one');
  });

  it('dropSource ends every live series of the source', () => {
    const store = new MemorySeriesStore({ retentionMs: 10 * MIN });
    const a = labelSet('m', { job: 'a' });
    const b = labelSet('m', { job: 'b' });
    store.appendSnapshot('src', 1000, [{ labels: a, value: 1 }, { labels: b, value: 1 }]);
    store.appendSnapshot('src', 2000, [{ labels: a, value: 1 }]);
    expect(store.dropSource('src', 3000)).toBe(1);
    expect(store.get(a)?.isStale).toBe(true);
    expect(store.dropSource('src', 4000)).toBe(0);
    expect(store.dropSource('nobody', 4000)).toBe(0);
    expect(store.sampleCount).toBe(5);
  });

  it('throws RangeError for a non-finite timestamp', () => {
    const store = new MemorySeriesStore({ retentionMs: MIN });
    expect(() => store.appendSnapshot('s', NaN, [])).toThrow(RangeError);
    expect(() => store.dropSource('s', Infinity)).toThrow(RangeError);
    expect(() => new MemorySeriesStore({ retentionMs: 0 })).toThrow(RangeError);
  });
});

describe('MemorySeriesStore retention and garbage collection', () => {
  it('evicts old samples and removes series whose newest live sample left the retention', () => {
    const store = new MemorySeriesStore({ retentionMs: 10_000 });
    const a = labelSet('m', { job: 'a' });
    const b = labelSet('m', { job: 'b' });
    store.appendSnapshot('src', 0, [{ labels: a, value: 1 }, { labels: b, value: 1 }]);
    for (let t = 1000; t <= 8000; t += 1000) store.appendSnapshot('src', t, [{ labels: a, value: t }]);
    // b: live at 0, stale at 1000
    expect(store.get(b)?.isStale).toBe(true);
    const bSeries = store.get(b) as StoredSeries;
    expect(store.collectGarbage(10_000)).toBe(0);
    expect(store.collectGarbage(10_001)).toBe(1);
    expect(store.get(b)).toBeUndefined();
    // a reader still holding the removed series sees it empty
    expect(bSeries.length).toBe(0);
    expect(bSeries.isStale).toBe(true);
    // a's sample at 0 was evicted at GC time, the rest remains
    expect(samplesOf(store.get(a)).map(([t]) => t)).toEqual([1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000]);
    expect(store.sampleCount).toBe(8);
    expect(store.seriesCount).toBe(1);
    expect(store.family('m')).toHaveLength(1);
    expect(store.select([{ name: 'job', op: '=', value: 'b' }])).toEqual([]);
  });

  it('appendSnapshot never collects garbage: expired series stay until a GC pass', () => {
    const store = new MemorySeriesStore({ retentionMs: 1000 });
    const a = labelSet('m', { job: 'a' });
    const b = labelSet('m', { job: 'b' });
    store.appendSnapshot('one', 0, [{ labels: b, value: 1 }]);
    store.appendSnapshot('two', 500, [{ labels: a, value: 1 }]);
    store.appendSnapshot('two', 5000, [{ labels: a, value: 1 }]);
    expect(store.get(b)).toBeDefined();
    expect(store.collectGarbage(5000)).toBe(1);
    expect(store.get(b)).toBeUndefined();
  });

  it('never reuses ids, and a returning label set becomes a new series', () => {
    const store = new MemorySeriesStore({ retentionMs: 1000 });
    const a = labelSet('m');
    store.appendSnapshot('src', 0, [{ labels: a, value: 1 }]);
    const first = store.get(a)?.id;
    store.collectGarbage(5000);
    expect(store.seriesCount).toBe(0);
    expect(store.familyNames()).toEqual([]);
    store.appendSnapshot('other', 6000, [{ labels: a, value: 1 }]);
    const second = store.get(a);
    expect(second?.id).not.toBe(first);
    expect(second?.source).toBe('other');
    expect(store.familyNames()).toEqual(['m']);
  });
});

describe('MemorySeriesStore metadata, families and interning', () => {
  it('keeps metadata, last writer wins', () => {
    const store = new MemorySeriesStore({ retentionMs: MIN });
    expect(store.metadata('x')).toBeUndefined();
    store.setMetadata('flink-rest', 'x', { type: 'gauge', help: 'one' });
    store.setMetadata('flink-rest', 'x', { type: 'counter', help: 'two', unit: 'seconds' });
    expect(store.metadata('x')).toEqual({ type: 'counter', help: 'two', unit: 'seconds' });
  });

  it('lists family names sorted and family members in insertion order', () => {
    const store = new MemorySeriesStore({ retentionMs: MIN });
    store.appendSnapshot('s', 1, [
      { labels: labelSet('zeta', { i: '2' }), value: 1 },
      { labels: labelSet('alpha'), value: 1 },
      { labels: labelSet('zeta', { i: '1' }), value: 1 },
      { labels: LabelSet.from({ job: 'no-name' }), value: 1 },
    ]);
    store.appendSnapshot('s', 2, [
      { labels: labelSet('zeta', { i: '0' }), value: 1 },
      { labels: labelSet('zeta', { i: '2' }), value: 1 },
      { labels: labelSet('mid'), value: 1 },
    ]);
    expect(store.familyNames()).toEqual(['alpha', 'mid', 'zeta']);
    expect([...store.family('zeta')].map((s) => s.labels.get('i'))).toEqual(['2', '1', '0']);
    expect([...store.family('nope')]).toEqual([]);
    const ids = [...store.family('zeta')].map((s) => s.id);
    expect([...ids].sort((x, y) => x - y)).toEqual(ids);
  });

  it('interns label sets: one instance per series, label values shared between series', () => {
    const store = new MemorySeriesStore({ retentionMs: MIN });
    // distinct string instances with equal content
    const mk = (i: number): LabelSet =>
      labelSet('m', { job_name: ['long', 'job', 'name'].join('_'), subtask_index: String(i) });
    store.appendSnapshot('s', 1, [{ labels: mk(0), value: 1 }]);
    store.appendSnapshot('s', 2, [{ labels: mk(0), value: 1 }, { labels: mk(1), value: 1 }]);
    const s0 = store.get(mk(0));
    expect(store.get(mk(0))).toBe(s0);
    expect(store.select([{ name: 'subtask_index', op: '=', value: '0' }])[0]?.labels).toBe(s0?.labels);
    expect(store.seriesCount).toBe(2);
  });
});

describe('MemorySeriesStore.select', () => {
  const store = new MemorySeriesStore({ retentionMs: MIN });
  const sets = [
    labelSet('up', { job: 'flink', instance: 'a' }),
    labelSet('up', { job: 'flink', instance: 'b' }),
    labelSet('up', { job: 'other' }),
    labelSet('down', { job: 'Flink', env: 'multi\nline' }),
    labelSet('down', { instance: 'ü' }),
  ];
  store.appendSnapshot('s', 1000, sets.map((labels) => ({ labels, value: 1 })));
  const sel = (...m: LabelMatcher[]): string[] => keys(store.select(m));
  const k = (...i: number[]): string[] => i.map((j) => (sets[j] as LabelSet).key).sort();

  it('ANDs equality and inequality matchers', () => {
    expect(sel({ name: '__name__', op: '=', value: 'up' })).toEqual(k(0, 1, 2));
    expect(sel({ name: '__name__', op: '=', value: 'up' }, { name: 'job', op: '=', value: 'flink' })).toEqual(k(0, 1));
    expect(sel({ name: '__name__', op: '=', value: 'up' }, { name: 'instance', op: '!=', value: 'a' })).toEqual(k(1, 2));
    expect(sel({ name: 'job', op: '!=', value: '' })).toEqual(k(0, 1, 2, 3));
  });

  it('anchors regexes fully and lets . match a newline (Prometheus 3.x)', () => {
    expect(sel({ name: 'job', op: '=~', value: 'flin' })).toEqual([]);
    expect(sel({ name: 'job', op: '=~', value: 'flink|other' })).toEqual(k(0, 1, 2));
    expect(sel({ name: 'env', op: '=~', value: 'multi.line' })).toEqual(k(3));
    expect(sel({ name: 'job', op: '=~', value: '(?i)FLINK' })).toEqual(k(0, 1, 3));
    expect(sel({ name: 'instance', op: '=~', value: '\\pL' })).toEqual(k(0, 1, 4));
    expect(sel({ name: 'instance', op: '=~', value: '[[:alpha:]]' })).toEqual(k(0, 1));
    expect(sel({ name: '__name__', op: '=~', value: '.+' }, { name: 'job', op: '!~', value: 'f.*' })).toEqual(k(2, 3, 4));
  });

  it('a matcher that matches "" also selects series lacking the label', () => {
    expect(sel({ name: '__name__', op: '=', value: 'up' }, { name: 'instance', op: '=', value: '' })).toEqual(k(2));
    expect(sel({ name: '__name__', op: '=', value: 'down' }, { name: 'job', op: '!~', value: 'x' })).toEqual(k(3, 4));
    expect(sel({ name: '__name__', op: '=', value: 'down' }, { name: 'job', op: '=~', value: 'Flink|' })).toEqual(k(3, 4));
    expect(sel({ name: '__name__', op: '=~', value: 'up|down' }, { name: 'nope', op: '=~', value: '.*' })).toEqual(
      k(0, 1, 2, 3, 4),
    );
  });

  it('returns [] when no matcher excludes the empty string, or for no matchers', () => {
    expect(sel()).toEqual([]);
    expect(sel({ name: 'job', op: '=', value: '' })).toEqual([]);
    expect(sel({ name: 'job', op: '=~', value: '.*' })).toEqual([]);
    expect(sel({ name: 'job', op: '!~', value: 'x' }, { name: 'instance', op: '!=', value: 'a' })).toEqual([]);
    expect(sel({ name: 'job', op: '=', value: 'nope' })).toEqual([]);
  });

  it('throws InvalidMatcherError for a bad regex or operator', () => {
    expect(() => store.select([{ name: 'job', op: '=~', value: '(' }])).toThrow(InvalidMatcherError);
    expect(() => store.select([{ name: 'job', op: '=~', value: 'a)(b' }])).toThrow(InvalidMatcherError);
    try {
      store.select([{ name: 'job', op: '!~', value: '[z-a]' }]);
      expect.unreachable();
    } catch (err) {
      expect((err as InvalidMatcherError).code).toBe('FPB_ERR_INVALID_MATCHER');
      expect((err as InvalidMatcherError).matcher).toBe('job!~"[z-a]"');
    }
    expect(() => store.select([{ name: 'job', op: '==' as '=', value: 'x' }])).toThrow(/unknown operator/);
  });
});
