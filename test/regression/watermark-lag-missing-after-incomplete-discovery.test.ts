import { describe, expect, it } from 'vitest';
import { FIXTURE_VERSIONS, FixtureRest, fixture, fixturePoller } from '../support/flink-fixtures.js';

/**
 * Issue 5 §3 defect 2: a vertex's metric-name list discovered while the job starts can be non-empty but lack
 * `currentInputWatermark`; it was then cached for metric_names_refresh_interval (5 m), so the watermark lag
 * appeared only minutes after Flink served it. The fixture forces the race: the first listing of every vertex lacks
 * the watermark and the source's FLIP-33 gauges, the second has them. Each must appear within two poll cycles.
 */
describe.each(FIXTURE_VERSIONS)('regression: names discovered while the job starts (Flink %s)', (version) => {
  it('serves the watermark lag and the source gauges within two cycles of Flink having them', async () => {
    const job = fixture<{ jid: string; now: number }>(version, 'job.json');
    const rest = new FixtureRest(version);
    rest.lateIds = new Set(['currentInputWatermark', 'Source__Datagen_Source.sourceIdleTime', 'Source__Datagen_Source.currentEmitEventTimeLag']);
    const p = fixturePoller(rest, { pollIntervalMs: 15_000 });
    await p.pollAt(job.now);
    expect(p.live('flink_task_watermark_lag_seconds')).toEqual([]);
    expect(p.live('flink_task_busy_max_ratio')).toHaveLength(3); // the list was non-empty, only incomplete
    // Flink has the ids from now on (the next listing shows them); two cycles later at the latest they are served.
    await p.pollAt(job.now + 15_000);
    await p.pollAt(job.now + 30_000);
    expect(p.live('flink_task_watermark_lag_seconds')).toHaveLength(2);
    expect(p.live('flink_job_watermark_lag_seconds')).toHaveLength(1);
    expect(p.live('flink_task_source_idle_seconds')).toHaveLength(1);
    expect(p.live('flink_task_source_emit_event_time_lag_seconds')).toHaveLength(1);
  });
});
