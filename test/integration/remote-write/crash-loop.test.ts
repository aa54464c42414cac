/**
 * Crash during outage, in a loop (issue 7 §3): a real sidecar process receives remote-write from this test and
 * forwards everything to a real Prometheus through its durable queue. The receiving Prometheus goes down, the
 * sidecar is SIGKILLed at seeded random points (six times, most of them during the outage) and restarted on the same
 * `--storage.path`, then Prometheus comes back. Afterwards, per series: every sample the sidecar acknowledged (204)
 * is in Prometheus with its value, and nothing in Prometheus was never offered (acknowledged ⊆ received ⊆ offered).
 * Samples offered while the sidecar was being killed may or may not arrive: their request got no answer.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { prng } from '../../support/array-series.js';
import { startForwarder } from '../../support/forwarder.js';
import { MINIMAL_PROMETHEUS_CONFIG, prometheusPeers, reportUnavailablePeer, startPrometheus, type RunningPrometheus } from '../../support/prometheus.js';
import { encodeV1, snappyBlock } from '../../support/remote-write-proto.js';
import { startSidecar, type RunningSidecar } from '../../support/sidecar.js';

const KILLS = 6;
const SERIES = 5;
// Seeded (test/support's mulberry32), so a failing schedule can be replayed with FPB_CRASH_SEED.
const SEED = Number(process.env['FPB_CRASH_SEED'] ?? 20261203);
const tmp = mkdtempSync(join(tmpdir(), 'fpb-rw-crash-'));
const cleanup: (() => Promise<unknown> | void)[] = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await c();
  rmSync(tmp, { recursive: true, force: true });
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

for (const lookup of prometheusPeers()) {
  describe(`SIGKILLs of the sidecar during an outage of Prometheus ${lookup.line}`, () => {
    if (!lookup.ok) {
      reportUnavailablePeer(lookup);
      return;
    }
    const peer = lookup.peer;
    const message = peer.major >= 3 ? 'io.prometheus.write.v2.Request' : 'prometheus.WriteRequest';
    it(`${KILLS} kills at random points: every acknowledged sample arrives, nothing that was not offered (${message}, seed ${SEED})`, { timeout: 240_000 }, async () => {
      const random = prng(SEED);
      const args = peer.major >= 3 ? ['--web.enable-remote-write-receiver', `--web.remote-write-receiver.accepted-protobuf-messages=${message}`] : ['--web.enable-remote-write-receiver'];
      const dataDir = join(tmp, `tsdb-${peer.line}`);
      const startProm = () => startPrometheus({ bin: peer.prometheus, configYaml: MINIMAL_PROMETHEUS_CONFIG, args, dataDir });
      let prom: RunningPrometheus | undefined = await startProm();
      cleanup.push(() => prom?.stop());
      const fwd = await startForwarder(() => prom?.url);
      cleanup.push(() => fwd.close());

      const dir = mkdtempSync(join(tmp, `sidecar-${peer.line}-`));
      const configYaml =
        `remote_write_receiver:\n  enabled: true\n` +
        `remote_write:\n  - url: ${fwd.url}/api/v1/write\n    name: crash\n    protobuf_message: ${message}\n` +
        `    queue_config: {batch_send_deadline: 100ms, min_backoff: 50ms, max_backoff: 500ms, max_samples_per_send: 200}\n`;
      const sidecarArgs = [`--storage.path=${join(dir, 'data')}`];
      let sidecar: RunningSidecar | undefined = await startSidecar({ configYaml, restUrl: 'http://127.0.0.1:1', dir, args: sidecarArgs });
      const port = sidecar.port;
      cleanup.push(() => sidecar?.stop());

      // The writer: one request per 50 ms, one sample per series at t0 + i s, value i.
      const t0 = Date.now() - 30 * 60_000;
      const offered = new Set<number>();
      const acknowledged = new Set<number>();
      let writing = true;
      const writer = (async () => {
        for (let i = 0; writing; i++) {
          offered.add(i);
          const body = snappyBlock(encodeV1(Array.from({ length: SERIES }, (_, s) => ({ labels: [['__name__', 'rw_crash_total'], ['s', String(s)]] as [string, string][], samples: [{ t: t0 + i * 1000, v: i }] }))));
          try {
            const r = await fetch(`http://127.0.0.1:${port}/api/v1/write`, {
              method: 'POST',
              headers: { 'content-type': 'application/x-protobuf', 'content-encoding': 'snappy', 'x-prometheus-remote-write-version': '0.1.0' },
              body,
              signal: AbortSignal.timeout(2000),
            });
            if (r.status === 204) acknowledged.add(i);
            else await r.arrayBuffer();
          } catch {
            // the sidecar is down (killed, not yet restarted): this sample may or may not have been stored
          }
          await sleep(50);
        }
      })();

      await sleep(2000);
      const down = async () => {
        const p = prom;
        prom = undefined;
        await p?.stop();
      };
      await down();
      for (let k = 1; k <= KILLS; k++) {
        if (k === KILLS - 1) prom = await startProm(); // one kill while the receiver is up again, mid-catch-up
        await sleep(500 + random() * 2500);
        await sidecar.kill();
        await sleep(random() * 1000);
        sidecar = await startSidecar({ configYaml, restUrl: 'http://127.0.0.1:1', dir, args: sidecarArgs, port });
        if (k === KILLS - 1) await down();
      }
      prom = await startProm();
      await sleep(2000);
      writing = false;
      await writer;

      const prometheus = prom;
      const received = new Map<string, Map<number, number>>();
      const deadline = Date.now() + 90_000;
      const missing = () => {
        let n = 0;
        for (let s = 0; s < SERIES; s++) for (const i of acknowledged) if (!received.get(String(s))?.has(i)) n++;
        return n;
      };
      do {
        const data = await prometheus.query('rw_crash_total[2h]');
        if (data.resultType !== 'matrix') throw new Error(data.resultType);
        received.clear();
        for (const r of data.result) received.set(r.metric['s'] ?? '', new Map(r.values.map(([t, v]) => [(Math.round(t * 1000) - t0) / 1000, Number(v)])));
        if (missing() === 0) break;
        await sleep(1000);
      } while (Date.now() < deadline);

      expect(acknowledged.size).toBeGreaterThan(100);
      expect(acknowledged.size).toBeLessThan(offered.size); // some requests did hit a killed sidecar
      expect(missing()).toBe(0);
      for (let s = 0; s < SERIES; s++) {
        const got = received.get(String(s)) ?? new Map<number, number>();
        for (const [i, v] of got) {
          expect(offered.has(i)).toBe(true);
          expect(v).toBe(i);
        }
      }
    });
  });
}
