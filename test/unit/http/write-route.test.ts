import { afterEach, describe, expect, it, vi } from 'vitest';
import { App } from '../../../src/app.js';
import { parseConfig } from '../../../src/config/load.js';
import { BasicAuthenticator } from '../../../src/http/basic-auth.js';
import { createHttpApp } from '../../../src/http/routes.js';
import { startServer, type RunningServer } from '../../../src/http/server.js';
import { nullLogger } from '../../../src/log/logger.js';
import { labelSet } from '../../../src/model/labels.js';
import { SelfMetrics } from '../../../src/self/metrics.js';
import { RemoteWriteReceiver } from '../../../src/sources/remote-write/receiver.js';
import { MemorySeriesStore } from '../../../src/store/index.js';
import { DERIVED_SOURCE } from '../../../src/windows/stage.js';
import { encodeV1, encodeV2, snappyBlock } from '../../support/remote-write-proto.js';

let server: RunningServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
  vi.useRealTimers();
});

const T = 1_700_000_000_000;

async function serve(enabled: boolean, opts: { maxRequestBytes?: number; users?: Record<string, string> } = {}) {
  const store = new MemorySeriesStore({ retentionMs: 600_000 });
  const self = new SelfMetrics({ processMetrics: false });
  const receiver = new RemoteWriteReceiver({
    store,
    self,
    logger: nullLogger,
    config: { enabled, maxRequestBytes: opts.maxRequestBytes ?? 1 << 20, maxDecodedBytes: 1 << 20, maxSeriesPerRequest: 100, maxSeries: 100 },
  });
  const auth = opts.users ? new BasicAuthenticator(new Map(Object.entries(opts.users))) : undefined;
  const app = createHttpApp({
    store,
    logger: nullLogger,
    ready: () => true,
    restUrl: () => 'http://flink:8081',
    remoteWrite: receiver,
    ...(auth ? { authorize: (h: string | undefined) => auth.check(h) } : {}),
  });
  server = await startServer(app, '127.0.0.1', 0);
  return { url: `http://127.0.0.1:${server.address.port}/api/v1/write`, store };
}

const body = (v: '1.0' | '2.0') => snappyBlock((v === '1.0' ? encodeV1 : encodeV2)([{ labels: [['__name__', 'up']], samples: [{ t: T, v: 1 }] }]));

describe('POST /api/v1/write', () => {
  it('404 while remote_write_receiver.enabled is false (like Prometheus without the flag)', async () => {
    const { url } = await serve(false);
    const r = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/x-protobuf', 'Content-Encoding': 'snappy' }, body: body('1.0') });
    expect(r.status).toBe(404);
  });

  it('1.0 and 2.0 over HTTP with Content-Encoding: snappy; 2.0 gets the *-Written headers', async () => {
    const { url, store } = await serve(true);
    const r1 = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/x-protobuf', 'Content-Encoding': 'snappy' }, body: body('1.0') });
    expect(r1.status).toBe(204);
    expect(store.get(labelSet('up'))?.lastTimestamp).toBe(T);
    const b2 = snappyBlock(encodeV2([{ labels: [['__name__', 'up']], samples: [{ t: T + 1, v: 2 }] }]));
    const r2 = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-protobuf;proto=io.prometheus.write.v2.Request', 'Content-Encoding': 'snappy' },
      body: b2,
    });
    expect(r2.status).toBe(204);
    expect(r2.headers.get('x-prometheus-remote-write-samples-written')).toBe('1');
    expect(store.get(labelSet('up'))?.lastValue).toBe(2);
  });

  it('413 for a body above max_request_bytes', async () => {
    const { url } = await serve(true, { maxRequestBytes: 100 });
    const r = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/x-protobuf' }, body: Buffer.alloc(101) });
    expect(r.status).toBe(413);
    expect(await r.text()).toMatch(/101 bytes exceeds the limit of 100/);
  });

  it('is behind the web config basic auth', async () => {
    // bcrypt of "pw" at cost 4
    const { hashSync } = await import('bcryptjs');
    const { url } = await serve(true, { users: { u: hashSync('pw', 4) } });
    const headers = { 'Content-Type': 'application/x-protobuf', 'Content-Encoding': 'snappy' };
    expect((await fetch(url, { method: 'POST', headers, body: body('1.0') })).status).toBe(401);
    const ok = await fetch(url, { method: 'POST', headers: { ...headers, Authorization: `Basic ${Buffer.from('u:pw').toString('base64')}` }, body: body('1.0') });
    expect(ok.status).toBe(204);
  });
});

describe('remote-written counters feed the derived windows (App.sourceCommitted)', () => {
  it('a vertex counter written twice 15 s apart gives the windowed rate at the second sample time', () => {
    vi.useFakeTimers({ now: T + 60_000 });
    const app = new App({
      config: parseConfig('remote_write_receiver: {enabled: true}', 'c.yml'),
      listenAddress: { host: '127.0.0.1', port: 0 },
      enableLifecycle: false,
      storagePath: './data',
      logger: nullLogger,
    });
    const vertex: [string, string][] = [['job_id', 'j1'], ['job_name', 'demo'], ['task_id', 'v1'], ['task_name', 'Source']];
    const write = (t: number, records: number) =>
      app.remoteWriteReceiver.handle({
        contentType: 'application/x-protobuf',
        contentEncoding: 'snappy',
        body: snappyBlock(
          encodeV1([
            { labels: [['__name__', 'flink_task_info'], ...vertex.slice(0, 2), ['sink', 'false'], ['source', 'true'], ...vertex.slice(2)], samples: [{ t, v: 1 }] },
            { labels: [['__name__', 'flink_task_records_out_total'], ...vertex], samples: [{ t, v: records }] },
          ]),
        ),
      }).status;
    expect(write(T, 1000)).toBe(204);
    vi.advanceTimersByTime(15_000);
    expect(write(T + 15_000, 4000)).toBe(204);
    const rate = app.store.get(labelSet('flink_task_records_out_per_second', { job_id: 'j1', job_name: 'demo', task_id: 'v1', task_name: 'Source', window: '1m' }));
    expect(rate?.source).toBe(DERIVED_SOURCE);
    expect(rate?.lastTimestamp).toBe(T + 15_000);
    expect(rate?.lastValue).toBe(200); // 3000 records over the 15 s the samples cover
  });
});
