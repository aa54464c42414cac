import { describe, expect, it } from 'vitest';
import { MetadataConflictError } from '../../../src/errors.js';
import { labelSet } from '../../../src/model/labels.js';
import { MemorySeriesStore } from '../../../src/store/memory-series-store.js';

const g = { type: 'gauge' as const, help: 'G.' };
const c = { type: 'counter' as const, help: 'C.' };

describe('sources with a lifecycle', () => {
  it('dropSource ends every live series with a staleness marker and forgets the source policy and metadata', () => {
    const store = new MemorySeriesStore({ retentionMs: 60_000 });
    store.createSource('push/job=a', { kind: 'pinned' });
    store.setMetadata('push/job=a', 'm', g);
    const a = labelSet('m', { i: '1' });
    const b = labelSet('m', { i: '2' });
    store.appendSnapshot('push/job=a', 1000, [
      { labels: a, value: 1 },
      { labels: b, value: 1 },
    ]);
    store.appendSnapshot('other', 1000, [{ labels: labelSet('o'), value: 1 }]);
    expect(store.dropSource('push/job=a', 2000)).toBe(2);
    expect(store.get(a)?.isStale).toBe(true);
    expect(store.get(a)?.lastTimestamp).toBe(2000);
    expect(store.get(labelSet('o'))?.isStale).toBe(false);
    expect(store.metadata('m')).toBeUndefined();
    expect(store.dropSource('push/job=a', 3000)).toBe(0);
    expect(store.dropSource('nobody', 3000)).toBe(0);
    expect(() => store.dropSource('other', NaN)).toThrow(RangeError);
  });

  it('a pinned source keeps its newest sample beyond retention until its TTL after the last commit runs out', () => {
    let now = 0;
    const store = new MemorySeriesStore({ retentionMs: 1000, now: () => now });
    store.createSource('push', { kind: 'pinned', ttlMs: 10_000 });
    store.createSource('rw', { kind: 'free' });
    const p = labelSet('pushed');
    const f = labelSet('written');
    store.appendSnapshot('push', 0, [{ labels: p, value: 1 }]);
    now = 100;
    store.appendSnapshot('push', 100, [{ labels: p, value: 2 }]);
    store.appendSnapshot('rw', 100, [{ labels: f, value: 1 }]);
    now = 5000;
    expect(store.collectGarbage(now)).toBe(1); // the free-running series left retention, the pinned one stays
    expect(store.get(f)).toBeUndefined();
    expect(store.get(p)?.length).toBe(1);
    expect(store.get(p)?.lastValue).toBe(2);
    now = 10_099;
    store.collectGarbage(now);
    expect(store.get(p)?.isStale).toBe(false);
    const events: string[] = [];
    store.feed.subscribe((batch) => events.push(...batch.map((e) => `${e.kind}${'t' in e ? `@${e.t}` : ''}`)));
    now = 10_100; // TTL counted from the last commit (clock time 100): marker, then gone (its value is past retention)
    store.collectGarbage(now);
    expect(events).toEqual(['stale@10100', 'dropped']);
    expect(store.get(p)).toBeUndefined();
    expect(store.seriesCount).toBe(0);
  });

  it('TTL expiry writes staleness markers that stay visible while inside retention', () => {
    let now = 0;
    const store = new MemorySeriesStore({ retentionMs: 60_000, now: () => now });
    store.createSource('push', { kind: 'pinned', ttlMs: 5000 });
    const p = labelSet('pushed');
    store.appendSnapshot('push', 0, [{ labels: p, value: 1 }]);
    now = 5000;
    store.gcTick(now);
    expect(store.get(p)?.isStale).toBe(true);
    expect(store.get(p)?.lastTimestamp).toBe(5000);
  });

  it('a source re-created after a drop owns its old series again, so a later snapshot can mark them', () => {
    const store = new MemorySeriesStore({ retentionMs: 60_000 });
    const a = labelSet('m', { i: '1' });
    const b = labelSet('m', { i: '2' });
    store.appendSnapshot('s', 1000, [{ labels: a, value: 1 }]);
    store.dropSource('s', 2000);
    store.appendSnapshot('s', 3000, [
      { labels: a, value: 1 },
      { labels: b, value: 1 },
    ]);
    expect(store.appendSnapshot('s', 4000, [{ labels: b, value: 1 }]).staleMarked).toBe(1);
    expect(store.get(a)?.isStale).toBe(true);
  });

  it('validates policies', () => {
    const store = new MemorySeriesStore({ retentionMs: 1000 });
    expect(() => store.createSource('x', { kind: 'pinned', ttlMs: 0 })).toThrow(RangeError);
    expect(() => store.createSource('x', { kind: 'free', maxSeries: -1 })).toThrow(RangeError);
    expect(() => store.createSource('x', { kind: 'weird' as 'free' })).toThrow(RangeError);
  });
});

describe('metadata per source and family', () => {
  it('refuses the same family with another type from another source, like the Pushgateway', () => {
    const store = new MemorySeriesStore({ retentionMs: 1000 });
    store.setMetadata('flink-rest', 'x_total', c);
    store.setMetadata('push', 'x_total', { type: 'counter', help: 'Other help.' });
    let err: unknown;
    try {
      store.setMetadata('push', 'x_total', g);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(MetadataConflictError);
    expect((err as MetadataConflictError).code).toBe('FPB_ERR_METADATA_CONFLICT');
    expect((err as Error).message).toBe(
      'metric family "x_total" from source "push" has type gauge but should have counter (as declared by source "flink-rest")',
    );
    // the merged view is the first declaring source's
    expect(store.metadata('x_total')).toEqual(c);
    // a source may change its own declaration when nobody else declares the family
    store.setMetadata('solo', 'y', g);
    store.setMetadata('solo', 'y', c);
    expect(store.metadata('y')).toEqual(c);
  });

  it('metadata written through an appender is part of the transaction', () => {
    const store = new MemorySeriesStore({ retentionMs: 1000 });
    store.setMetadata('a', 'm', c);
    const app = store.appender('b');
    expect(() => app.setMetadata('m', g)).toThrow(MetadataConflictError);
    app.setMetadata('n', g);
    expect(store.metadata('n')).toBeUndefined();
    app.commit();
    expect(store.metadata('n')).toEqual(g);
    // a conflict committed in between fails the commit and writes nothing
    const late = store.appender('c');
    late.setMetadata('z', g);
    late.append(labelSet('z'), 1, 1);
    store.setMetadata('d', 'z', c);
    expect(() => late.commit()).toThrow(MetadataConflictError);
    expect(store.get(labelSet('z'))).toBeUndefined();
  });
});

describe('garbage collection off the append path', () => {
  it('gcTick does a bounded amount of work per tick and a whole sweep over several ticks', () => {
    const store = new MemorySeriesStore({ retentionMs: 1000, gcBatch: 4 });
    const old = Array.from({ length: 10 }, (_, i) => labelSet('old', { i: String(i) }));
    store.appendSnapshot('a', 0, old.map((labels) => ({ labels, value: 1 })));
    store.appendSnapshot('b', 5000, [{ labels: labelSet('fresh'), value: 1 }]);
    expect(store.gcTick(5000)).toBe(4);
    expect(store.seriesCount).toBe(7);
    expect(store.gcTick(5000)).toBe(4);
    expect(store.gcTick(5000)).toBe(2);
    expect(store.seriesCount).toBe(1);
    expect(store.gcTick(5000)).toBe(0);
    expect(store.familyNames()).toEqual(['fresh']);
  });

  it('setRetention applies to later appends and GC passes', () => {
    const store = new MemorySeriesStore({ retentionMs: 1000 });
    const a = labelSet('m');
    for (let t = 0; t <= 3000; t += 500) store.appendSnapshot('s', t, [{ labels: a, value: t }]);
    expect(store.get(a)?.timestampAt(0)).toBe(2000);
    store.setRetention(10_000);
    for (let t = 3500; t <= 6000; t += 500) store.appendSnapshot('s', t, [{ labels: a, value: t }]);
    expect(store.get(a)?.timestampAt(0)).toBe(2000);
    expect(store.get(a)?.length).toBe(9);
    store.setRetention(1000);
    store.collectGarbage(6000);
    expect(store.get(a)?.timestampAt(0)).toBe(5000);
    expect(() => store.setRetention(0)).toThrow(RangeError);
  });

  it('start() runs GC on a timer, stop() ends it', async () => {
    let now = 0;
    const store = new MemorySeriesStore({ retentionMs: 1000, now: () => now, gcIntervalMs: 5 });
    store.appendSnapshot('s', 0, [{ labels: labelSet('m'), value: 1 }]);
    now = 10_000;
    store.start();
    store.start();
    await new Promise((r) => setTimeout(r, 30));
    store.stop();
    expect(store.seriesCount).toBe(0);
  });
});

describe('labelNames and labelValues', () => {
  it('lists names and values sorted, optionally restricted by matchers', () => {
    const store = new MemorySeriesStore({ retentionMs: 1000 });
    store.appendSnapshot('s', 1, [
      { labels: labelSet('b', { job: 'y', z: '1' }), value: 1 },
      { labels: labelSet('a', { job: 'x' }), value: 1 },
      { labels: labelSet('a', { job: 'w', host: 'h' }), value: 1 },
    ]);
    expect(store.labelNames()).toEqual(['__name__', 'host', 'job', 'z']);
    expect(store.labelNames([{ name: '__name__', op: '=', value: 'a' }])).toEqual(['__name__', 'host', 'job']);
    expect(store.labelValues('job')).toEqual(['w', 'x', 'y']);
    expect(store.labelValues('job', [{ name: '__name__', op: '=', value: 'a' }])).toEqual(['w', 'x']);
    expect(store.labelValues('nope')).toEqual([]);
  });
});
