import { describe, expect, it } from 'vitest';
import { FlinkHttpError, FlinkTimeoutError } from '../../../../src/errors.js';
import { ENDPOINT_OF_FAMILY } from '../../../../src/sources/flink/series-endpoints.js';
import { FixtureRest, fixture, fixturePoller } from '../../../support/flink-fixtures.js';

/**
 * Issue 5 §3 defect 4, through the real poller and store on the recorded Flink 2.3.0 answers: a failing endpoint
 * keeps its own series as they were (no sample, no staleness marker) for up to stale_after, then they go stale;
 * every other series gets its sample; flink_up is 0 only when nothing answered.
 */
const job = fixture<{ jid: string; now: number }>('2.3.0', 'job.json');
const T0 = job.now;
const POLL = 15_000;
const STALE_AFTER = 3 * POLL;

/** Families whose series an endpoint's failure must keep (its own, and those of endpoints only asked after it). */
const KEPT: Record<string, string[]> = {
  '/overview': ['flink_cluster_slots', 'flink_cluster_taskmanagers'],
  '/jobmanager/metrics': ['flink_jobmanager_cpu_load_ratio', 'flink_jobmanager_gc_collections_total', 'flink_jobmanager_gc_time_seconds_total', 'flink_jobmanager_heap_max_bytes', 'flink_jobmanager_heap_used_bytes'],
  '/taskmanagers/:tmid/metrics': [
    'flink_taskmanager_cpu_load_ratio',
    'flink_taskmanager_gc_collections_total',
    'flink_taskmanager_gc_time_seconds_total',
    'flink_taskmanager_heap_max_bytes',
    'flink_taskmanager_heap_used_bytes',
    'flink_taskmanager_network_memory_total_bytes',
    'flink_taskmanager_network_memory_used_bytes',
    'flink_taskmanager_network_pool_usage_ratio',
  ],
  '/jobs/:jid/metrics': ['flink_job_restarts_total'],
  '/jobs/:jid/checkpoints': [
    'flink_job_checkpoint_age_seconds',
    'flink_job_checkpoint_last_duration_seconds',
    'flink_job_checkpoint_last_size_bytes',
    'flink_job_checkpoints_in_progress',
    'flink_job_checkpoints_total',
  ],
};
const familiesOf = (kinds: string[]): string[] => [...ENDPOINT_OF_FAMILY].filter(([, k]) => kinds.includes(k)).map(([f]) => f);
KEPT['/taskmanagers'] = [...familiesOf(['taskmanagers']), ...KEPT['/taskmanagers/:tmid/metrics']!];
KEPT['/jobs/:jid/vertices/:vid/subtasks/metrics'] = familiesOf(['vertex-metrics', 'job-vertex-metrics']);
KEPT['/jobs/:jid'] = familiesOf(['job', 'vertex-metrics', 'job-vertex-metrics']);
KEPT['/jobs/overview'] = familiesOf(['jobs-overview', 'job', 'job-metrics', 'job-checkpoints', 'job-checkpoint-config', 'job-exceptions', 'vertex-metrics', 'job-vertex-metrics']);

function failing(endpoint: string): () => never {
  return () => {
    throw new FlinkHttpError(endpoint, 500, 'Internal server error.');
  };
}

describe('one failing endpoint costs only its own series, and not even those before stale_after', () => {
  it.each(Object.keys(KEPT))('%s fails for 4 cycles, then answers again', async (endpoint) => {
    const rest = new FixtureRest('2.3.0');
    const p = fixturePoller(rest, { pollIntervalMs: POLL, staleAfterMs: STALE_AFTER });
    await p.pollAt(T0);
    const before = new Map(p.all().map((s) => [s.labels.key, s.labels.metricName]));
    // the recorded job has no Kafka source: those two families cannot be checked here
    const kept = new Set(KEPT[endpoint]?.filter((f) => !['flink_task_source_pending_records', 'flink_task_source_records_lag_max'].includes(f)));
    expect([...kept].filter((f) => ![...before.values()].includes(f)), 'families missing from the fixture').toEqual([]);

    rest.overrides.set(endpoint, failing(endpoint));
    for (const t of [T0 + POLL, T0 + 2 * POLL]) {
      const outcome = await p.pollAt(t);
      expect(outcome.reachable).toBe(true);
      expect(outcome.failures.map((f) => f.endpoint)).toContain(endpoint);
      expect(p.live('flink_up').map((s) => s.lastValue)).toEqual([1]);
      for (const s of p.all()) {
        if (!before.has(s.labels.key)) continue;
        const what = `${s.labels.key} at +${(t - T0) / 1000}s`;
        expect(s.isStale, what).toBe(false);
        // kept series are untouched (their last sample is the first cycle's); all others got this cycle's sample
        expect(s.lastTimestamp, what).toBe(kept.has(s.labels.metricName) ? T0 : t);
      }
    }
    // stale_after has passed since the endpoint last answered: its series end, the others stay
    await p.pollAt(T0 + STALE_AFTER);
    for (const s of p.all()) {
      if (!before.has(s.labels.key)) continue;
      expect(s.isStale, s.labels.key).toBe(kept.has(s.labels.metricName));
    }
    rest.overrides.delete(endpoint);
    await p.pollAt(T0 + STALE_AFTER + POLL);
    expect(p.all().filter((s) => before.has(s.labels.key) && s.isStale).map((s) => s.labels.key)).toEqual([]);
  });

  it('an outage of the whole JobManager serves flink_up 0, keeps every series until stale_after, and recovers', async () => {
    const rest = new FixtureRest('2.3.0');
    const p = fixturePoller(rest, { pollIntervalMs: POLL, staleAfterMs: STALE_AFTER });
    await p.pollAt(T0);
    const before = p.all().filter((s) => s.labels.metricName !== 'flink_up');
    expect(before.length).toBeGreaterThan(50);
    rest.down = true;
    for (const t of [T0 + POLL, T0 + 2 * POLL]) {
      const outcome = await p.pollAt(t);
      expect(outcome.reachable).toBe(false);
      expect(p.live('flink_up').map((s) => s.lastValue)).toEqual([0]);
      expect(before.filter((s) => s.isStale || s.lastTimestamp !== T0)).toEqual([]);
    }
    await p.pollAt(T0 + STALE_AFTER);
    expect(before.filter((s) => !s.isStale)).toEqual([]);
    rest.down = false;
    rest.calls.length = 0;
    await p.pollAt(T0 + STALE_AFTER + POLL);
    expect(p.live('flink_up').map((s) => s.lastValue)).toEqual([1]);
    expect(before.filter((s) => s.isStale).map((s) => s.labels.key)).toEqual([]);
    expect(rest.calls).toContain('/config');
  });

  it('a timeout of /jobs/:jid keeps the vertex series, but the job leaving RUNNING ends them at once', async () => {
    const rest = new FixtureRest('2.3.0');
    const p = fixturePoller(rest, { pollIntervalMs: POLL, staleAfterMs: STALE_AFTER });
    await p.pollAt(T0);
    rest.overrides.set('/jobs/:jid', () => {
      throw new FlinkTimeoutError('/jobs/:jid', 10_000);
    });
    await p.pollAt(T0 + POLL);
    expect(p.live('flink_task_records_out_total')).toHaveLength(3);
    expect(p.live('flink_task_watermark_lag_seconds')).toHaveLength(2);
    // /jobs/overview now says RESTARTING while /jobs/:jid still times out
    rest.moment = 'restarting';
    await p.pollAt(T0 + 2 * POLL);
    expect(p.all().filter((s) => s.labels.metricName.startsWith('flink_task_') && !s.isStale)).toEqual([]);
    expect(p.live('flink_job_watermark_lag_seconds')).toEqual([]);
    expect(p.live('flink_job_state').find((s) => s.lastValue === 1)?.labels.get('state')).toBe('RESTARTING');
  });

  it('a TaskManager Flink no longer lists goes stale at once; one whose metrics fail is kept', async () => {
    const rest = new FixtureRest('2.3.0');
    const p = fixturePoller(rest, { pollIntervalMs: POLL, staleAfterMs: STALE_AFTER });
    await p.pollAt(T0);
    expect(p.live('flink_taskmanager_heap_used_bytes')).toHaveLength(1);
    rest.overrides.set('/taskmanagers', () => fixture('2.3.0', 'taskmanagers-no-taskmanager.json'));
    await p.pollAt(T0 + POLL);
    expect(p.all().filter((s) => s.labels.metricName.startsWith('flink_taskmanager_') && !s.isStale)).toEqual([]);
  });

  it('a job Flink no longer lists goes stale at once, its job state series too', async () => {
    const rest = new FixtureRest('2.3.0');
    const p = fixturePoller(rest, { pollIntervalMs: POLL, staleAfterMs: STALE_AFTER });
    await p.pollAt(T0);
    rest.overrides.set('/jobs/overview', () => ({ jobs: [] }));
    rest.overrides.set('/jobs/:jid/checkpoints', failing('/jobs/:jid/checkpoints'));
    await p.pollAt(T0 + POLL);
    expect(p.all().filter((s) => s.labels.get('job_id') === job.jid && !s.isStale).map((s) => s.labels.key)).toEqual([]);
  });
});
