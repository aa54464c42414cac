import { describe, expect, it } from 'vitest';
import {
  InvalidMetricNameError,
  OutOfOrderSampleError,
  SeriesConflictError,
  SeriesLimitError,
  UnknownSeriesRefError,
} from '../../../src/errors.js';
import { LabelSet, labelSet } from '../../../src/model/labels.js';
import { MemorySeriesStore } from '../../../src/store/memory-series-store.js';
import type { StoredSeries } from '../../../src/store/types.js';

const MIN = 60_000;

function samplesOf(s: StoredSeries | undefined): [number, number, boolean][] {
  if (s === undefined) return [];
  return Array.from({ length: s.length }, (_, i) => [s.timestampAt(i), s.valueAt(i), s.isStaleAt(i)]);
}

function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}

describe('Appender', () => {
  it('writes nothing visible before commit, then everything with per-sample timestamps', () => {
    const store = new MemorySeriesStore({ retentionMs: 10 * MIN });
    const a = labelSet('m', { job: 'a' });
    const app = store.appender('rw');
    app.append(a, 1000, 1);
    app.append(a, 1500, 2);
    app.appendStale(a, 1700);
    app.append(labelSet('n'), 900, 7);
    expect(store.seriesCount).toBe(0);
    expect(store.get(a)).toBeUndefined();
    expect(app.commit()).toEqual({ appended: 4, staleMarked: 0, outOfOrder: 0, conflicts: 0, rejected: 0 });
    expect(samplesOf(store.get(a))).toEqual([
      [1000, 1, false],
      [1500, 2, false],
      [1700, NaN, true],
    ]);
    expect(store.get(a)?.source).toBe('rw');
    expect(store.sampleCount).toBe(4);
  });

  it('rollback leaves the store exactly as before: no series, samples or metadata', () => {
    const store = new MemorySeriesStore({ retentionMs: 10 * MIN });
    const a = labelSet('m', { job: 'a' });
    store.appendSnapshot('rw', 1000, [{ labels: a, value: 1 }]);
    const app = store.appender('rw');
    app.append(a, 2000, 2);
    app.append(labelSet('new_one'), 2000, 2);
    app.setMetadata('new_one', { type: 'gauge', help: 'h' });
    app.rollback();
    expect(store.seriesCount).toBe(1);
    expect(samplesOf(store.get(a))).toEqual([[1000, 1, false]]);
    expect(store.metadata('new_one')).toBeUndefined();
    expect(store.familyNames()).toEqual(['m']);
    // and the rolled-back samples do not block a later appender
    const again = store.appender('rw');
    again.append(a, 2000, 3);
    again.commit();
    expect(samplesOf(store.get(a))).toEqual([
      [1000, 1, false],
      [2000, 3, false],
    ]);
  });

  it('returns refs that later appends reuse without labels, also before the first commit', () => {
    const store = new MemorySeriesStore({ retentionMs: 10 * MIN });
    const a = labelSet('m', { job: 'a' });
    const app = store.appender('rw');
    const ref = app.append(a, 1000, 1);
    expect(app.append(ref, 2000, 2)).toBe(ref);
    app.commit();
    expect(store.get(a)?.id).toBe(ref);
    const next = store.appender('rw');
    expect(next.append(ref, 3000, 3)).toBe(ref);
    expect(next.appendStale(ref, 4000)).toBe(ref);
    next.commit();
    expect(samplesOf(store.get(a)).map(([t]) => t)).toEqual([1000, 2000, 3000, 4000]);
    expect(store.get(a)?.isStale).toBe(true);
  });

  it('refuses out-of-order and duplicate samples at append with the series named, counted by reason', () => {
    const store = new MemorySeriesStore({ retentionMs: 10 * MIN });
    const a = labelSet('m', { job: 'a' });
    store.appendSnapshot('rw', 2000, [{ labels: a, value: 1 }]);
    const app = store.appender('rw');
    const dup = thrown(() => app.append(a, 2000, 5));
    expect(dup).toBeInstanceOf(OutOfOrderSampleError);
    expect((dup as OutOfOrderSampleError).code).toBe('FPB_ERR_OUT_OF_ORDER');
    expect((dup as OutOfOrderSampleError).reason).toBe('duplicate');
    expect((dup as Error).message).toContain('m{job="a"}');
    expect((thrown(() => app.append(a, 1000, 5)) as OutOfOrderSampleError).reason).toBe('out_of_order');
    app.append(a, 3000, 3);
    // against the earlier pending sample of the same appender
    expect((thrown(() => app.append(a, 2500, 5)) as OutOfOrderSampleError).reason).toBe('out_of_order');
    expect((thrown(() => app.appendStale(a, 3000)) as OutOfOrderSampleError).reason).toBe('duplicate');
    app.commit();
    expect(samplesOf(store.get(a))).toEqual([
      [2000, 1, false],
      [3000, 3, false],
    ]);
    expect(store.rejected).toMatchObject({ out_of_order: 2, duplicate: 2 });
  });

  it('never reorders: a sample made old by another commit in between is dropped at commit and counted', () => {
    const store = new MemorySeriesStore({ retentionMs: 10 * MIN });
    const a = labelSet('m');
    store.appendSnapshot('rw', 1000, [{ labels: a, value: 1 }]);
    const slow = store.appender('rw');
    slow.append(a, 2000, 2);
    const fast = store.appender('rw');
    fast.append(a, 3000, 3);
    fast.commit();
    expect(slow.commit()).toMatchObject({ appended: 0, outOfOrder: 1 });
    expect(samplesOf(store.get(a)).map(([t]) => t)).toEqual([1000, 3000]);
  });

  it('refuses a label set of another source, a ref of another source and a ref of a removed series', () => {
    const store = new MemorySeriesStore({ retentionMs: 1000 });
    const a = labelSet('m', { job: 'a' });
    const app = store.appender('one');
    const ref = app.append(a, 1000, 1);
    app.commit();
    const other = store.appender('two');
    expect(thrown(() => other.append(a, 2000, 1))).toBeInstanceOf(SeriesConflictError);
    const err = thrown(() => other.append(ref, 2000, 1));
    expect(err).toBeInstanceOf(UnknownSeriesRefError);
    expect((err as UnknownSeriesRefError).code).toBe('FPB_ERR_UNKNOWN_SERIES_REF');
    expect(thrown(() => other.append(12345, 2000, 1))).toBeInstanceOf(UnknownSeriesRefError);
    other.rollback();
    store.collectGarbage(5000);
    expect(store.get(a)).toBeUndefined();
    expect(thrown(() => store.appender('one').append(ref, 6000, 1))).toBeInstanceOf(UnknownSeriesRefError);
    expect(store.rejected).toMatchObject({ conflict: 1, unknown_ref: 3 });
  });

  it('refuses a missing or invalid __name__ with InvalidMetricNameError', () => {
    const store = new MemorySeriesStore({ retentionMs: MIN });
    const app = store.appender('push');
    for (const labels of [LabelSet.from({ job: 'x' }), labelSet('0bad'), labelSet('has-dash'), labelSet('ü')]) {
      const err = thrown(() => app.append(labels, 1000, 1));
      expect(err).toBeInstanceOf(InvalidMetricNameError);
      expect((err as InvalidMetricNameError).code).toBe('FPB_ERR_INVALID_METRIC_NAME');
    }
    app.append(labelSet('ok:name_1'), 1000, 1);
    expect(app.commit().appended).toBe(1);
    expect(store.familyNames()).toEqual(['ok:name_1']);
    expect(store.rejected.invalid_name).toBe(4);
    // the snapshot helper counts instead of throwing
    expect(store.appendSnapshot('push', 2000, [{ labels: labelSet('bad name'), value: 1 }]).rejected).toBe(1);
  });

  it('enforces the per-source and the total series limit at append', () => {
    const store = new MemorySeriesStore({ retentionMs: MIN, maxSeriesTotal: 3 });
    store.createSource('push', { kind: 'pinned', maxSeries: 2 });
    const app = store.appender('push');
    app.append(labelSet('a'), 1, 1);
    app.append(labelSet('b'), 1, 1);
    app.append(labelSet('a'), 2, 1); // an existing (pending) series is not a new one
    const err = thrown(() => app.append(labelSet('c'), 1, 1));
    expect(err).toBeInstanceOf(SeriesLimitError);
    expect((err as SeriesLimitError).scope).toBe('source');
    expect((err as SeriesLimitError).code).toBe('FPB_ERR_SERIES_LIMIT');
    app.commit();
    const rw = store.appender('rw');
    rw.append(labelSet('d'), 1, 1);
    expect((thrown(() => rw.append(labelSet('e'), 1, 1)) as SeriesLimitError).scope).toBe('total');
    rw.commit();
    expect(store.seriesCount).toBe(3);
    expect(store.rejected.series_limit).toBe(2);
  });

  it('is single-use', () => {
    const store = new MemorySeriesStore({ retentionMs: MIN });
    const app = store.appender('s');
    app.commit();
    expect(() => app.append(labelSet('m'), 1, 1)).toThrow(/already committed/);
    expect(() => app.commit()).toThrow(/already committed/);
    expect(() => store.appender('s').append(labelSet('m'), Infinity, 1)).toThrow(RangeError);
  });

  it('checks against its own pending sample even while another appender has touched the series since', () => {
    const store = new MemorySeriesStore({ retentionMs: MIN });
    const a = labelSet('m');
    store.appendSnapshot('s', 1000, [{ labels: a, value: 1 }]);
    const one = store.appender('s');
    const two = store.appender('s');
    one.append(a, 2000, 2);
    two.append(a, 3000, 3);
    expect((thrown(() => one.append(a, 1500, 9)) as OutOfOrderSampleError).reason).toBe('out_of_order');
    expect((thrown(() => one.append(a, 2000, 9)) as OutOfOrderSampleError).reason).toBe('duplicate');
    one.append(a, 2500, 4);
    expect((thrown(() => two.append(a, 3000, 9)) as OutOfOrderSampleError).reason).toBe('duplicate');
    one.commit();
    two.commit();
    expect(samplesOf(store.get(a)).map(([t]) => t)).toEqual([1000, 2000, 2500, 3000]);
  });

  it('merges two appenders of one source that create the same series', () => {
    const store = new MemorySeriesStore({ retentionMs: MIN });
    const a = labelSet('m');
    const one = store.appender('s');
    const two = store.appender('s');
    one.append(a, 1000, 1);
    two.append(a, 2000, 2);
    one.commit();
    expect(two.commit()).toMatchObject({ appended: 1, conflicts: 0 });
    expect(samplesOf(store.get(a))).toEqual([
      [1000, 1, false],
      [2000, 2, false],
    ]);
  });
});

describe('appendSnapshot on top of the appender', () => {
  it('retain() keeps absent series untouched instead of marking them stale', () => {
    const store = new MemorySeriesStore({ retentionMs: MIN });
    const a = labelSet('m', { endpoint: 'jobs' });
    const b = labelSet('m', { endpoint: 'taskmanagers' });
    store.appendSnapshot('flink-rest', 1000, [
      { labels: a, value: 1 },
      { labels: b, value: 1 },
    ]);
    const r = store.appendSnapshot('flink-rest', 2000, [{ labels: a, value: 2 }], {
      retain: (s) => s.labels.get('endpoint') === 'taskmanagers',
    });
    expect(r.staleMarked).toBe(0);
    expect(samplesOf(store.get(b))).toEqual([[1000, 1, false]]);
    expect(store.appendSnapshot('flink-rest', 3000, [{ labels: a, value: 3 }]).staleMarked).toBe(1);
    expect(store.get(b)?.isStale).toBe(true);
  });
});
