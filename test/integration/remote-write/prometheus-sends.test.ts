/**
 * A real Prometheus (2.42: remote-write 1.0; 3.16: 1.0 and 2.0) remote-writes into our receiver: it scrapes a small
 * exporter every second and sends everything to `POST /api/v1/write` of an in-process sidecar HTTP server. Every sample
 * our store holds for the checked series must be in Prometheus's own TSDB with the same timestamp and value (and
 * the other way round over the span we received), and our `/metrics` shows the latest values.
 */
import { createServer, type Server } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { parseTextExposition } from '../../../src/exposition/index.js';
import { createHttpApp } from '../../../src/http/routes.js';
import { startServer, type RunningServer } from '../../../src/http/server.js';
import { nullLogger } from '../../../src/log/logger.js';
import { SelfMetrics } from '../../../src/self/metrics.js';
import { RemoteWriteReceiver } from '../../../src/sources/remote-write/receiver.js';
import { MemorySeriesStore } from '../../../src/store/index.js';
import type { SeriesStore } from '../../../src/store/types.js';
import { prometheusPeers, reportUnavailablePeer, startPrometheus, type RunningPrometheus } from '../../support/prometheus.js';

const servers: RunningServer[] = [];
const exporters: Server[] = [];
const proms: RunningPrometheus[] = [];
afterAll(async () => {
  await Promise.all(proms.map((p) => p.stop()));
  await Promise.all(servers.map((s) => s.close()));
  for (const e of exporters) e.close();
});

async function sidecar(): Promise<{ url: string; store: SeriesStore }> {
  const store = new MemorySeriesStore({ retentionMs: 3_600_000 });
  const self = new SelfMetrics({ processMetrics: false });
  const receiver = new RemoteWriteReceiver({
    store,
    self,
    logger: nullLogger,
    config: { enabled: true, maxRequestBytes: 1 << 24, maxDecodedBytes: 1 << 25, maxSeriesPerRequest: 100_000, maxSeries: 100_000 },
  });
  const app = createHttpApp({ store, logger: nullLogger, ready: () => true, restUrl: () => '', remoteWrite: receiver });
  const server = await startServer(app, '127.0.0.1', 0);
  servers.push(server);
  return { url: `http://127.0.0.1:${server.address.port}`, store };
}

/** A scrape target: a counter that grows by 1.5 per scrape and a gauge that alternates, on 127.0.0.1. */
async function exporter(): Promise<string> {
  let n = 0;
  const server = createServer((_req, res) => {
    n++;
    res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' });
    res.end(`# TYPE rw_test_total counter\nrw_test_total{kind="a"} ${n * 1.5}\n# TYPE rw_test_gauge gauge\nrw_test_gauge ${n % 2 === 0 ? -0.25 : 1e-9}\n`);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  exporters.push(server);
  const addr = server.address();
  return `127.0.0.1:${typeof addr === 'object' && addr !== null ? addr.port : 0}`;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The checked series: the target's counter and gauge and Prometheus's own per-scrape series. */
const CHECKED = ['up', 'scrape_samples_scraped', 'rw_test_total', 'rw_test_gauge'];

async function compare(prom: RunningPrometheus, store: SeriesStore): Promise<number> {
  let compared = 0;
  for (const name of CHECKED) {
    const ours = store.select([{ name: '__name__', op: '=', value: name }]);
    expect(ours.length, `series of ${name} received`).toBeGreaterThan(0);
    const data = await prom.query(`${name}[10m]`);
    if (data.resultType !== 'matrix') throw new Error(`unexpected ${data.resultType}`);
    for (const s of ours) {
      const theirs = data.result.find((m) => {
        const keys = Object.keys(m.metric);
        return keys.length === s.labels.names.length && keys.every((k) => m.metric[k] === s.labels.get(k));
      });
      expect(theirs, `Prometheus has ${s.labels.toString()}`).toBeDefined();
      const first = s.timestampAt(0);
      const last = s.lastTimestamp;
      const expected = (theirs?.values ?? []).filter(([t]) => Math.round(t * 1000) >= first && Math.round(t * 1000) <= last).map(([t, v]) => [Math.round(t * 1000), Number(v)]);
      const got: [number, number][] = [];
      for (let i = 0; i < s.length; i++) if (!s.isStaleAt(i)) got.push([s.timestampAt(i), s.valueAt(i)]);
      expect(got).toEqual(expected);
      compared += got.length;
    }
  }
  return compared;
}

for (const lookup of prometheusPeers()) {
  describe(`Prometheus ${lookup.line} remote-writes into the sidecar`, () => {
    if (!lookup.ok) {
      reportUnavailablePeer(lookup);
      return;
    }
    const peer = lookup.peer;
    const protocols = peer.major >= 3 ? (['prometheus.WriteRequest', 'io.prometheus.write.v2.Request'] as const) : (['prometheus.WriteRequest'] as const);
    it(`every received sample equals Prometheus's own (${protocols.join(', ')})`, async () => {
      const targets = await Promise.all(protocols.map(() => sidecar()));
      const remoteWrite = protocols
        .map(
          (p, i) =>
            `  - url: ${targets[i]?.url}/api/v1/write\n    queue_config: {batch_send_deadline: 500ms, min_backoff: 50ms}\n` +
            (peer.major >= 3 ? `    protobuf_message: ${p}\n` : ''),
        )
        .join('');
      const target = await exporter();
      const started = await startPrometheus({
        bin: peer.prometheus,
        configYaml: `global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: exporter\n    static_configs: [{targets: ['${target}']}]\nremote_write:\n${remoteWrite}`,
      });
      proms.push(started);
      const deadline = Date.now() + 60_000;
      while (Date.now() < deadline && targets.some((t) => (t.store.select([{ name: '__name__', op: '=', value: 'up' }])[0]?.length ?? 0) < 5)) await sleep(500);
      for (const [i, t] of targets.entries()) {
        const n = await compare(started, t.store);
        expect(n, `samples compared over ${protocols[i]}`).toBeGreaterThan(10);
      }
      // our /metrics shows the newest value of what was received
      const r = await fetch(`${targets[0]?.url}/metrics`);
      const up = parseTextExposition(await r.text()).find((f) => f.name === 'up');
      expect(up?.samples[0]?.value).toBe(1);
    });
  });
}
