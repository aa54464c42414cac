import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { labelSet } from '../../../src/model/labels.js';
import { readPageData } from '../../../src/http/page/page-data.js';
import { PAGE_HTML } from '../../../src/http/page/page-html.js';
import { MemorySeriesStore } from '../../../src/store/index.js';

describe('status page', () => {
  it('stays within its budget (64 KB, 20 KB gzipped) and loads nothing from elsewhere', () => {
    expect(Buffer.byteLength(PAGE_HTML)).toBeLessThan(64 * 1024);
    expect(gzipSync(PAGE_HTML).length).toBeLessThan(20 * 1024);
    expect(PAGE_HTML).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(PAGE_HTML).not.toMatch(/fetch\("\//); // relative URLs only: works under a path prefix
  });

  it('reads the jobs, the graph with its edges and the bottleneck from the store', () => {
    const store = new MemorySeriesStore({ retentionMs: 600_000 });
    const t = 1_700_000_000_000;
    const job = { job_id: 'j1', job_name: 'demo' };
    const v = (id: string, name: string) => ({ ...job, task_id: id, task_name: name });
    store.appendSnapshot('flink-rest', t, [
      { labels: labelSet('flink_up'), value: 1 },
      { labels: labelSet('flink_cluster_taskmanagers'), value: 2 },
      { labels: labelSet('flink_cluster_slots', { state: 'total' }), value: 8 },
      { labels: labelSet('flink_job_state', { ...job, state: 'RUNNING' }), value: 1 },
      { labels: labelSet('flink_job_state', { ...job, state: 'FAILED' }), value: 0 },
      { labels: labelSet('flink_job_uptime_seconds', job), value: 120 },
      { labels: labelSet('flink_task_info', { ...v('a', 'Source'), source: 'true', sink: 'false' }), value: 1 },
      { labels: labelSet('flink_task_info', { ...v('b', 'Window'), source: 'false', sink: 'false' }), value: 1 },
      { labels: labelSet('flink_task_info', { ...v('c', 'Sink'), source: 'false', sink: 'true' }), value: 1 },
      { labels: labelSet('flink_task_input_info', { ...v('b', 'Window'), input_task_id: 'a' }), value: 1 },
      { labels: labelSet('flink_task_input_info', { ...v('c', 'Sink'), input_task_id: 'b' }), value: 1 },
      { labels: labelSet('flink_task_backpressured_max_ratio', v('a', 'Source')), value: 0.8 },
      { labels: labelSet('flink_task_busy_max_ratio', v('b', 'Window')), value: 0.9 },
      { labels: labelSet('flink_task_records_in_per_second', { ...v('b', 'Window'), window: '5m' }), value: 40 },
      { labels: labelSet('flink_task_records_in_per_second', { ...v('b', 'Window'), window: '1m' }), value: 42 },
      { labels: labelSet('flink_job_source_records_per_second', { ...job, window: '5m' }), value: 99 },
      { labels: labelSet('flink_job_source_records_per_second', { ...job, window: '1m' }), value: 100 },
      { labels: labelSet('push_time_seconds', { job: 'tm1' }), value: t / 1000 - 30 },
    ]);
    const d = readPageData(store, t, { restUrl: 'http://jm:8081', pushGroupTtlMs: 120_000 });
    expect(d.cluster).toEqual({ flinkUp: true, version: null, taskManagers: 2, slotsTotal: 8, slotsAvailable: null });
    expect(d.jobs).toHaveLength(1);
    const j = d.jobs[0]!;
    expect([j.state, j.uptime, j.window, j.sourceRecordsPerSecond]).toEqual(['RUNNING', 120, '1m', 100]);
    expect(j.vertices.map((x) => [x.name, x.depth])).toEqual([['Source', 0], ['Window', 1], ['Sink', 2]]);
    expect(j.vertices[1]?.recordsInPerSecond).toBe(42);
    expect(j.edges).toEqual(expect.arrayContaining([{ from: 'a', to: 'b' }, { from: 'b', to: 'c' }]));
    expect(j.bottleneck).toBe('b');
    expect(d.pushGroups).toEqual([{ labels: { job: 'tm1' }, lastPush: t / 1000 - 30, ttlLeft: 90 }]);
  });
});
