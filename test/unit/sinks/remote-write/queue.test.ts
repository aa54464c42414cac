import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../../src/config/load.js';
import { nullLogger } from '../../../../src/log/logger.js';
import { labelSet } from '../../../../src/model/labels.js';
import { SelfMetrics } from '../../../../src/self/metrics.js';
import { RemoteWriteQueue } from '../../../../src/sinks/remote-write/queue.js';
import { decodeWriteRequestV1 } from '../../../../src/sources/remote-write/decode-v1.js';
import { decodeWriteRequestV2 } from '../../../../src/sources/remote-write/decode-v2.js';
import { snappyDecode } from '../../../../src/sources/remote-write/snappy-block.js';
import { MemorySeriesStore } from '../../../../src/store/index.js';

const tmp = mkdtempSync(join(tmpdir(), 'fpb-queue-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let dirs = 0;

interface Received {
  protocol: string;
  samples: { labels: string; t: number; v: number; stale: boolean }[];
}

/** A receiver on 127.0.0.1 that answers with `answer()` and records what it accepted (2xx). */
async function fakeReceiver(answer: (req: IncomingMessage) => { status: number; headers?: Record<string, string> }) {
  const accepted: Received[] = [];
  let attempts = 0;
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      attempts++;
      const v2 = String(req.headers['content-type']).includes('v2');
      const raw = snappyDecode(Buffer.concat(chunks), 1 << 24);
      const wire = v2 ? decodeWriteRequestV2(raw) : decodeWriteRequestV1(raw);
      const a = answer(req);
      if (a.status >= 200 && a.status < 300) {
        accepted.push({
          protocol: v2 ? '2.0' : '1.0',
          samples: wire.series.flatMap((s) => s.timestamps.map((t, i) => ({ labels: s.labels.join(','), t, v: s.values[i] as number, stale: s.stale[i] as boolean }))),
        });
      }
      res.writeHead(a.status, a.headers ?? {});
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  servers.push(server);
  const addr = server.address();
  const url = `http://127.0.0.1:${typeof addr === 'object' && addr !== null ? addr.port : 0}/api/v1/write`;
  return { url, accepted, attempts: () => attempts, samples: () => accepted.flatMap((r) => r.samples) };
}

const servers: Server[] = [];
const queues: RemoteWriteQueue[] = [];
afterEach(async () => {
  await Promise.all(queues.splice(0).map((q) => q.stop()));
  for (const s of servers.splice(0)) s.close();
});

function queueFor(url: string, extra = '', queueExtra = '', storagePath = join(tmp, String(dirs++)), store = new MemorySeriesStore({ retentionMs: 3_600_000 })) {
  const config = parseConfig(
    `global: {external_labels: {cluster: c1}}\nremote_write:\n  - url: ${url}\n    name: t\n    queue_config: {batch_send_deadline: 20ms, min_backoff: 5ms, max_backoff: 20ms, max_samples_per_send: 3${queueExtra}}\n${extra}`,
    'c.yml',
  );
  const self = new SelfMetrics({ processMetrics: false });
  const q = new RemoteWriteQueue({ config: config.remoteWrite[0]!, externalLabels: config.global.externalLabels, storagePath, store, logger: nullLogger, self });
  queues.push(q);
  q.start();
  return { q, store, self, storagePath };
}

const T = 1_700_000_000_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(cond: () => boolean | Promise<boolean>, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await sleep(5);
  }
}
async function counter(self: SelfMetrics, outcome: string, reason = ''): Promise<number> {
  const m = (await self.registry.getMetricsAsJSON()).find((x) => x.name === 'flink_bridge_remote_storage_samples_total');
  return m?.values.filter((v) => v.labels['outcome'] === outcome && (reason === '' || v.labels['reason'] === reason)).reduce((a, v) => a + v.value, 0) ?? 0;
}

/** Writes `n` samples of two series, one commit per timestamp; the second series ends with a staleness marker. */
function write(store: MemorySeriesStore, n: number, t0 = T) {
  for (let i = 0; i < n; i++) {
    const app = store.appender('src');
    app.append(labelSet('a_total', { x: '1' }), t0 + i * 1000, i);
    if (i < n - 1) app.append(labelSet('b', { x: '2' }), t0 + i * 1000, -i);
    else app.appendStale(labelSet('b', { x: '2' }), t0 + i * 1000);
    app.commit();
  }
}

describe('RemoteWriteQueue', () => {
  it('sends every sample once, in order, with external labels and staleness markers (1.0)', async () => {
    const rx = await fakeReceiver(() => ({ status: 204 }));
    const { store, self } = queueFor(rx.url);
    write(store, 5);
    await until(() => rx.samples().length === 10);
    const a = rx.samples().filter((s) => s.labels === '__name__,a_total,cluster,c1,x,1');
    expect(a.map((s) => [s.t, s.v])).toEqual([0, 1, 2, 3, 4].map((i) => [T + i * 1000, i]));
    const b = rx.samples().filter((s) => s.labels === '__name__,b,cluster,c1,x,2');
    expect(b.map((s) => s.stale)).toEqual([false, false, false, false, true]);
    expect(rx.accepted.every((r) => r.protocol === '1.0' && r.samples.length <= 3)).toBe(true);
    // the receiver records a batch before its answer reaches the sender, which counts it then
    await until(async () => (await counter(self, 'sent')) === 10);
  });

  it('retries 5xx and honours Retry-After; nothing lost, nothing duplicated', async () => {
    let n = 0;
    const rx = await fakeReceiver((): { status: number; headers?: Record<string, string> } =>
      ++n <= 3 ? { status: n === 2 ? 503 : 500, headers: n === 2 ? { 'Retry-After': '0' } : {} } : { status: 204 },
    );
    const { store, self } = queueFor(rx.url);
    write(store, 4);
    await until(() => rx.samples().length === 8);
    await sleep(50);
    expect(rx.samples()).toHaveLength(8);
    expect(await counter(self, 'retried')).toBeGreaterThan(0);
  });

  it('a 400 drops only that batch, counted with the status as reason', async () => {
    let n = 0;
    const rx = await fakeReceiver(() => (++n === 1 ? { status: 400 } : { status: 204 }));
    const { store, self } = queueFor(rx.url);
    write(store, 1); // 2 samples: the first batch, refused
    await until(() => rx.attempts() === 1);
    write(store, 2, T + 10_000);
    await until(() => rx.samples().length === 4);
    await until(async () => (await counter(self, 'sent')) === 4);
    expect(await counter(self, 'failed', '400')).toBe(2);
    expect(rx.samples().every((s) => s.t >= T + 10_000)).toBe(true);
  });

  it('429 is dropped by default (like Prometheus), counted', async () => {
    let n = 0;
    const rx = await fakeReceiver(() => (++n === 1 ? { status: 429 } : { status: 204 }));
    const { store, self } = queueFor(rx.url);
    write(store, 1);
    await until(() => rx.attempts() === 1);
    write(store, 1, T + 10_000);
    await until(() => rx.samples().length === 2);
    expect(await counter(self, 'failed', '429')).toBe(2);
    expect(rx.samples().every((s) => s.t === T + 10_000)).toBe(true);
  });

  it('429 is retried with retry_on_http_429', async () => {
    let n = 0;
    const rx = await fakeReceiver(() => (++n === 1 ? { status: 429 } : { status: 204 }));
    const { store } = queueFor(rx.url, '', ', retry_on_http_429: true');
    write(store, 1);
    await until(() => rx.samples().length === 2);
  });

  it('2.0 falls back to 1.0 when a 2xx lacks the *-Written headers', async () => {
    const rx = await fakeReceiver(() => ({ status: 204 }));
    const { store } = queueFor(rx.url, '    protobuf_message: io.prometheus.write.v2.Request\n');
    write(store, 2);
    const v1 = () => rx.accepted.filter((r) => r.protocol === '1.0').flatMap((r) => r.samples).filter((s) => s.labels.includes('a_total'));
    await until(() => v1().length >= 2);
    // the first (2.0) answer did not count: that batch was sent again as 1.0, and everything after it too
    expect(rx.accepted[0]?.protocol).toBe('2.0');
    expect(v1().map((s) => s.t)).toEqual([T, T + 1000]);
  });

  it('2.0 stays 2.0 with a receiver that answers the *-Written headers', async () => {
    const rx = await fakeReceiver(() => ({ status: 204, headers: { 'X-Prometheus-Remote-Write-Samples-Written': '1' } }));
    const { store } = queueFor(rx.url, '    protobuf_message: io.prometheus.write.v2.Request\n');
    write(store, 2);
    await until(() => rx.samples().length === 4);
    expect(rx.accepted.every((r) => r.protocol === '2.0')).toBe(true);
  });

  it('write_relabel_configs drop series (counted); a restart resends what was not acknowledged', async () => {
    let up = false;
    const rx = await fakeReceiver(() => ({ status: up ? 204 : 503 }));
    const first = queueFor(rx.url, "    write_relabel_configs: [{source_labels: [__name__], regex: b, action: drop}]\n");
    write(first.store, 3);
    await until(() => rx.attempts() >= 2);
    expect(await counter(first.self, 'dropped', 'relabel')).toBe(3);
    await first.q.stop();
    queues.splice(queues.indexOf(first.q), 1);
    up = true;
    // a new queue on the same directory (as after a crash): the three a_total samples arrive
    queueFor(rx.url, "    write_relabel_configs: [{source_labels: [__name__], regex: b, action: drop}]\n", '', first.storagePath, first.store);
    await until(() => rx.samples().length === 3);
    expect(rx.samples().map((s) => s.v)).toEqual([0, 1, 2]);
  });
});
