import { gunzipSync } from 'node:zlib';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpApp, type HttpDeps } from '../../../src/http/routes.js';
import { startServer, type RunningServer } from '../../../src/http/server.js';
import { nullLogger } from '../../../src/log/logger.js';
import { labelSet } from '../../../src/model/labels.js';
import { F } from '../../../src/sources/flink/families.js';
import { SelfMetrics } from '../../../src/self/metrics.js';
import { SelfSource } from '../../../src/self/self-source.js';
import { MemorySeriesStore } from '../../../src/store/index.js';
import { parseTextExposition, writeExposition } from '../../../src/exposition/index.js';

let server: RunningServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(overrides: Partial<HttpDeps> = {}): Promise<string> {
  const store = new MemorySeriesStore({ retentionMs: 600_000 });
  store.setMetadata('flink-rest', F.up.name, F.up);
  store.setMetadata('flink-rest', F.jobRestarts.name, F.jobRestarts);
  store.appendSnapshot('flink-rest', Date.now(), [
    { labels: labelSet('flink_up'), value: 1 },
    { labels: labelSet('flink_job_restarts_total', { job_id: 'a', job_name: 'x "y"' }), value: 3 },
    // enough series for the body to pass compression's 1 KiB threshold
    ...Array.from({ length: 40 }, (_, i) => ({ labels: labelSet('flink_task_parallelism', { job_id: 'a', task_id: `v${i}` }), value: 2 })),
  ]);
  const self = new SelfMetrics({ processMetrics: false });
  self.pollRequests.set(11);
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
    ...overrides,
  });
  server = await startServer(app, '127.0.0.1', 0);
  return `http://127.0.0.1:${server.address.port}`;
}

describe('HTTP routes', () => {
  it('serves text 0.0.4 by default with the store and the self-metrics', async () => {
    const url = await serve();
    const r = await fetch(`${url}/metrics`);
    expect(r.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const families = parseTextExposition(await r.text());
    expect(families.find((f) => f.name === 'flink_up')?.samples[0]?.value).toBe(1);
    expect(families.find((f) => f.name === 'flink_job_restarts_total')?.type).toBe('counter');
    expect(families.find((f) => f.name === 'flink_job_restarts_total')?.samples[0]?.labels['job_name']).toBe('x "y"');
    expect(families.find((f) => f.name === 'flink_bridge_poll_requests')?.type).toBe('gauge');
    expect(families.find((f) => f.name === 'flink_bridge_poll_requests')?.samples[0]?.value).toBe(11);
  });

  it('serves the status page, and its data from the store at /api/v1/status/flink', async () => {
    const url = await serve();
    const page = await fetch(`${url}/`);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await page.text();
    expect(html).toContain('fetch(path');
    expect(html).toContain('api/v1/status/flink');
    const r = await fetch(`${url}/api/v1/status/flink`);
    expect(r.status).toBe(200);
    const body = (await r.json()) as { status: string; data: { restUrl: string; cluster: { flinkUp: boolean }; poller: { requestsPerCycle: number } } };
    expect(body.status).toBe('success');
    expect(body.data.restUrl).toBe('http://flink:8081');
    expect(body.data.cluster.flinkUp).toBe(true);
    // a self-metric, refreshed before reading as for /metrics
    expect(body.data.poller.requestsPerCycle).toBe(11);
  });

  it('serves OpenMetrics when Prometheus 3.x asks for it, ending with one # EOF, gzipped when accepted', async () => {
    const url = await serve();
    const accept =
      'application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.5,application/openmetrics-text;version=0.0.1;q=0.4,text/plain;version=1.0.0;escaping=allow-utf-8;q=0.3,text/plain;version=0.0.4;q=0.2,*/*;q=0.1';
    // undici's request() hands back the raw bytes (fetch would decompress them itself)
    const r = await request(`${url}/metrics`, { headers: { accept, 'accept-encoding': 'gzip' } });
    expect(r.headers['content-type']).toBe('application/openmetrics-text; version=1.0.0; charset=utf-8');
    expect(r.headers['content-encoding']).toBe('gzip');
    const body = gunzipSync(Buffer.from(await r.body.arrayBuffer())).toString('utf8');
    expect(body.endsWith('# EOF\n')).toBe(true);
    expect(body.match(/# EOF/g)).toHaveLength(1);
    expect(body).toContain('# TYPE flink_job_restarts counter\n');
    expect(parseTextExposition(body, { format: 'openmetrics' }).length).toBeGreaterThan(2);
  });

  it('sends a large store in chunks, plain and gzipped, byte for byte the rendered exposition', async () => {
    const store = new MemorySeriesStore({ retentionMs: 600_000 });
    // ~2.8 MB of exposition: several 1 MiB chunks
    for (let f = 0; f < 12; f++) {
      store.setMetadata('push:tm', `flink_taskmanager_job_task_operator_m${f}`, { type: 'gauge', help: `metric ${f}` });
      store.appendSnapshot(
        'push:tm',
        1000,
        Array.from({ length: 1500 }, (_, i) => ({
          labels: labelSet(`flink_taskmanager_job_task_operator_m${f}`, { job_id: 'ebdc4c7f7465fcd48daa2038a078058e', operator_name: `Source:_Kafka_topic_${i % 7}`, subtask_index: String(i), tm_id: `tm-${i % 13}` }),
          value: i * f,
        })),
      );
    }
    const app = createHttpApp({ store, logger: nullLogger, ready: () => true, restUrl: () => '' });
    server = await startServer(app, '127.0.0.1', 0);
    const url = `http://127.0.0.1:${server.address.port}/metrics`;
    const rendered = writeExposition(store, { output: 'buffer' });
    expect(rendered.length).toBeGreaterThan(2.5 * 1024 * 1024);
    const plain = await request(url, { headers: { 'accept-encoding': 'identity' } });
    expect(plain.headers['transfer-encoding']).toBe('chunked');
    expect(Buffer.from(await plain.body.arrayBuffer()).equals(rendered)).toBe(true);
    const zipped = await request(url, { headers: { 'accept-encoding': 'gzip' } });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.headers['vary']).toBe('Accept-Encoding');
    expect(gunzipSync(Buffer.from(await zipped.body.arrayBuffer())).equals(rendered)).toBe(true);
  });

  it('answers /-/healthy always and /-/ready only after the first poll', async () => {
    let ready = false;
    const url = await serve({ ready: () => ready });
    expect((await fetch(`${url}/-/healthy`)).status).toBe(200);
    expect((await fetch(`${url}/-/ready`)).status).toBe(503);
    ready = true;
    expect((await fetch(`${url}/-/ready`)).status).toBe(200);
  });

  it('refuses /-/reload without --web.enable-lifecycle and reports a failed reload', async () => {
    let url = await serve();
    expect((await fetch(`${url}/-/reload`, { method: 'POST' })).status).toBe(403);
    await server?.close();
    url = await serve({
      reload: async () => {
        throw new Error('config.yml:3:1: flink.foo: unknown key');
      },
    });
    const r = await fetch(`${url}/-/reload`, { method: 'POST' });
    expect(r.status).toBe(500);
    expect(await r.text()).toContain('flink.foo: unknown key');
  });

  it('asks for basic auth when the web config has users', async () => {
    const url = await serve({ authorize: (h) => h === `Basic ${Buffer.from('u:p').toString('base64')}` });
    const denied = await fetch(`${url}/metrics`);
    expect(denied.status).toBe(401);
    expect(denied.headers.get('www-authenticate')).toBe('Basic');
    expect(await denied.text()).toBe('Unauthorized\n');
    expect((await fetch(`${url}/metrics`, { headers: { authorization: `Basic ${Buffer.from('u:p').toString('base64')}` } })).status).toBe(200);
  });
});
