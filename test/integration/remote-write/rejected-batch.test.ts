/**
 * A batch the receiver refuses for good (issue 7 §3, "a 400 from the receiver drops only that batch, with the reason
 * counted"): a real Prometheus answers 400 to samples a year older than its head (out of bounds). The sender drops
 * that batch without retrying, counts it as `outcome="failed", reason="400"`, and the batches before and after it
 * arrive whole.
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
import { MINIMAL_PROMETHEUS_CONFIG, prometheusPeers, reportUnavailablePeer, startPrometheus, type RunningPrometheus } from '../../support/prometheus.js';

const SERIES = 8;
const tmp = mkdtempSync(join(tmpdir(), 'fpb-rw-400-'));
const cleanup: (() => Promise<unknown> | void)[] = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await c();
  rmSync(tmp, { recursive: true, force: true });
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

for (const lookup of prometheusPeers()) {
  describe(`Prometheus ${lookup.line} refuses a batch with 400`, () => {
    if (!lookup.ok) {
      reportUnavailablePeer(lookup);
      return;
    }
    const peer = lookup.peer;
    const messages = peer.major >= 3 ? ['prometheus.WriteRequest', 'io.prometheus.write.v2.Request'] : ['prometheus.WriteRequest'];
    for (const message of messages) {
      it(`only that batch is dropped, counted as failed with reason 400, not retried (${message})`, async () => {
        const args = peer.major >= 3 ? ['--web.enable-remote-write-receiver', `--web.remote-write-receiver.accepted-protobuf-messages=${message}`] : ['--web.enable-remote-write-receiver'];
        const prom: RunningPrometheus = await startPrometheus({ bin: peer.prometheus, configYaml: MINIMAL_PROMETHEUS_CONFIG, args });
        cleanup.push(() => prom.stop());
        const config = parseConfig(
          `remote_write:\n  - url: ${prom.url}/api/v1/write\n    name: r400\n    protobuf_message: ${message}\n    queue_config: {batch_send_deadline: 50ms, min_backoff: 50ms, max_backoff: 200ms}\n`,
          'c.yml',
        );
        const store = new MemorySeriesStore({ retentionMs: 3 * 365 * 86_400_000 });
        const self = new SelfMetrics({ processMetrics: false });
        const queue = new RemoteWriteQueue({ config: config.remoteWrite[0]!, externalLabels: {}, storagePath: join(tmp, `${peer.line}-${message}`), store, logger: nullLogger, self });
        queue.start();
        cleanup.push(() => queue.stop());
        const samples = async (outcome: string, reason?: string): Promise<number> => {
          const m = (await self.registry.getMetricsAsJSON()).find((x) => x.name === 'flink_bridge_remote_storage_samples_total');
          return m?.values.filter((v) => v.labels['outcome'] === outcome && (reason === undefined || v.labels['reason'] === reason)).reduce((a, v) => a + v.value, 0) ?? 0;
        };
        const count = async (expr: string): Promise<number> => {
          const data = await prom.query(`count(${expr})`);
          return data.resultType === 'vector' && data.result[0] ? Number(data.result[0].value[1]) : 0;
        };
        const now = Date.now();
        const write = (name: string, t: number) => {
          const app = store.appender(name);
          for (let s = 0; s < SERIES; s++) app.append(labelSet(name, { s: String(s) }), t, s);
          app.commit();
        };

        write('rw_before', now - 60_000);
        await until('the first batch', async () => (await count('rw_before')) === SERIES);
        write('rw_year_old', now - 365 * 86_400_000);
        await until('the refused batch to be counted', async () => (await samples('failed')) === SERIES);
        write('rw_after', now - 30_000);
        await until('the batch after it', async () => (await count('rw_after')) === SERIES);

        expect(await samples('failed', '400')).toBe(SERIES);
        expect(await samples('retried')).toBe(0);
        expect(await samples('sent')).toBe(2 * SERIES);
        const old = await prom.query('count(count_over_time(rw_year_old[400d]))');
        expect(old.resultType === 'vector' ? old.result : []).toEqual([]);
      });
    }
  });
}
