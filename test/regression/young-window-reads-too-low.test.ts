/**
 * Regression: issue 5 §3 defect 3, "a window longer than the series' life reads far too low".
 *
 * Two minutes after a job started, `flink_job_source_records_per_second{window="15m"}` read ~28/s while the job did
 * ~300/s: the windowed rate was PromQL `rate()`, which divides the 1.5 minutes of increase it sees by the whole
 * 15 minutes. The same false drop followed every restart (old life, staleness markers, new life from 0). The
 * windowed rates are now the increase over the part of the window the samples cover, divided by that time.
 */
import { describe, expect, it } from 'vitest';
import { labelSet } from '../../src/model/labels.js';
import { MemorySeriesStore } from '../../src/store/index.js';
import type { SnapshotSample } from '../../src/store/types.js';
import { deriveWindowed } from '../../src/windows/derive.js';

const POLL_MS = 15_000;
const W = [
  { name: '1m', ms: 60_000 },
  { name: '15m', ms: 900_000 },
];
const source = { job_id: 'j1', job_name: 'demo', task_id: 'v-src', task_name: 'Source' };

/** The poller's snapshot of a RUNNING job whose source emits 300 records/s since `startMs` (parallelism 1). */
function running(t: number, startMs: number): SnapshotSample[] {
  return [
    { labels: labelSet('flink_task_info', { ...source, source: 'true', sink: 'false' }), value: 1 },
    { labels: labelSet('flink_task_parallelism', source), value: 1 },
    { labels: labelSet('flink_task_records_out_total', source), value: ((t - startMs) / 1000) * 300 },
  ];
}

function sourceRate(store: MemorySeriesStore, t: number, window: string): number | undefined {
  return deriveWindowed(store, t, W).find(
    (x) => x.labels.metricName === 'flink_job_source_records_per_second' && x.labels.get('window') === window,
  )?.value;
}

/** |a − b| within 1e-12 of b: the inputs are exact multiples, only division rounding may differ. */
function expectNear(actual: number | undefined, expected: number): void {
  expect(actual).toBeDefined();
  expect(Math.abs((actual as number) - expected)).toBeLessThanOrEqual(1e-12 * expected);
}

describe('defect 3: windowed rates of young and restarted series', () => {
  it('two minutes after the job started, the 15m window reads the job’s rate, not a fraction of it', () => {
    const store = new MemorySeriesStore({ retentionMs: 1_200_000 });
    const jobStart = 1_700_000_000_000;
    let t = jobStart + 5_000; // first poll 5 s after the start
    for (; t <= jobStart + 120_000; t += POLL_MS) store.appendSnapshot('flink-rest', t, running(t, jobStart));
    t -= POLL_MS;
    expectNear(sourceRate(store, t, '15m'), 300);
    expectNear(sourceRate(store, t, '1m'), 300);
  });

  it('three minutes after a restart (old life, staleness markers, new life from 0), the 15m window does not drop', () => {
    const store = new MemorySeriesStore({ retentionMs: 1_200_000 });
    const firstStart = 1_700_000_000_000;
    let t = firstStart + 5_000;
    for (; t < firstStart + 600_000; t += POLL_MS) store.appendSnapshot('flink-rest', t, running(t, firstStart));
    // RESTARTING for two polls: the vertex series disappear (staleness markers)
    store.appendSnapshot('flink-rest', t, []);
    t += POLL_MS;
    store.appendSnapshot('flink-rest', t, []);
    const secondStart = t + 3_000;
    t += POLL_MS;
    const end = t + 180_000;
    for (; t <= end; t += POLL_MS) store.appendSnapshot('flink-rest', t, running(t, secondStart));
    t -= POLL_MS;
    expectNear(sourceRate(store, t, '15m'), 300);
    expectNear(sourceRate(store, t, '1m'), 300);
  });
});
