import { describe, expect, it } from 'vitest';
import { MIN_RING_CAPACITY, SampleArena } from '../../../src/store/sample-arena.js';
import { SampleRing } from '../../../src/store/sample-ring.js';

const FOREVER = Number.MAX_SAFE_INTEGER;

function contents(r: SampleRing): [number, number, boolean][] {
  const out: [number, number, boolean][] = [];
  for (let i = 0; i < r.length; i++) out.push([r.timestampAt(i), r.valueAt(i), r.isStaleAt(i)]);
  return out;
}

describe('SampleRing', () => {
  it('starts small and doubles, keeping samples in order', () => {
    const ring = new SampleRing(new SampleArena());
    expect(ring.capacity).toBe(MIN_RING_CAPACITY);
    expect(ring.length).toBe(0);
    expect(ring.lastTimestamp).toBeNaN();
    expect(ring.lastValue).toBeNaN();
    expect(ring.isStale).toBe(true);
    for (let i = 1; i <= 100; i++) ring.appendSample(i * 1000, i * 1.5, false, FOREVER);
    expect(ring.length).toBe(100);
    expect(ring.capacity).toBe(128);
    expect(contents(ring)).toEqual(Array.from({ length: 100 }, (_, i) => [(i + 1) * 1000, (i + 1) * 1.5, false]));
    expect(ring.lastTimestamp).toBe(100_000);
    expect(ring.lastValue).toBe(150);
    expect(ring.isStale).toBe(false);
  });

  it('evicts samples older than the retention from the front on append', () => {
    const ring = new SampleRing(new SampleArena());
    let evicted = 0;
    for (let t = 0; t <= 20_000; t += 1000) evicted += ring.appendSample(t, t, false, 5000);
    // kept: t >= 20000 - 5000
    expect(contents(ring).map(([t]) => t)).toEqual([15_000, 16_000, 17_000, 18_000, 19_000, 20_000]);
    expect(evicted).toBe(15);
    // the retention bound is inclusive: a sample exactly retentionMs old stays
    expect(ring.appendSample(20_001, 1, false, 5001)).toBe(0);
    expect(ring.timestampAt(0)).toBe(15_000);
  });

  it('grows correctly while the ring is wrapped around', () => {
    const ring = new SampleRing(new SampleArena());
    // fill 4, evict 2, append 2 more → wrapped; then grow
    for (let t = 1; t <= 4; t++) ring.appendSample(t, t * 10, false, FOREVER);
    expect(ring.evictBefore(3)).toBe(2);
    ring.appendSample(5, 50, false, FOREVER);
    ring.appendSample(6, 60, true, FOREVER);
    expect(ring.capacity).toBe(4);
    ring.appendSample(7, 70, false, FOREVER);
    expect(ring.capacity).toBe(8);
    expect(contents(ring)).toEqual([
      [3, 30, false],
      [4, 40, false],
      [5, 50, false],
      [6, NaN, true],
      [7, 70, false],
    ]);
  });

  it('keeps the staleness flag apart from the value: a stale sample reads NaN, a NaN value is not stale', () => {
    const ring = new SampleRing(new SampleArena());
    ring.appendSample(1, NaN, false, FOREVER);
    ring.appendSample(2, 42, true, FOREVER);
    expect(ring.isStaleAt(0)).toBe(false);
    expect(ring.valueAt(0)).toBeNaN();
    expect(ring.isStaleAt(1)).toBe(true);
    expect(ring.valueAt(1)).toBeNaN();
    expect(ring.isStale).toBe(true);
    expect(ring.lastValue).toBeNaN();
    ring.appendSample(3, 7, false, FOREVER);
    expect(ring.isStale).toBe(false);
    expect(ring.lastValue).toBe(7);
  });

  it('rangeIndexes is left-open, right-closed', () => {
    const ring = new SampleRing(new SampleArena());
    for (const t of [10, 20, 30, 40, 50]) ring.appendSample(t, t, false, FOREVER);
    expect(ring.rangeIndexes(10, 40)).toEqual([1, 4]); // 20, 30, 40
    expect(ring.rangeIndexes(9, 10)).toEqual([0, 1]);
    expect(ring.rangeIndexes(0, 5)).toEqual([0, 0]);
    expect(ring.rangeIndexes(50, 100)).toEqual([5, 5]);
    expect(ring.rangeIndexes(15, 15)).toEqual([1, 1]);
    expect(ring.rangeIndexes(40, 20)).toEqual([4, 4]);
    expect(ring.rangeIndexes(-Infinity, Infinity)).toEqual([0, 5]);
  });

  it('rangeIndexes agrees with a linear scan on wrapped rings', () => {
    const ring = new SampleRing(new SampleArena());
    for (let t = 0; t < 300; t += 3) ring.appendSample(t, t, false, 100);
    const ts = contents(ring).map(([t]) => t);
    for (let from = 150; from < 310; from += 7) {
      for (let to = from - 5; to < 310; to += 11) {
        const start = ts.findIndex((t) => t > from);
        const s = start < 0 ? ts.length : start;
        const e = to > from ? ts.filter((t) => t <= to).length : s;
        expect(ring.rangeIndexes(from, to), `${from},${to}`).toEqual([s, Math.max(s, e)]);
      }
    }
  });
});

describe('SampleArena', () => {
  it('shares chunks between rings and releases a chunk once all its rings are gone', () => {
    const arena = new SampleArena();
    const rings = Array.from({ length: 10 }, () => new SampleRing(arena));
    const afterCreate = arena.capacitySamples;
    expect(afterCreate).toBeGreaterThan(0);
    // all 10 rings of capacity 4 fit in one chunk
    for (const r of rings) r.appendSample(1, 1, false, FOREVER);
    expect(arena.capacitySamples).toBe(afterCreate);
    // growing every ring to 8 moves all of them to another chunk; the 4-chunk is freed
    for (const r of rings) for (let t = 2; t <= 5; t++) r.appendSample(t, t, false, FOREVER);
    expect(rings.every((r) => r.capacity === 8)).toBe(true);
    expect(arena.capacitySamples).toBe(afterCreate); // same chunk size in samples, one chunk
    for (const r of rings) r.release();
    expect(arena.capacitySamples).toBe(0);
  });

  it('reuses freed slots without mixing up rings', () => {
    const arena = new SampleArena();
    const a = new SampleRing(arena);
    const b = new SampleRing(arena);
    a.appendSample(1, 1, false, FOREVER);
    b.appendSample(1, 2, false, FOREVER);
    a.release();
    const c = new SampleRing(arena);
    c.appendSample(5, 3, false, FOREVER);
    expect(b.valueAt(0)).toBe(2);
    expect(c.valueAt(0)).toBe(3);
    expect(c.length).toBe(1);
  });

  it('handles rings larger than a chunk', () => {
    const ring = new SampleRing(new SampleArena());
    const n = 40_000;
    for (let t = 0; t < n; t++) ring.appendSample(t, t, t % 7 === 0, FOREVER);
    expect(ring.capacity).toBe(65_536);
    expect(ring.length).toBe(n);
    expect(ring.timestampAt(12_345)).toBe(12_345);
    expect(ring.isStaleAt(14)).toBe(true);
    expect(ring.valueAt(15)).toBe(15);
    ring.release();
  });
});
