import { describe, expect, it } from 'vitest';
import { carryPollState, createPollState } from '../../../../src/sources/flink/poll-state.js';

describe('carryPollState (config reload)', () => {
  const prepared = () => {
    const s = createPollState({ metricNamesRefreshIntervalMs: 300_000 });
    s.names.markLive('jm', 0);
    s.names.set('jm', ['a'], 60_000); // settled: live for 60 s
    s.checkpointIntervals.set('j1', 10_000);
    s.exceptions.observe('j1', { exceptionHistory: { entries: [{ timestamp: 5 }] } }, 0);
    s.health.record(['overview'], 0);
    s.config = { 'flink-version': '2.3.0' };
    return s;
  };

  it('keeps everything for the same REST URL and applies the new refresh interval', () => {
    const prev = prepared();
    const next = carryPollState(prev, { metricNamesRefreshIntervalMs: 10_000, restUrlChanged: false });
    expect(next).toBe(prev);
    expect(next.names.get('jm', 69_999)).toBeDefined();
    expect(next.names.get('jm', 70_000)).toBeUndefined();
  });

  it('for another REST URL drops name lists and the probed version, keeps counts, checkpoint configs and health', () => {
    const next = carryPollState(prepared(), { metricNamesRefreshIntervalMs: 300_000, restUrlChanged: true });
    expect(next.names.scopes()).toEqual([]);
    expect(next.config).toBeUndefined();
    expect(next.exceptions.count('j1')).toBe(1);
    expect(next.checkpointIntervals.get('j1')).toBe(10_000);
    expect(next.health.lastSuccessMs('overview')).toBe(0);
  });
});
