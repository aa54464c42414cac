import { afterEach, describe, expect, it, vi } from 'vitest';
import { App } from '../../../src/app.js';
import { defaultConfig } from '../../../src/config/load.js';
import { nullLogger } from '../../../src/log/logger.js';
import { labelSet } from '../../../src/model/labels.js';
import { DERIVED_SOURCE } from '../../../src/windows/stage.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('App.sourceCommitted', () => {
  it('runs the windows stage over counters of any source (here a push-like source, no poller running)', () => {
    vi.useFakeTimers({ now: 1_700_000_000_000 });
    const app = new App({
      config: defaultConfig(),
      listenAddress: { host: '127.0.0.1', port: 0 },
      enableLifecycle: false,
      storagePath: './data',
      logger: nullLogger,
    });
    const vertex = { job_id: 'j1', job_name: 'demo', task_id: 'v1', task_name: 'Source' };
    const push = (t: number, records: number) => {
      app.store.appendSnapshot('push', t, [
        { labels: labelSet('flink_task_info', { ...vertex, source: 'true', sink: 'false' }), value: 1 },
        { labels: labelSet('flink_task_parallelism', vertex), value: 1 },
        { labels: labelSet('flink_task_records_out_total', vertex), value: records },
      ]);
      app.sourceCommitted('push', t);
    };
    const t0 = Date.now();
    push(t0, 1000);
    vi.advanceTimersByTime(15_000);
    push(t0 + 15_000, 4000);
    const rate = app.store.get(labelSet('flink_task_records_out_per_second', { ...vertex, window: '1m' }));
    expect(rate?.source).toBe(DERIVED_SOURCE);
    expect(rate?.lastTimestamp).toBe(t0 + 15_000);
    expect(rate?.lastValue).toBe(200); // 3000 records over the 15 s the samples cover
  });
});
