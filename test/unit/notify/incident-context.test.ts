import { describe, expect, it } from 'vitest';
import { FlinkHttpError } from '../../../src/errors.js';
import { IncidentContextCollector, MAX_TEXT, summarizeIncidentContext } from '../../../src/notify/incident-context.js';
import { FixtureRest, fixture, fixturePoller } from '../../support/flink-fixtures.js';

/**
 * Recorded Flink 2.3.0 and 1.20.5 responses (test/fixtures/flink-*: a TaskManager killed under the demo job, see
 * their NOTES.md); the poller writes the store from them, the collector reads REST and the store.
 */

async function setup(version: '2.3.0' | '1.20.5') {
  const rest = new FixtureRest(version);
  const p = fixturePoller(rest);
  const t0 = fixture<{ now?: number }>(version, 'job.json').now ?? 1_795_461_600_000;
  await p.pollAt(t0);
  rest.moment = 'after-restart';
  await p.pollAt(t0 + 15_000);
  const collector = new IncidentContextCollector({ rest, store: p.store, lookbackMs: 300_000 });
  const JOB = fixture<{ jid: string }>(version, 'job.json').jid;
  return { rest, p, t: t0 + 15_000, collector, JOB };
}

describe('incident context', () => {
  it.each(['2.3.0', '1.20.5'] as const)('Flink %s: root exception, restarts in the last hour, vertices ranked', async (version) => {
    const { collector, p, t, JOB } = await setup(version);
    const c = await collector.collect({ alertname: 'FlinkJobRestarting', job_id: JOB, job_name: 'fpb-demo-job' }, t);
    if (c === undefined) throw new Error('context expected');
    expect(c.errors).toEqual([]);
    expect(c.jobName).toBe('fpb-demo-job');
    const ex = fixture<{ exceptionHistory: { entries: { exceptionName: string; stacktrace: string; taskName: string; endpoint: string; timestamp: string }[] } }>(version, 'job-exceptions-after-restart.json').exceptionHistory.entries[0]!;
    expect(c.rootExceptions).toHaveLength(1);
    expect(c.rootExceptions[0]).toEqual({
      timestampMs: Number(ex.timestamp),
      exceptionName: 'org.apache.flink.runtime.resourcemanager.exceptions.ResourceManagerException',
      message: ex.stacktrace.split('\n')[0],
      taskName: ex.taskName,
      location: ex.endpoint,
    });
    const restarts = [...p.store.family('flink_job_restarts_total')].map((s) => [s.valueAt(0), s.lastValue]);
    expect(restarts).toHaveLength(1);
    expect(c.restartsLastHour).toBe(restarts[0]![1]! - restarts[0]![0]!);
    expect(c.restartsLastHour).toBeGreaterThan(0);
    // task_name as the poller labels it (Flink's reporter sanitizing), one entry per vertex of the job
    const names = new Set([...p.store.family('flink_task_busy_max_ratio')].map((s) => s.labels.get('task_name')));
    expect(names.size).toBe(fixture<{ vertices: unknown[] }>(version, 'job.json').vertices.length);
    expect(c.vertices).toHaveLength(names.size);
    for (const v of c.vertices) expect(names.has(v.taskName)).toBe(true);
    const key = (v: { backpressuredRatio: number | undefined; busyRatio: number | undefined }) => [v.backpressuredRatio ?? -1, v.busyRatio ?? -1];
    for (let i = 1; i < c.vertices.length; i++) {
      const [a, b] = [key(c.vertices[i - 1]!), key(c.vertices[i]!)];
      expect(a[0]! > b[0]! || (a[0] === b[0] && a[1]! >= b[1]!)).toBe(true);
    }
    const summary = summarizeIncidentContext(c);
    expect(summary).toContain(`${c.restartsLastHour} restart`);
    expect(summary).toContain(`Last exception ${new Date(Number(ex.timestamp)).toISOString().replace(/\.\d{3}Z$/, 'Z')}: ${ex.stacktrace.split('\n')[0]} (${ex.taskName} on ${ex.endpoint}).`);
    expect(summary).toContain(`Likely bottleneck: ${c.vertices[0]!.taskName}`);
  });

  it('the last failed checkpoint and its reason (Flink FailedCheckpointStatistics: failure_timestamp, failure_message)', async () => {
    const { collector, rest, t, JOB } = await setup('2.3.0');
    const body = fixture<{ latest: Record<string, unknown> }>('2.3.0', 'job-checkpoints.json');
    body.latest['failed'] = { className: 'failed', id: 12, status: 'FAILED', trigger_timestamp: t - 70_000, failure_timestamp: t - 10_000, failure_message: `Checkpoint expired before completing. ${'x'.repeat(400)}` };
    rest.overrides.set('/jobs/:jid/checkpoints', () => body);
    const c = await collector.collect({ job_id: JOB }, t);
    expect(c?.lastFailedCheckpoint?.id).toBe(12);
    expect(c?.lastFailedCheckpoint?.failureTimestampMs).toBe(t - 10_000);
    expect(c?.lastFailedCheckpoint?.reason.startsWith('Checkpoint expired before completing.')).toBe(true);
    expect(c?.lastFailedCheckpoint?.reason).toHaveLength(MAX_TEXT);
    expect(summarizeIncidentContext(c!)).toContain('Last failed checkpoint #12 at ');
  });

  it('no job_id, or not a job id: no context', async () => {
    const { collector, t } = await setup('2.3.0');
    expect(await collector.collect({ alertname: 'FlinkRestUnreachable' }, t)).toBeUndefined();
    expect(await collector.collect({ job_id: '../../overview' }, t)).toBeUndefined();
  });

  it('an endpoint that fails is listed in errors; the rest is still captured', async () => {
    const { collector, rest, t, JOB } = await setup('2.3.0');
    rest.overrides.set('/jobs/:jid/exceptions', () => {
      throw new FlinkHttpError('/jobs/:jid/exceptions', 404, 'Not Found');
    });
    const c = await collector.collect({ job_id: JOB }, t);
    expect(c?.rootExceptions).toEqual([]);
    expect(c?.errors).toHaveLength(1);
    expect(c?.errors[0]).toMatch(/^exceptions: /);
    expect(c?.restartsLastHour).toBeGreaterThan(0);
    expect(summarizeIncidentContext(c!)).toMatch(/Not available: exceptions: .*404/);
  });
});
