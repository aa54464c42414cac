import { describe, expect, it } from 'vitest';
import { FlinkHttpError } from '../../../../src/errors.js';
import { mapPollOutcome } from '../../../../src/sources/flink/mapping.js';
import { NAMES_SETTLE_MS } from '../../../../src/sources/flink/metric-names.js';
import { runPollCycle } from '../../../../src/sources/flink/poll-cycle.js';
import { createPollState } from '../../../../src/sources/flink/poll-state.js';
import { FIXTURE_VERSIONS, FixtureRest, fixture, type SyntheticAggregate } from '../../../support/flink-fixtures.js';

/**
 * The request count of a steady cycle, measured at the HTTP boundary of the fixture server, against the poll plan's
 * `plannedRequests` (issue 5 §4): equal, and independent of parallelism.
 */
describe.each(FIXTURE_VERSIONS)('requests per poll cycle (Flink %s recordings)', (version) => {
  const job = fixture<{ now: number; vertices: { id: string }[] }>(version, 'job.json');

  /** Polls until the name lists settled, then measures one steady cycle. */
  async function steadyCycle(rest: FixtureRest) {
    const state = createPollState({ metricNamesRefreshIntervalMs: 300_000 });
    const cycle = (t: number) => runPollCycle({ rest, state, nowMs: () => job.now + t, exceptionsIntervalMs: 3_600_000 });
    await cycle(0);
    await cycle(NAMES_SETTLE_MS);
    rest.resetRequestCount();
    rest.calls.length = 0;
    const outcome = await cycle(NAMES_SETTLE_MS + 15_000);
    return { outcome, measured: rest.requestCount };
  }

  /** A synthetic job: the recorded one at `parallelism`, its source with per-subtask split gauges (a longer name list per subtask). */
  function syntheticJob(parallelism: number): FixtureRest {
    const rest = new FixtureRest(version);
    rest.parallelism = parallelism;
    const splits: SyntheticAggregate[] = [];
    for (let i = 0; i < parallelism; i++) splits.push({ id: `Source__Datagen_Source.split.${i}.watermark.currentWatermark`, min: 1, max: 1, sum: parallelism });
    rest.extraVertexMetrics.set(0, splits);
    return rest;
  }

  it.each([1, 2, 8])('at parallelism %i the measured count equals the plan, the same at every parallelism', async (parallelism) => {
    const { outcome, measured } = await steadyCycle(syntheticJob(parallelism));
    expect(outcome.failures).toEqual([]);
    expect(outcome.discoveryRequests).toBe(0);
    expect(measured).toBe(outcome.plannedRequests);
    // one TaskManager, one job of three vertices: 4 + 1 + (3 + 3)
    expect(measured).toBe(11);
    expect(outcome.jobs[0]?.detail?.vertices.map((v) => v.parallelism)).toEqual([parallelism, parallelism, parallelism]);
  });

  it('splits a long get= list under the 4096-byte request line, counts the extra request in the plan, reads every chunk', async () => {
    const rest = new FixtureRest(version);
    // 60 chained source operators whose (80-character) names make the wanted ids ~6 KB
    const operators: SyntheticAggregate[] = Array.from({ length: 60 }, (_, i) => ({
      id: `Source__Kafka_Source_${String(i).padStart(2, '0')}_${'x'.repeat(56)}.pendingRecords`,
      min: i,
      max: i,
      sum: 2 * i,
    }));
    rest.extraVertexMetrics.set(0, operators);
    // the fixture server rejects what Flink rejects: all ids in one request
    const all = operators.map((o) => encodeURIComponent(o.id)).join(',');
    await expect(rest.getJson(`/jobs/x/vertices/${job.vertices[0]!.id}/subtasks/metrics?get=${all}&agg=min,max,sum`, 'e')).rejects.toSatisfy(
      (e) => e instanceof FlinkHttpError && e.status === 404 && e.message.includes('/bad-request'),
    );
    const { outcome, measured } = await steadyCycle(rest);
    expect(outcome.failures).toEqual([]);
    const sourceGets = rest.calls.filter((c) => c.includes(`/vertices/${job.vertices[0]!.id}/subtasks/metrics?get=`));
    expect(sourceGets.length).toBeGreaterThanOrEqual(2);
    for (const c of rest.calls) expect(`GET ${c} HTTP/1.1`.length).toBeLessThanOrEqual(4096);
    expect(measured).toBe(outcome.plannedRequests);
    expect(measured).toBe(11 + sourceGets.length - 1);
    const pending = mapPollOutcome(outcome).find((s) => s.labels.metricName === 'flink_task_source_pending_records');
    expect(pending?.value).toBe(operators.reduce((n, o) => n + o.sum, 0));
  });
});
