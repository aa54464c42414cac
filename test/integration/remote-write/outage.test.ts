/**
 * Outage: the receiving Prometheus is stopped for 60 s while the sidecar's store keeps producing samples, then
 * started again on the same TSDB. The sender reaches it through a small HTTP forwarder on a fixed port (Prometheus
 * gets a new port on each start); during the outage the forwarder refuses connections. Afterwards the number of
 * samples in Prometheus equals the number produced, per series (nothing lost, nothing duplicated), and the retries
 * were counted. Issue 7 §3: 60 s, once per peer line.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/load.js';
import { nullLogger } from '../../../src/log/logger.js';
import { labelSet } from '../../../src/model/labels.js';
import { SelfMetrics } from '../../../src/self/metrics.js';
import { RemoteWriteQueue } from '../../../src/sinks/remote-write/queue.js';
import { MemorySeriesStore } from '../../../src/store/index.js';
import { startForwarder } from '../../support/forwarder.js';
import { MINIMAL_PROMETHEUS_CONFIG, prometheusPeers, reportUnavailablePeer, startPrometheus, type RunningPrometheus } from '../../support/prometheus.js';

const OUTAGE_MS = 60_000;
const tmp = mkdtempSync(join(tmpdir(), 'fpb-rw-outage-'));
const cleanup: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await c();
  rmSync(tmp, { recursive: true, force: true });
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

for (const lookup of prometheusPeers()) {
  describe(`outage of the receiving Prometheus ${lookup.line}`, () => {
    if (!lookup.ok) {
      reportUnavailablePeer(lookup);
      return;
    }
    const peer = lookup.peer;
    const message = peer.major >= 3 ? 'io.prometheus.write.v2.Request' : 'prometheus.WriteRequest';
    it(`stopped for ${OUTAGE_MS / 1000} s: every produced sample arrives exactly once (${message})`, { timeout: OUTAGE_MS + 120_000 }, async () => {
      const args = peer.major >= 3 ? ['--web.enable-remote-write-receiver', `--web.remote-write-receiver.accepted-protobuf-messages=${message}`] : ['--web.enable-remote-write-receiver'];
      const dataDir = join(tmp, `tsdb-${peer.line}`);
      const start = () => startPrometheus({ bin: peer.prometheus, configYaml: MINIMAL_PROMETHEUS_CONFIG, args, dataDir });
      let prom: RunningPrometheus | undefined = await start();
      cleanup.push(() => prom?.stop());
      const fwd = await startForwarder(() => prom?.url);
      cleanup.push(() => fwd.close());
      const url = fwd.url;
      const config = parseConfig(
        `remote_write:\n  - url: ${url}/api/v1/write\n    name: outage\n    protobuf_message: ${message}\n    queue_config: {batch_send_deadline: 100ms, max_backoff: 1s, max_samples_per_send: 500}\n`,
        'c.yml',
      );
      const store = new MemorySeriesStore({ retentionMs: 3_600_000 });
      const self = new SelfMetrics({ processMetrics: false });
      const queue = new RemoteWriteQueue({ config: config.remoteWrite[0]!, externalLabels: {}, storagePath: join(tmp, `log-${peer.line}`), store, logger: nullLogger, self });
      queue.start();
      cleanup.push(() => queue.stop());
      const SERIES = 10;
      let produced = 0;
      const t0 = Date.now() - 30 * 60_000;
      let i = 0;
      const produce = () => {
        const app = store.appender('src');
        for (let s = 0; s < SERIES; s++) app.append(labelSet('rw_outage_total', { s: String(s) }), t0 + i * 1000, i);
        app.commit();
        produced++;
        i++;
      };
      const producer = setInterval(produce, 100);
      await sleep(3000);
      const stopped: RunningPrometheus = prom;
      prom = undefined;
      await stopped.stop();
      await sleep(OUTAGE_MS);
      prom = await start();
      await sleep(3000);
      clearInterval(producer);
      const deadline = Date.now() + 60_000;
      let counts: number[] = [];
      while (Date.now() < deadline) {
        const data = await prom.query('count_over_time(rw_outage_total[1h])');
        counts = data.resultType === 'vector' ? data.result.map((r) => Number(r.value[1])) : [];
        if (counts.length === SERIES && counts.every((c) => c >= produced)) break;
        await sleep(500);
      }
      expect(counts).toEqual(Array.from({ length: SERIES }, () => produced));
      const m = (await self.registry.getMetricsAsJSON()).find((x) => x.name === 'flink_bridge_remote_storage_samples_total');
      const retried = m?.values.filter((v) => v.labels['outcome'] === 'retried').reduce((a, v) => a + v.value, 0) ?? 0;
      const sent = m?.values.filter((v) => v.labels['outcome'] === 'sent').reduce((a, v) => a + v.value, 0) ?? 0;
      expect(retried).toBeGreaterThan(0);
      expect(sent).toBe(produced * SERIES);
    });
  });
}
