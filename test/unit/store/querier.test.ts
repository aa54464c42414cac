import { describe, expect, it } from 'vitest';
import { labelSet } from '../../../src/model/labels.js';
import { MemorySeriesStore } from '../../../src/store/memory-series-store.js';
import type { FeedEvent, SeriesIterator } from '../../../src/store/types.js';
import { valueAt } from '../../../src/store/value-at.js';
import { arraySeries } from '../../support/array-series.js';

function drain(it: SeriesIterator): number[] {
  const out: number[] = [];
  while (it.next()) out.push(it.at().t);
  return out;
}

describe('querier', () => {
  const build = (): MemorySeriesStore => {
    const store = new MemorySeriesStore({ retentionMs: 60_000 });
    for (let t = 1000; t <= 5000; t += 1000) {
      store.appendSnapshot('s', t, [
        { labels: labelSet('m', { job: 'a' }), value: t },
        { labels: labelSet('m', { job: 'b' }), value: -t },
      ]);
    }
    store.appendSnapshot('s', 9000, [{ labels: labelSet('late'), value: 1 }]);
    return store;
  };

  it('selects the series with samples in [mint, maxt], each iterating only that range', () => {
    const q = build().querier(2000, 4000);
    const got = q.select([{ name: '__name__', op: '=~', value: 'm|late' }]);
    expect(got.map((s) => s.labels.get('job'))).toEqual(['a', 'b']);
    expect(drain((got[0] as (typeof got)[0]).iterator())).toEqual([2000, 3000, 4000]);
    const it = (got[1] as (typeof got)[0]).iterator();
    expect(it.next()).toBe(true);
    expect(it.at()).toEqual({ t: 2000, v: -2000, stale: false });
    expect(q.labelNames()).toEqual(['__name__', 'job']);
    expect(q.labelValues('__name__')).toEqual(['m']);
    expect(q.labelValues('job', [{ name: '__name__', op: '=', value: 'm' }, { name: 'job', op: '!=', value: 'a' }])).toEqual(['b']);
    expect(() => build().querier(5, 4)).toThrow(RangeError);
  });

  it('seek goes to the first sample >= t and never backwards', () => {
    const [s] = build().querier(0, 10_000).select([{ name: 'job', op: '=', value: 'a' }]);
    const it = s?.iterator() as SeriesIterator;
    expect(() => it.at()).toThrow();
    expect(it.seek(2500)).toBe(true);
    expect(it.at().t).toBe(3000);
    expect(it.seek(1000)).toBe(true);
    expect(it.at().t).toBe(3000);
    expect(it.seek(3000)).toBe(true);
    expect(it.at().t).toBe(3000);
    expect(it.next()).toBe(true);
    expect(it.at().t).toBe(4000);
    expect(it.seek(5001)).toBe(true); // the staleness marker written when the snapshot at 9000 lacked the series
    expect(it.at()).toEqual({ t: 9000, v: NaN, stale: true });
    expect(it.seek(9001)).toBe(false);
    expect(it.at().t).toBe(9000);
  });

  it('an iterator stays correct across appends, ring growth, eviction and removal of its series', () => {
    const store = new MemorySeriesStore({ retentionMs: 3000 });
    const a = labelSet('m');
    store.appendSnapshot('s', 1000, [{ labels: a, value: 1 }]);
    store.appendSnapshot('s', 2000, [{ labels: a, value: 2 }]);
    const it = (store.querier(0, 100_000).select([{ name: '__name__', op: '=', value: 'm' }])[0] as { iterator(): SeriesIterator }).iterator();
    expect(it.next()).toBe(true);
    expect(it.at().t).toBe(1000);
    // many appends: the ring grows (reallocated) and evicts from the front (indexes shift)
    for (let t = 3000; t <= 20_000; t += 1000) store.appendSnapshot('s', t, [{ labels: a, value: t / 1000 }]);
    expect(it.at()).toEqual({ t: 1000, v: 1, stale: false }); // the current sample is kept although evicted
    expect(it.next()).toBe(true);
    expect(it.at().t).toBe(17_000); // 2000…16 000 were evicted before the iterator reached them
    expect(it.next()).toBe(true);
    expect(it.at().t).toBe(18_000);
    expect(drain(it)).toEqual([19_000, 20_000]);
    expect(it.next()).toBe(false);
    store.appendSnapshot('s', 21_000, [{ labels: a, value: 21 }]);
    expect(it.next()).toBe(true); // a later call sees newer samples
    expect(it.at().t).toBe(21_000);
    store.appendSnapshot('s', 22_000, []); // stale marker
    expect(it.next()).toBe(true);
    expect(it.at().stale).toBe(true);
    expect(Number.isNaN(it.at().v)).toBe(true);
    store.collectGarbage(100_000);
    expect(store.seriesCount).toBe(0);
    expect(it.next()).toBe(false); // removed series: the iterator ends, reads nothing of the reused ring slot
    store.appendSnapshot('s', 200_000, [{ labels: labelSet('other'), value: 9 }]);
    expect(it.next()).toBe(false);
  });
});

describe('valueAt (Prometheus 3.16 vectorSelectorSingle)', () => {
  const s = arraySeries([1000, 2000, 3000, 10_000], [1, 2, NaN, 10], { stale: [false, false, true, false] });

  it('takes the newest sample at or before t within the lookback window', () => {
    expect(valueAt(s, 999, 5000)).toBeUndefined();
    expect(valueAt(s, 1000, 5000)).toEqual({ t: 1000, v: 1 });
    expect(valueAt(s, 2500, 5000)).toEqual({ t: 2000, v: 2 });
    expect(valueAt(s, 10_000, 5000)).toEqual({ t: 10_000, v: 10 });
    expect(valueAt(s, 14_999, 5000)).toEqual({ t: 10_000, v: 10 });
  });

  it('3.x excludes a sample exactly lookback old, 2.x includes it', () => {
    expect(valueAt(s, 15_000, 5000)).toBeUndefined();
    expect(valueAt(s, 15_000, 5000, '3.x')).toBeUndefined();
    expect(valueAt(s, 15_000, 5000, '2.x')).toEqual({ t: 10_000, v: 10 });
    expect(valueAt(s, 15_001, 5000, '2.x')).toBeUndefined();
  });

  it('a staleness marker as newest sample hides older live samples in the window', () => {
    expect(valueAt(s, 3000, 5000)).toBeUndefined();
    expect(valueAt(s, 9999, 60_000)).toBeUndefined();
  });

  it('works on the store series and defaults to a 5 minute lookback', () => {
    const store = new MemorySeriesStore({ retentionMs: 3_600_000 });
    store.appendSnapshot('s', 0, [{ labels: labelSet('m'), value: 7 }]);
    const series = store.get(labelSet('m'));
    if (series === undefined) throw new Error('missing');
    expect(valueAt(series, 299_999)).toEqual({ t: 0, v: 7 });
    expect(valueAt(series, 300_000)).toBeUndefined();
  });
});

describe('change feed', () => {
  it('delivers one ordered batch per commit with consecutive sequence numbers', () => {
    const store = new MemorySeriesStore({ retentionMs: 1000 });
    const a = labelSet('m', { job: 'a' });
    store.appendSnapshot('s', 0, [{ labels: labelSet('before'), value: 1 }]); // nobody listens: not delivered
    const batches: FeedEvent[][] = [];
    const unsubscribe = store.feed.subscribe((b) => batches.push([...b]));
    const app = store.appender('s');
    const ref = app.append(a, 1000, 1);
    app.append(ref, 1500, 2);
    app.appendStale(ref, 1600);
    app.commit();
    store.appender('s').rollback();
    store.collectGarbage(10_000);
    expect(batches).toHaveLength(2);
    const first = batches[0]?.[0]?.seq as number;
    expect(store.feed.nextSeq).toBe(first + 6);
    expect(batches[0]).toEqual([
      { kind: 'series', seq: first, ref, labels: a, source: 's' },
      { kind: 'sample', seq: first + 1, ref, t: 1000, v: 1 },
      { kind: 'sample', seq: first + 2, ref, t: 1500, v: 2 },
      { kind: 'stale', seq: first + 3, ref, t: 1600 },
    ]);
    // GC drops both series, also the one created before anybody listened
    expect(batches[1]?.map((e) => [e.kind, e.seq])).toEqual([
      ['dropped', first + 4],
      ['dropped', first + 5],
    ]);
    expect(batches[1]?.some((e) => e.ref === ref)).toBe(true);
    unsubscribe();
    store.appendSnapshot('s', 20_000, [{ labels: a, value: 1 }]);
    expect(batches).toHaveLength(2);
  });

  it('a listener that throws does not keep the others from the batch; the commit has happened', () => {
    const store = new MemorySeriesStore({ retentionMs: 1000 });
    let seen = 0;
    store.feed.subscribe(() => {
      throw new Error('boom');
    });
    store.feed.subscribe((b) => {
      seen += b.length;
    });
    expect(() => store.appendSnapshot('s', 1, [{ labels: labelSet('m'), value: 1 }])).toThrow('boom');
    expect(seen).toBe(2);
    expect(store.get(labelSet('m'))?.lastValue).toBe(1);
  });
});
