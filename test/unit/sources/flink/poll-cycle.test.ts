import { describe, expect, it } from 'vitest';
import { FlinkHttpError, FlinkResponseError } from '../../../../src/errors.js';
import { mapPollOutcome } from '../../../../src/sources/flink/mapping.js';
import { NAMES_SETTLE_MS } from '../../../../src/sources/flink/metric-names.js';
import { runPollCycle } from '../../../../src/sources/flink/poll-cycle.js';
import { createPollState, type PollState } from '../../../../src/sources/flink/poll-state.js';
import type { SnapshotSample } from '../../../../src/store/types.js';
import { FIXTURE_VERSIONS, FixtureRest, fixture, type FixtureVersion } from '../../../support/flink-fixtures.js';

interface JobFixture {
  jid: string;
  now: number;
  vertices: { id: string; name: string; parallelism: number; metrics: Record<string, number | boolean> }[];
}
interface CheckpointsFixture {
  latest: { completed: { latest_ack_timestamp: number; end_to_end_duration: number } };
  counts: { completed: number; failed: number };
}

const newState = (): PollState => (createPollState({ metricNamesRefreshIntervalMs: 300_000 }));

function find(samples: SnapshotSample[], name: string, labels: Record<string, string> = {}): SnapshotSample[] {
  return samples.filter((s) => s.labels.metricName === name && Object.entries(labels).every(([k, v]) => s.labels.get(k) === v));
}
const one = (samples: SnapshotSample[], name: string, labels: Record<string, string> = {}): number | undefined => {
  const found = find(samples, name, labels);
  expect(found.length, `${name} ${JSON.stringify(labels)}`).toBeLessThanOrEqual(1);
  return found[0]?.value;
};

describe.each(FIXTURE_VERSIONS)('poll cycle on responses recorded from Flink %s', (version: FixtureVersion) => {
  const job = fixture<JobFixture>(version, 'job.json');
  const [source, window, sink] = job.vertices as [JobFixture['vertices'][number], JobFixture['vertices'][number], JobFixture['vertices'][number]];
  const cps = fixture<CheckpointsFixture>(version, 'job-checkpoints.json');
  // Poll time = when Flink answered /jobs/:jid during the recording, so ages and lags are those of the recording.
  const now = job.now;
  const cycle = (rest: FixtureRest, state = newState(), at = now) =>
    runPollCycle({ rest, state, nowMs: () => at, exceptionsIntervalMs: 60_000 });

  it('maps cluster, job, checkpoint, vertex and TaskManager families from the real answers', async () => {
    const outcome = await cycle(new FixtureRest(version));
    expect(outcome.failures).toEqual([]);
    const s = mapPollOutcome(outcome);
    expect(one(s, 'flink_up')).toBe(1);
    expect(find(s, 'flink_build_info')[0]?.labels.get('version')).toBe(version);
    expect(one(s, 'flink_cluster_taskmanagers')).toBe(1);
    const states = find(s, 'flink_job_state', { job_id: job.jid });
    expect(states).toHaveLength(11);
    expect(states.filter((x) => x.value === 1).map((x) => x.labels.get('state'))).toEqual(['RUNNING']);
    // job_name and task_name go through the reporter's filter
    expect(states[0]?.labels.get('job_name')).toBe('fpb-demo-job'.replace(/-/g, '_'));
    const src = { job_id: job.jid, task_id: source.id };
    expect(find(s, 'flink_task_records_out_total', src)[0]?.labels.get('task_name')).toBe(source.name.replace(/[^a-zA-Z0-9:_]/g, '_'));
    expect(one(s, 'flink_task_records_out_total', src)).toBe(source.metrics['write-records']);
    expect(one(s, 'flink_task_records_in_total', { task_id: sink.id })).toBe(sink.metrics['read-records']);
    expect(one(s, 'flink_task_busy_seconds_total', src)).toBeCloseTo(Number(source.metrics['accumulated-busy-time']) / 1000, 9);
    expect(one(s, 'flink_task_parallelism', src)).toBe(source.parallelism);
    // roles from the plan
    expect(find(s, 'flink_task_info', { source: 'true' }).map((x) => x.labels.get('task_id'))).toEqual([source.id]);
    expect(find(s, 'flink_task_info', { sink: 'true' }).map((x) => x.labels.get('task_id'))).toEqual([sink.id]);
    // edges from the plan: the demo job is source → window → sink
    const edges = find(s, 'flink_task_input_info', { job_id: job.jid }).map((x) => `${x.labels.get('input_task_id')}->${x.labels.get('task_id')}`);
    expect(edges.sort()).toEqual([`${source.id}->${window.id}`, `${window.id}->${sink.id}`].sort());
    // aggregated subtask metrics: ratios in [0,1], watermark lag from the window vertex's input watermark
    for (const v of [source, window, sink]) {
      const busy = one(s, 'flink_task_busy_max_ratio', { task_id: v.id });
      expect(busy).toBeGreaterThanOrEqual(0);
      expect(busy).toBeLessThanOrEqual(1);
    }
    expect(one(s, 'flink_task_watermark_lag_seconds', { task_id: window.id })).toBeGreaterThan(0);
    expect(one(s, 'flink_job_watermark_lag_seconds', { job_id: job.jid })).toBeGreaterThanOrEqual(one(s, 'flink_task_watermark_lag_seconds', { task_id: window.id }) ?? Infinity);
    // the datagen source is FLIP-27: sourceIdleTime and currentEmitEventTimeLag are discovered
    expect(one(s, 'flink_task_source_idle_seconds', src)).toBeGreaterThanOrEqual(0);
    // checkpoints
    expect(one(s, 'flink_job_checkpoints_total', { status: 'completed' })).toBe(cps.counts.completed);
    expect(one(s, 'flink_job_checkpoints_total', { status: 'failed' })).toBe(cps.counts.failed);
    expect(one(s, 'flink_job_checkpoint_age_seconds')).toBeCloseTo((now - cps.latest.completed.latest_ack_timestamp) / 1000, 9);
    expect(one(s, 'flink_job_checkpoint_age_seconds')).toBeLessThan(30);
    expect(one(s, 'flink_job_checkpoint_last_duration_seconds')).toBeCloseTo(cps.latest.completed.end_to_end_duration / 1000, 9);
    expect(one(s, 'flink_job_checkpoint_interval_seconds')).toBe(10);
    expect(one(s, 'flink_job_restarts_total')).toBe(0);
    expect(one(s, 'flink_job_exceptions_total')).toBe(0);
    // TaskManager: GC normalised by collector without the All pseudo-collector (present on both lines)
    const collectors = find(s, 'flink_taskmanager_gc_collections_total').map((x) => x.labels.get('collector')).sort();
    expect(collectors).toEqual(['G1_Old_Generation', 'G1_Young_Generation']);
    expect(find(s, 'flink_taskmanager_heap_used_bytes')[0]?.labels.get('host')).toBe('127_0_0_1');
    const hb = one(s, 'flink_taskmanager_heartbeat_age_seconds');
    expect(hb).toBeGreaterThanOrEqual(0);
    const usage = one(s, 'flink_taskmanager_network_pool_usage_ratio');
    expect(usage).toBeGreaterThanOrEqual(0);
    expect(usage).toBeLessThanOrEqual(1);
    expect(one(s, 'flink_jobmanager_heap_used_bytes')).toBeGreaterThan(0);
    // no NaN or sentinel leaks into the snapshot
    for (const x of s) expect(Number.isNaN(x.value) || Math.abs(x.value) > 9e18, x.labels.key).toBe(false);
  });

  it('makes exactly the planned number of requests once names are discovered, independent of parallelism', async () => {
    const rest = new FixtureRest(version);
    const state = newState();
    await cycle(rest, state);
    const firstCycle = rest.requestCount;
    // name lists are re-discovered while their scopes are young (NAMES_SETTLE_MS), then reused
    const settling = await cycle(rest, state, now + NAMES_SETTLE_MS);
    expect(settling.discoveryRequests).toBe(1 + 1 + 1 + job.vertices.length);
    rest.resetRequestCount();
    const second = await cycle(rest, state, now + NAMES_SETTLE_MS + 15_000);
    expect(second.discoveryRequests).toBe(0);
    // 4 + T + Σjobs (3 + V): overview, jobs/overview, taskmanagers, jobmanager metrics; TM metrics; job, job metrics, checkpoints; one per vertex
    expect(second.plannedRequests).toBe(4 + 1 + 3 + job.vertices.length);
    expect(rest.requestCount).toBe(second.plannedRequests);
    // discovery (JM, TM, job, each vertex), /config, checkpoint config and exceptions only in the first cycle
    expect(firstCycle).toBe(second.plannedRequests + 1 + 1 + 1 + job.vertices.length + 1 + 1 + 1);
    expect(rest.calls.filter((c) => c.includes('/subtasks/metrics?get=')).every((c) => c.includes('&agg=min,max,sum'))).toBe(true);
    expect(rest.calls.some((c) => /\/subtasks\/\d+\/metrics/.test(c))).toBe(false);
  });

  it('re-discovers names when a cached id vanished and the aggregated answer came back empty', async () => {
    const rest = new FixtureRest(version);
    const state = newState();
    await cycle(rest, state);
    await cycle(rest, state, now + NAMES_SETTLE_MS);
    rest.vanished.add('busyTimeMsPerSecond');
    let empties = 0;
    const outcome = await runPollCycle({ rest, state, nowMs: () => now + NAMES_SETTLE_MS + 15_000, exceptionsIntervalMs: 60_000, onAggregatedEmpty: () => empties++ });
    expect(empties).toBe(job.vertices.length);
    const s = mapPollOutcome(outcome);
    expect(find(s, 'flink_task_busy_max_ratio')).toEqual([]);
    expect(find(s, 'flink_task_idle_max_ratio')).toHaveLength(job.vertices.length);
  });

  it('isolates failing endpoints: a 500, HTML and a bad shape cost only their own series', async () => {
    const rest = new FixtureRest(version);
    rest.overrides.set('/jobs/:jid/checkpoints', () => {
      throw new FlinkHttpError('/jobs/:jid/checkpoints', 500, 'Internal server error.');
    });
    rest.overrides.set('/taskmanagers', () => {
      throw new FlinkResponseError('/taskmanagers', 'HTML instead of JSON: <html>');
    });
    rest.overrides.set('/jobs/:jid/metrics', () => [{ nonsense: true }]);
    const outcome = await cycle(rest);
    expect(outcome.failures.map((f) => `${f.endpoint} ${f.code}`).sort()).toEqual([
      '/jobs/:jid/checkpoints FPB_ERR_FLINK_HTTP',
      '/jobs/:jid/metrics FPB_ERR_FLINK_RESPONSE',
      '/taskmanagers FPB_ERR_FLINK_RESPONSE',
    ]);
    expect(outcome.failures.find((f) => f.endpoint === '/jobs/:jid/metrics')?.message).toMatch(/\[0\]\.id/);
    const s = mapPollOutcome(outcome);
    expect(find(s, 'flink_job_checkpoints_total')).toEqual([]);
    expect(find(s, 'flink_taskmanager_heap_used_bytes')).toEqual([]);
    expect(find(s, 'flink_job_restarts_total')).toEqual([]);
    expect(find(s, 'flink_task_records_out_total')).toHaveLength(job.vertices.length);
    expect(one(s, 'flink_up')).toBe(1);
  });

  it('drops vertex series but keeps the job state while the job is RESTARTING', async () => {
    const rest = new FixtureRest(version);
    rest.moment = 'restarting';
    const s = mapPollOutcome(await cycle(rest));
    expect(one(s, 'flink_job_state', { state: 'RESTARTING' })).toBe(1);
    expect(one(s, 'flink_job_state', { state: 'RUNNING' })).toBe(0);
    expect(s.filter((x) => x.labels.metricName.startsWith('flink_task_'))).toEqual([]);
    expect(one(s, 'flink_job_uptime_seconds')).toBe(0);
  });

  it('counts the restart and the exception after the TaskManager was replaced', async () => {
    const rest = new FixtureRest(version);
    const state = newState();
    await cycle(rest, state);
    rest.moment = 'after-restart';
    const s = mapPollOutcome(await cycle(rest, state, now + 120_000));
    expect(one(s, 'flink_job_restarts_total')).toBeGreaterThanOrEqual(1);
    expect(one(s, 'flink_job_exceptions_total')).toBeGreaterThanOrEqual(1);
    expect(one(s, 'flink_job_state', { state: 'RUNNING' })).toBe(1);
  });

  it('serves only flink_up 0 when the REST API cannot be reached', async () => {
    const rest = new FixtureRest(version);
    rest.down = true;
    const outcome = await cycle(rest);
    expect(outcome.reachable).toBe(false);
    expect(mapPollOutcome(outcome).map((x) => `${x.labels.metricName} ${x.value}`)).toEqual(['flink_up 0']);
  });
});

describe.each(FIXTURE_VERSIONS)('a job waiting for slots after a TaskManager loss (Flink %s)', (version: FixtureVersion) => {
  it('reports RUNNING with its tasks not running and no vertex IO counters from partial sums', async () => {
    const rest = new FixtureRest(version);
    const waiting = fixture<{ 'status-counts': Record<string, number>; vertices: { metrics: Record<string, unknown> }[] }>(version, 'job-waiting-for-slots.json');
    rest.overrides.set('/jobs/:jid', () => waiting);
    const s = mapPollOutcome(await runPollCycle({ rest, state: newState(), nowMs: () => Date.now(), exceptionsIntervalMs: 60_000 }));
    expect(one(s, 'flink_job_state', { state: 'RUNNING' })).toBe(1);
    expect(one(s, 'flink_job_tasks', { state: 'RUNNING' })).toBe(waiting['status-counts']['RUNNING']);
    expect(one(s, 'flink_job_tasks', { state: 'RUNNING' })).toBeLessThan(
      Object.values(waiting['status-counts']).reduce((a, b) => a + b, 0),
    );
    // the recorded answer flags its IO sums as incomplete; none of them may become a counter sample
    expect(waiting.vertices.some((v) => v.metrics['write-records-complete'] === false)).toBe(true);
    expect(find(s, 'flink_task_records_out_total')).toEqual([]);
  });
});
