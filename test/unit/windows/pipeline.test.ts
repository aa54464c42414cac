import { describe, expect, it } from 'vitest';
import { nullLogger } from '../../../src/log/logger.js';
import { SelfMetrics } from '../../../src/self/metrics.js';
import { FLINK_REST_SOURCE, FlinkPoller } from '../../../src/sources/flink/poller.js';
import { MemorySeriesStore } from '../../../src/store/index.js';
import { DERIVED_SOURCE, WindowsStage } from '../../../src/windows/stage.js';
import { FixtureRest } from '../../support/flink-fixtures.js';

describe('poller → windows stage, wired the way the app wires them', () => {
  it('the poller writes only flink-rest; the stage derives after each poll commit, at the poll time', async () => {
    const store = new MemorySeriesStore({ retentionMs: 900_000 });
    const self = new SelfMetrics({ processMetrics: false });
    let wall = 1_700_000_000_000;
    const stage = new WindowsStage({ store, self, logger: nullLogger, windows: [{ name: '1m', ms: 60_000 }], minIntervalMs: 7_500, nowMs: () => wall });
    const commits: string[] = [];
    const poller = new FlinkPoller({
      rest: new FixtureRest('2.3.0'),
      store,
      self,
      logger: nullLogger,
      pollIntervalMs: 15_000,
      exceptionsIntervalMs: 60_000,
      metricNamesRefreshIntervalMs: 300_000,
      nowMs: () => wall,
      onCommit: (source, t) => {
        commits.push(`${source}@${t - 1_700_000_000_000}`);
        stage.committed(source, t);
      },
    });
    await poller.pollOnce();
    wall += 15_000;
    await poller.pollOnce();
    expect(commits).toEqual([`${FLINK_REST_SOURCE}@0`, `${FLINK_REST_SOURCE}@15000`]);
    const derived = [...store.family('flink_task_records_out_per_second')];
    expect(derived.length).toBeGreaterThan(0);
    for (const s of derived) {
      expect(s.source).toBe(DERIVED_SOURCE);
      expect(s.lastTimestamp).toBe(wall);
    }
    const bySource = await self.samplesIngested.get();
    expect(bySource.values.map((v) => v.labels.source).sort()).toEqual([DERIVED_SOURCE, FLINK_REST_SOURCE]);
  });
});
