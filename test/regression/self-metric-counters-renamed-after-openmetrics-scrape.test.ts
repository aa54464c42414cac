import { afterEach, describe, expect, it } from 'vitest';
import { createHttpApp } from '../../src/http/routes.js';
import { startServer, type RunningServer } from '../../src/http/server.js';
import { nullLogger } from '../../src/log/logger.js';
import { SelfMetrics } from '../../src/self/metrics.js';
import { SelfSource } from '../../src/self/self-source.js';
import { MemorySeriesStore } from '../../src/store/index.js';

/**
 * Defect: the self-metric counters were registered in two prom-client registries (text and OpenMetrics), and
 * prom-client's OpenMetrics rendering renames the shared metric object, so after the first OpenMetrics scrape
 * (what Prometheus 3.x asks for) every text 0.0.4 answer served `flink_bridge_poll_cycles{…}` instead of
 * `flink_bridge_poll_cycles_total{…}`: a silent rename of the counters. Fixed by copying the self-metrics into the
 * store (the `self` source) and rendering both formats with the one exposition writer.
 */
let server: RunningServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('self-metric counters after an OpenMetrics scrape', () => {
  it('keep their …_total name in text 0.0.4', async () => {
    const store = new MemorySeriesStore({ retentionMs: 600_000 });
    const self = new SelfMetrics({ processMetrics: false });
    self.pollCycles.inc({ result: 'success' });
    const selfSource = new SelfSource(self, store);
    const app = createHttpApp({
      store,
      logger: nullLogger,
      ready: () => true,
      beforeRender: async () => {
        await selfSource.collect(Date.now());
      },
      restUrl: () => 'http://flink:8081',
    });
    server = await startServer(app, '127.0.0.1', 0);
    const url = `http://127.0.0.1:${server.address.port}`;
    const om = await (await fetch(`${url}/metrics`, { headers: { accept: 'application/openmetrics-text;version=1.0.0' } })).text();
    expect(om).toContain('flink_bridge_poll_cycles_total{result="success"} 1.0');
    await new Promise((r) => setTimeout(r, 2)); // the next self snapshot needs a newer millisecond
    const text = await (await fetch(`${url}/metrics`)).text();
    expect(text).toContain('# TYPE flink_bridge_poll_cycles_total counter');
    expect(text).toContain('flink_bridge_poll_cycles_total{result="success"} 1\n');
    expect(text).not.toMatch(/^flink_bridge_poll_cycles[{ ]/m);
  });
});
