import { describe, expect, it } from 'vitest';
import { labelSet } from '../../../src/model/labels.js';
import { MemorySeriesStore } from '../../../src/store/index.js';
import type { SnapshotSample } from '../../../src/store/types.js';
import { deriveWindowed } from '../../../src/windows/derive.js';
import { rate as seriesRate } from '../../../src/promql/functions/rate.js';

const job = { job_id: 'j1', job_name: 'demo' };
const src = { ...job, task_id: 'v-src', task_name: 'Source' };
const snk = { ...job, task_id: 'v-snk', task_name: 'Sink' };
const W = [
  { name: '1m', ms: 60_000 },
  { name: '5m', ms: 300_000 },
];

/** One REST snapshot at t: counters grow linearly (`perSec` per second), parallelism 2. */
function snapshot(t: number, idlePerSec = 1.5, withSink = true): SnapshotSample[] {
  const s = (name: string, labels: Record<string, string>, value: number): SnapshotSample => ({ labels: labelSet(name, labels), value });
  const out = [
    s('flink_task_info', { ...src, source: 'true', sink: 'false' }, 1),
    s('flink_task_parallelism', src, 2),
    s('flink_task_records_out_total', src, (t / 1000) * 300),
    s('flink_task_idle_seconds_total', src, (t / 1000) * idlePerSec),
  ];
  if (withSink) {
    out.push(
      s('flink_task_info', { ...snk, source: 'false', sink: 'true' }, 1),
      s('flink_task_parallelism', snk, 2),
      s('flink_task_records_in_total', snk, (t / 1000) * 40),
    );
  }
  return out;
}

describe('deriveWindowed', () => {
  it('writes rate(counter[window]) per vertex and sums sources/sinks per job, as PromQL would', () => {
    const store = new MemorySeriesStore({ retentionMs: 900_000 });
    let t = 1_000_000;
    for (let i = 0; i < 10; i++, t += 10_000) store.appendSnapshot('flink-rest', t, snapshot(t));
    const now = t - 10_000;
    const out = deriveWindowed(store, now, W);
    const get = (name: string, labels: Record<string, string>) =>
      out.filter((x) => x.labels.metricName === name && Object.entries(labels).every(([k, v]) => x.labels.get(k) === v)).map((x) => x.value);
    const counter = store.get(labelSet('flink_task_records_out_total', src));
    expect(counter).toBeDefined();
    expect(get('flink_task_records_out_per_second', { task_id: 'v-src', window: '1m' })).toEqual([seriesRate(counter!, now, 60_000)]);
    expect(get('flink_task_records_out_per_second', { task_id: 'v-src', window: '1m' })[0]).toBeCloseTo(300, 6);
    expect(get('flink_job_source_records_per_second', { job_id: 'j1', window: '5m' })).toEqual(get('flink_task_records_out_per_second', { task_id: 'v-src', window: '5m' }));
    expect(get('flink_job_sink_records_per_second', { job_id: 'j1', window: '1m' })[0]).toBeCloseTo(40, 6);
    // idle 1.5 s per second summed over 2 subtasks → 0.75 of each subtask's time
    expect(get('flink_task_idle_ratio', { task_id: 'v-src', window: '1m' })[0]).toBeCloseTo(0.75, 9);
  });

  it('young and restarted vertices: rates, ratios and job sums read the true values in the long window too', () => {
    const store = new MemorySeriesStore({ retentionMs: 900_000 });
    const near = (v: number | undefined, expected: number) => expect(Math.abs((v ?? Number.NaN) - expected)).toBeLessThanOrEqual(1e-9 * expected);
    let t = 1_000_000;
    // 90 s of history: the 5m window is young
    for (let i = 0; i < 10; i++, t += 10_000) store.appendSnapshot('flink-rest', t, snapshot(t));
    const young = deriveWindowed(store, t - 10_000, W);
    const get = (out: SnapshotSample[], name: string, window: string) =>
      out.find((x) => x.labels.metricName === name && x.labels.get('window') === window)?.value;
    near(get(young, 'flink_task_records_out_per_second', '5m'), 300);
    near(get(young, 'flink_job_source_records_per_second', '5m'), 300);
    near(get(young, 'flink_job_sink_records_per_second', '5m'), 40);
    near(get(young, 'flink_task_idle_ratio', '5m'), 0.75);
    // the job restarts: its vertex series go stale for two polls, then come back with counters from 0
    store.appendSnapshot('flink-rest', t, []);
    store.appendSnapshot('flink-rest', (t += 10_000), []);
    const restart = (t += 10_000);
    for (let i = 0; i < 4; i++, t += 10_000) {
      const fresh = snapshot(t - restart + 2_000);
      store.appendSnapshot('flink-rest', t, fresh);
    }
    const after = deriveWindowed(store, t - 10_000, W);
    near(get(after, 'flink_task_records_out_per_second', '5m'), 300);
    near(get(after, 'flink_job_source_records_per_second', '5m'), 300);
    near(get(after, 'flink_task_idle_ratio', '5m'), 0.75);
    near(get(after, 'flink_task_records_out_per_second', '1m'), 300);
  });

  it('caps time ratios at 1 when poll-time jitter makes the quotient overshoot', () => {
    const store = new MemorySeriesStore({ retentionMs: 900_000 });
    let t = 1_000_000;
    for (let i = 0; i < 8; i++, t += 10_000) store.appendSnapshot('flink-rest', t, snapshot(t, 2.01));
    const out = deriveWindowed(store, t - 10_000, W).filter((x) => x.labels.metricName === 'flink_task_idle_ratio');
    expect(out.length).toBe(2);
    // 2.01 s idle per second over 2 subtasks would be 1.005 in the 1m window; the 5m window is young (70 s of data)
    expect(out.find((x) => x.labels.get('window') === '1m')?.value).toBe(1);
    for (const x of out) expect(x.value).toBeLessThanOrEqual(1);
  });

  it('derives nothing for a vertex whose series went stale (job left RUNNING)', () => {
    const store = new MemorySeriesStore({ retentionMs: 900_000 });
    let t = 1_000_000;
    for (let i = 0; i < 6; i++, t += 10_000) store.appendSnapshot('flink-rest', t, snapshot(t));
    store.appendSnapshot('flink-rest', t, snapshot(t, 1.5, false));
    const out = deriveWindowed(store, t, W);
    expect(out.filter((x) => x.labels.get('task_id') === 'v-snk')).toEqual([]);
    expect(out.filter((x) => x.labels.metricName === 'flink_job_sink_records_per_second')).toEqual([]);
    expect(out.filter((x) => x.labels.get('task_id') === 'v-src').length).toBeGreaterThan(0);
  });

  it('yields no rate from a single sample', () => {
    const store = new MemorySeriesStore({ retentionMs: 900_000 });
    store.appendSnapshot('flink-rest', 1_000_000, snapshot(1_000_000));
    expect(deriveWindowed(store, 1_000_000, W)).toEqual([]);
  });
});
