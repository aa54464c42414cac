import { describe, expect, it } from 'vitest';
import { type LabelSet, labelSet } from '../../../src/model/labels.js';
import { LabelIndex } from '../../../src/store/label-index.js';
import { MemorySeriesStore } from '../../../src/store/memory-series-store.js';
import { COLLIDING_VALUES as COLLIDING } from '../../support/colliding-labels.js';

const item = (labels: LabelSet): { labels: LabelSet } => ({ labels });

describe('LabelIndex', () => {
  it('finds items by an equal label set, not by instance', () => {
    const idx = new LabelIndex<{ labels: LabelSet }>();
    const a = item(labelSet('m', { a: '1' }));
    idx.add(a);
    expect(idx.get(labelSet('m', { a: '1' }))).toBe(a);
    expect(idx.get(labelSet('m', { a: '2' }))).toBeUndefined();
    expect(idx.size).toBe(1);
  });

  it('keeps items whose hashes collide apart, and removes either one first', () => {
    for (const removeFirst of [true, false]) {
      const idx = new LabelIndex<{ labels: LabelSet }>();
      const [x, y] = COLLIDING.map((v) => item(labelSet('m', { x: v }))) as [{ labels: LabelSet }, { labels: LabelSet }];
      idx.add(x);
      idx.add(y);
      expect(idx.size).toBe(2);
      expect(idx.get(labelSet('m', { x: COLLIDING[0] }))).toBe(x);
      expect(idx.get(labelSet('m', { x: COLLIDING[1] }))).toBe(y);
      expect([...idx.values()]).toEqual([x, y]);
      const [gone, kept] = removeFirst ? [x, y] : [y, x];
      idx.delete(gone);
      expect(idx.size).toBe(1);
      expect(idx.get(gone.labels)).toBeUndefined();
      expect(idx.get(kept.labels)).toBe(kept);
      expect([...idx.values()]).toEqual([kept]);
      idx.delete(gone); // not present: no-op
      idx.delete(kept);
      expect(idx.size).toBe(0);
      expect([...idx.values()]).toEqual([]);
    }
  });

  it('gives the store two series for two colliding label sets', () => {
    const store = new MemorySeriesStore({ retentionMs: 60_000 });
    const [x, y] = COLLIDING.map((v) => labelSet('m', { x: v })) as [LabelSet, LabelSet];
    store.appendSnapshot('s', 1000, [
      { labels: x, value: 1 },
      { labels: y, value: 2 },
    ]);
    expect(store.seriesCount).toBe(2);
    expect(store.get(x)?.lastValue).toBe(1);
    expect(store.get(y)?.lastValue).toBe(2);
    // y leaves the snapshot: stale, then removed by GC once its last sample is past retention; x stays
    store.appendSnapshot('s', 2000, [{ labels: x, value: 3 }]);
    store.collectGarbage(61_500);
    expect(store.get(y)).toBeUndefined();
    expect(store.get(x)?.lastValue).toBe(3);
    expect(store.seriesCount).toBe(1);
  });
});
