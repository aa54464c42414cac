import { describe, expect, it } from 'vitest';
import { nullLogger } from '../../../src/log/logger.js';
import { labelSet } from '../../../src/model/labels.js';
import { MemorySeriesStore } from '../../../src/store/index.js';
import type { SnapshotSample } from '../../../src/store/types.js';
import { DERIVED_SOURCE, WindowsStage } from '../../../src/windows/stage.js';

const vertex = { job_id: 'j1', job_name: 'demo', task_id: 'flink-rest', task_name: 'Source' };
const W = [{ name: '1m', ms: 60_000 }];

/** A vertex snapshot at t: records out grow by 300/s. Each source writes its own vertex (a series has one owner). */
function snapshot(t: number, source: string): SnapshotSample[] {
  const v = { ...vertex, task_id: source };
  return [
    { labels: labelSet('flink_task_info', { ...v, source: 'true', sink: 'false' }), value: 1 },
    { labels: labelSet('flink_task_parallelism', v), value: 1 },
    { labels: labelSet('flink_task_records_out_total', v), value: (t / 1000) * 300 },
  ];
}

/** A stage over a fresh store with a hand-driven wall clock and timer. */
function harness(minIntervalMs = 5_000) {
  const store = new MemorySeriesStore({ retentionMs: 900_000 });
  let wall = 1_000_000;
  const timers: { fn: () => void; ms: number; cleared: boolean }[] = [];
  const stage = new WindowsStage({
    store,
    logger: nullLogger,
    windows: W,
    minIntervalMs,
    nowMs: () => wall,
    setTimer: (fn, ms) => {
      const h = { fn, ms, cleared: false };
      timers.push(h);
      return h;
    },
    clearTimer: (h) => void ((h as { cleared: boolean }).cleared = true),
  });
  const rate = (source = 'flink-rest') =>
    store.get(labelSet('flink_task_records_out_per_second', { ...vertex, task_id: source, window: '1m' }));
  /** Time of the newest derived evaluation that produced a rate. */
  const derivedAt = () => Math.max(...[...store.family('flink_task_records_out_per_second')].map((x) => x.lastTimestamp));
  /** `source` commits a snapshot at t (wall clock moved to `wallAt`, default t). */
  const commit = (source: string, t: number, wallAt = t) => {
    wall = wallAt;
    store.appendSnapshot(source, t, snapshot(t, source));
    stage.committed(source, t);
  };
  const pending = () => timers.filter((x) => !x.cleared);
  const fire = (wallAt: number) => {
    wall = wallAt;
    const h = pending()[0];
    expect(h).toBeDefined();
    h!.cleared = true;
    h!.fn();
  };
  const setWall = (w: number) => void (wall = w);
  return { store, stage, rate, derivedAt, commit, pending, fire, setWall };
}

describe('WindowsStage', () => {
  it('derives at once after a commit, stamped with the commit time, from any source (not only the Flink poller)', () => {
    const h = harness();
    h.commit('push', 1_000_000);
    h.commit('push', 1_010_000);
    const r = h.rate('push');
    expect(r?.source).toBe(DERIVED_SOURCE);
    expect(r?.lastTimestamp).toBe(1_010_000);
    expect(r?.lastValue).toBe(300); // young series: 3000 records over the 10 s it covers, not over the whole minute
    expect(h.pending()).toEqual([]);
  });

  it('folds commits inside the interval into one trailing evaluation at the newest committed time', () => {
    const h = harness(5_000);
    h.commit('flink-rest', 1_000_000);
    h.commit('flink-rest', 1_010_000); // ≥ 5 s after the last evaluation: at once
    expect(h.rate()?.lastTimestamp).toBe(1_010_000);
    h.commit('push', 1_011_000);
    h.commit('push', 1_012_000);
    expect(h.derivedAt()).toBe(1_010_000); // not yet
    expect(h.pending().map((x) => x.ms)).toEqual([4_000]); // one timer, until 5 s after the last evaluation
    h.fire(1_015_000);
    // evaluated at the newest input time (12 s), not at the wall-clock time the timer fired (15 s)
    expect(h.derivedAt()).toBe(1_012_000);
    expect(h.rate('push')?.lastTimestamp).toBe(1_012_000);
    expect(h.rate('flink-rest')?.lastTimestamp).toBe(1_012_000);
    expect(h.pending()).toEqual([]);
  });

  it('a poll commit arriving at once after a trailing evaluation still gets its own samples evaluated', () => {
    const h = harness(5_000);
    h.commit('flink-rest', 1_000_000);
    h.commit('flink-rest', 1_001_000, 1_005_000);
    h.commit('push', 1_007_000);
    h.fire(1_010_000);
    expect(h.derivedAt()).toBe(1_007_000);
    h.commit('flink-rest', 1_010_000, 1_011_000); // 1 s after the trailing evaluation: deferred, not lost
    expect(h.derivedAt()).toBe(1_007_000);
    h.fire(1_015_000);
    expect(h.derivedAt()).toBe(1_010_000);
  });

  it('ignores its own commits and commits older than what it derived; clamps future timestamps to the wall clock', () => {
    const h = harness(5_000);
    h.commit('flink-rest', 1_000_000);
    h.commit('flink-rest', 1_010_000);
    h.stage.committed(DERIVED_SOURCE, 1_030_000);
    h.setWall(1_040_000);
    h.stage.committed('remote-write', 1_009_000); // older than the last evaluation
    expect(h.rate()?.lastTimestamp).toBe(1_010_000);
    expect(h.pending()).toEqual([]);
    h.stage.committed('remote-write', 9_999_999_999); // a writer whose clock is far ahead
    expect(h.rate()?.lastTimestamp).toBe(1_040_000);
  });

  it('stop() cancels the trailing evaluation and ignores later commits', () => {
    const h = harness(5_000);
    h.commit('flink-rest', 1_000_000);
    h.commit('flink-rest', 1_010_000);
    h.commit('push', 1_011_000);
    expect(h.pending().length).toBe(1);
    h.stage.stop();
    expect(h.pending()).toEqual([]);
    h.commit('flink-rest', 1_030_000);
    expect(h.rate()?.lastTimestamp).toBe(1_010_000);
  });

  it('configure() applies new windows at the next evaluation; windows dropped go stale', () => {
    const h = harness(5_000);
    h.commit('flink-rest', 1_000_000);
    h.commit('flink-rest', 1_010_000);
    h.stage.configure([{ name: '2m', ms: 120_000 }], 5_000);
    h.commit('flink-rest', 1_020_000);
    expect(h.rate()?.isStale).toBe(true);
    const twoMin = h.store.get(labelSet('flink_task_records_out_per_second', { ...vertex, window: '2m' }));
    expect(twoMin?.lastTimestamp).toBe(1_020_000);
  });
});
