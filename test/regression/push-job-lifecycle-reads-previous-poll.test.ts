import { describe, expect, it } from 'vitest';
import { nullLogger } from '../../src/log/logger.js';
import { SelfMetrics } from '../../src/self/metrics.js';
import { FlinkPoller } from '../../src/sources/flink/poller.js';
import { MemorySeriesStore } from '../../src/store/index.js';
import { FixtureRest } from '../support/flink-fixtures.js';

// The job-lifecycle rule of the push receiver runs from the poller's onCommit and reads poller.latest. The poller
// set latest only after onCommit returned, so the rule saw the cycle before: a cancelled job's push groups lived
// one poll interval longer than promised ("gone within one poll").
describe('regression: onCommit sees the outcome of the cycle that just committed', () => {
  it('poller.latest inside onCommit is this cycle', async () => {
    const store = new MemorySeriesStore({ retentionMs: 900_000 });
    let wall = 1_700_000_000_000;
    const seen: (number | undefined)[] = [];
    const poller: FlinkPoller = new FlinkPoller({
      rest: new FixtureRest('2.3.0'),
      store,
      self: new SelfMetrics({ processMetrics: false }),
      logger: nullLogger,
      pollIntervalMs: 15_000,
      exceptionsIntervalMs: 60_000,
      metricNamesRefreshIntervalMs: 300_000,
      nowMs: () => wall,
      onCommit: () => seen.push(poller.latest?.startedAtMs),
    });
    await poller.pollOnce();
    wall += 15_000;
    await poller.pollOnce();
    expect(seen).toEqual([1_700_000_000_000, 1_700_000_015_000]);
  });
});
