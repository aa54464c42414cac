import { describe, expect, it } from 'vitest';
import { MetricNameCache, NAMES_SETTLE_MS } from '../../../../src/sources/flink/metric-names.js';
import { FixtureRest, fixture, fixturePoller } from '../../../support/flink-fixtures.js';

const REFRESH = 300_000;

describe('MetricNameCache: a list is reused only once settled', () => {
  it('re-discovers while the scope is young, then reuses a complete list until the refresh interval', () => {
    const c = new MetricNameCache(REFRESH);
    c.markLive('s', 0);
    c.set('s', ['a', 'b'], 0, ['a']);
    expect(c.get('s', 1)).toBeUndefined(); // young
    c.set('s', ['a', 'b'], NAMES_SETTLE_MS, ['a']);
    expect([...(c.get('s', NAMES_SETTLE_MS + 1) ?? [])]).toEqual(['a', 'b']);
    expect(c.get('s', NAMES_SETTLE_MS + REFRESH)).toBeUndefined();
  });

  it('keeps re-discovering a list that lacks an expected id, but not longer than the refresh interval', () => {
    const c = new MetricNameCache(REFRESH);
    c.markLive('s', 0);
    c.set('s', ['a'], NAMES_SETTLE_MS, ['a', 'w']);
    expect(c.get('s', NAMES_SETTLE_MS + 1)).toBeUndefined();
    c.set('s', ['a'], REFRESH, ['a', 'w']);
    expect(c.get('s', REFRESH + 1)).toBeDefined();
  });

  it('does not cache an empty list, and a scope that went down is young again', () => {
    const c = new MetricNameCache(REFRESH);
    c.markLive('s', 0);
    c.set('s', [], NAMES_SETTLE_MS);
    expect(c.get('s', NAMES_SETTLE_MS)).toBeUndefined();
    c.set('s', ['a'], NAMES_SETTLE_MS);
    expect(c.get('s', NAMES_SETTLE_MS)).toBeDefined();
    c.markDown('s');
    c.markLive('s', 2 * NAMES_SETTLE_MS);
    c.set('s', ['a'], 2 * NAMES_SETTLE_MS);
    expect(c.get('s', 2 * NAMES_SETTLE_MS + 1)).toBeUndefined();
  });
});

describe('name discovery in the poll cycle (Flink 2.3.0 recordings)', () => {
  const job = fixture<{ now: number; vertices: { id: string }[] }>('2.3.0', 'job.json');
  const windowVertex = job.vertices[1]!.id;
  const listingsOf = (rest: FixtureRest, vid: string): number => rest.calls.filter((c) => c.endsWith(`/vertices/${vid}/subtasks/metrics`)).length;

  it('a watermark that appears after the young period is served within two cycles', async () => {
    const rest = new FixtureRest('2.3.0');
    rest.lateIds = new Set(['currentInputWatermark']);
    rest.lateForListings = 6; // listings at 0, 15, …, 75 s lack it; Flink has it from the 7th
    const p = fixturePoller(rest);
    for (let t = 0; t <= 75_000; t += 15_000) await p.pollAt(job.now + t);
    expect(p.live('flink_task_watermark_lag_seconds')).toEqual([]);
    await p.pollAt(job.now + 90_000);
    expect(p.live('flink_task_watermark_lag_seconds')).toHaveLength(2);
  });

  it('bounds the chase: an expected id Flink never serves costs one listing per cycle for at most the refresh interval', async () => {
    const rest = new FixtureRest('2.3.0');
    rest.lateIds = new Set(['currentInputWatermark']);
    rest.lateForListings = Number.MAX_SAFE_INTEGER;
    const p = fixturePoller(rest);
    let discovery = 0;
    for (let t = 0; t <= 2 * REFRESH - 15_000; t += 15_000) {
      const outcome = await p.pollAt(job.now + t);
      discovery += outcome.discoveryRequests;
      if (t === REFRESH) expect(listingsOf(rest, windowVertex)).toBe(REFRESH / 15_000 + 1);
    }
    // after it settled at 5 m, the vertex is listed again only at the next refresh
    expect(listingsOf(rest, windowVertex)).toBe(REFRESH / 15_000 + 1);
    // six scopes (JobManager, TaskManager, job, three vertices) are listed every cycle while young; then only the
    // window and sink vertices (which have inputs, so expect a watermark) until 5 m; the four others are refreshed
    // once, 5 m after they settled
    const young = NAMES_SETTLE_MS / 15_000 + 1;
    const chasing = REFRESH / 15_000 + 1 - young;
    expect(discovery).toBe(6 * young + 2 * chasing + 4);
  });
});
