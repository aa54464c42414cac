/**
 * The sidecar's sender into a real Prometheus (2.42: 1.0; 3.16: 1.0 and 2.0, `--web.remote-write-receiver.accepted-protobuf-messages`):
 * every sample the queue sent is queryable in Prometheus with the same timestamp and value, counted exactly.
 * The outage, the SIGKILL loop and the refused batch are in outage.test.ts, crash-loop.test.ts, rejected-batch.test.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/load.js';
import { nullLogger } from '../../../src/log/logger.js';
import { labelSet } from '../../../src/model/labels.js';
import { RemoteWriteQueue } from '../../../src/sinks/remote-write/queue.js';
import { MemorySeriesStore } from '../../../src/store/index.js';
import { MINIMAL_PROMETHEUS_CONFIG, prometheusPeers, reportUnavailablePeer, startPrometheus, type RunningPrometheus } from '../../support/prometheus.js';

const tmp = mkdtempSync(join(tmpdir(), 'fpb-rw-send-'));
const proms: RunningPrometheus[] = [];
afterAll(async () => {
  await Promise.all(proms.map((p) => p.stop()));
  rmSync(tmp, { recursive: true, force: true });
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

for (const lookup of prometheusPeers()) {
  describe(`the sidecar remote-writes into Prometheus ${lookup.line}`, () => {
    if (!lookup.ok) {
      reportUnavailablePeer(lookup);
      return;
    }
    const peer = lookup.peer;
    const messages = peer.major >= 3 ? ['prometheus.WriteRequest', 'io.prometheus.write.v2.Request'] : ['prometheus.WriteRequest'];
    for (const message of messages) {
      it(`every sent sample is queryable with equal value and timestamp (${message})`, async () => {
        const args =
          peer.major >= 3
            ? ['--web.enable-remote-write-receiver', '--web.remote-write-receiver.accepted-protobuf-messages=prometheus.WriteRequest', '--web.remote-write-receiver.accepted-protobuf-messages=io.prometheus.write.v2.Request']
            : ['--web.enable-remote-write-receiver'];
        const prom = await startPrometheus({ bin: peer.prometheus, configYaml: MINIMAL_PROMETHEUS_CONFIG, args });
        proms.push(prom);
        const config = parseConfig(
          `global: {external_labels: {cluster: it}}\nremote_write:\n  - url: ${prom.url}/api/v1/write\n    name: it\n    protobuf_message: ${message}\n    queue_config: {batch_send_deadline: 50ms, max_samples_per_send: 500}\n`,
          'c.yml',
        );
        const store = new MemorySeriesStore({ retentionMs: 3_600_000 });
        const queue = new RemoteWriteQueue({ config: config.remoteWrite[0]!, externalLabels: config.global.externalLabels, storagePath: join(tmp, message), store, logger: nullLogger });
        queue.start();
        const t0 = Date.now() - 600_000;
        const expected = new Map<string, [number, number][]>();
        for (let i = 0; i < 120; i++) {
          const app = store.appender('src');
          for (let s = 0; s < 20; s++) {
            const v = i * 1.25 + s / 3;
            app.append(labelSet('rw_sent_total', { s: String(s) }), t0 + i * 5000, v);
            const key = String(s);
            expected.set(key, [...(expected.get(key) ?? []), [t0 + i * 5000, v]]);
          }
          app.commit();
        }
        const deadline = Date.now() + 30_000;
        let got: [number, number][] = [];
        while (Date.now() < deadline) {
          const data = await prom.query('count_over_time(rw_sent_total[20m])');
          const n = data.resultType === 'vector' ? data.result.reduce((a, r) => a + Number(r.value[1]), 0) : 0;
          if (n === 2400) break;
          await sleep(200);
        }
        await queue.stop();
        for (const [s, samples] of expected) {
          const data = await prom.query(`rw_sent_total{s="${s}", cluster="it"}[20m]`);
          if (data.resultType !== 'matrix') throw new Error(data.resultType);
          expect(data.result).toHaveLength(1);
          got = (data.result[0]?.values ?? []).map(([t, v]) => [Math.round(t * 1000), Number(v)]);
          expect(got).toEqual(samples);
        }
      });
    }
  });
}
