import { describe, expect, it } from 'vitest';
import { FlinkHttpError } from '../../src/errors.js';
import { FixtureRest, fixture, fixturePoller } from '../support/flink-fixtures.js';

/**
 * Issue 5 §3 defect 4: a failing `/overview` turned the whole cycle into `flink_up 0` and marked every series
 * stale; a failing endpoint marked its own series stale for the cycle (emptying graphs, resetting alerts' `for`).
 */
const T0 = fixture<{ now: number }>('2.3.0', 'job.json').now;

describe('regression: one failing endpoint for one cycle', () => {
  it('a failing /overview keeps flink_up 1 and every series but its own gets a sample', async () => {
    const rest = new FixtureRest('2.3.0');
    const p = fixturePoller(rest, { pollIntervalMs: 15_000 });
    await p.pollAt(T0);
    const before = p.all().length;
    rest.overrides.set('/overview', () => {
      throw new FlinkHttpError('/overview', 503, 'Service Unavailable');
    });
    await p.pollAt(T0 + 15_000);
    expect(p.live('flink_up').map((s) => s.lastValue)).toEqual([1]);
    expect(p.all().filter((s) => s.isStale).map((s) => s.labels.key)).toEqual([]);
    expect(p.all()).toHaveLength(before);
    expect(p.live('flink_task_records_out_total').every((s) => s.lastTimestamp === T0 + 15_000)).toBe(true);
  });

  it('a failing /jobs/:jid/checkpoints leaves its series as they were, without a staleness marker', async () => {
    const rest = new FixtureRest('2.3.0');
    const p = fixturePoller(rest, { pollIntervalMs: 15_000 });
    await p.pollAt(T0);
    rest.overrides.set('/jobs/:jid/checkpoints', () => {
      throw new FlinkHttpError('/jobs/:jid/checkpoints', 500, 'Internal server error.');
    });
    await p.pollAt(T0 + 15_000);
    const checkpoints = p.live('flink_job_checkpoints_total');
    expect(checkpoints).toHaveLength(2);
    expect(checkpoints.map((s) => s.lastTimestamp)).toEqual([T0, T0]);
  });
});
