import { gzipSync } from 'node:zlib';
import snappy from 'snappyjs';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpApp } from '../../../src/http/routes.js';
import { startServer, type RunningServer } from '../../../src/http/server.js';
import { nullLogger } from '../../../src/log/logger.js';
import { SelfMetrics } from '../../../src/self/metrics.js';
import { MemorySeriesStore } from '../../../src/store/index.js';
import { parseTextExposition, type ParsedFamily } from '../../../src/exposition/index.js';
import { pushSetup } from '../../../src/sources/push/setup.js';
import { resolvePush, pushSectionSchema } from '../../../src/config/sections/push.js';

let server: RunningServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(pushSection: Record<string, unknown> = {}): Promise<string> {
  const store = new MemorySeriesStore({ retentionMs: 600_000 });
  const self = new SelfMetrics({ processMetrics: false });
  const push = pushSetup(resolvePush(pushSectionSchema.parse(pushSection)), { store, self, logger: nullLogger, onCommit: () => {} });
  const app = createHttpApp({
    store,
    logger: nullLogger,
    ready: () => true,
    restUrl: () => 'http://flink:8081',
    ...(push !== undefined ? { push: push.http } : {}),
  });
  server = await startServer(app, '127.0.0.1', 0);
  return `http://127.0.0.1:${server.address.port}`;
}

async function send(url: string, method: string, path: string, body?: string | Uint8Array, headers: Record<string, string> = {}) {
  const r = await fetch(`${url}${path}`, { method, body, headers });
  return { status: r.status, text: await r.text() };
}

async function scrape(url: string): Promise<ParsedFamily[]> {
  return parseTextExposition(await (await fetch(`${url}/metrics`)).text()).filter((f) => !f.name.startsWith('flink_bridge_'));
}

function samplesOf(families: ParsedFamily[], name: string) {
  return families.flatMap((f) => f.samples).filter((s) => s.name === name);
}

describe('push API (Pushgateway 1.5.1 semantics)', () => {
  it('PUT stores the body with the grouping labels overriding the body, answers 200, and adds push_time_seconds', async () => {
    const url = await serve();
    const r = await send(url, 'PUT', '/metrics/job/j1/instance/i1/tm_id/t1', '# TYPE m gauge\nm{tm_id="body",a="x"} 3\n');
    expect(r.status).toBe(200);
    const fams = await scrape(url);
    expect(samplesOf(fams, 'm')).toEqual([{ name: 'm', labels: { a: 'x', instance: 'i1', job: 'j1', tm_id: 't1' }, value: 3 }]);
    expect(fams.find((f) => f.name === 'm')?.type).toBe('gauge');
    const pt = samplesOf(fams, 'push_time_seconds');
    expect(pt).toHaveLength(1);
    expect(pt[0]?.labels).toEqual({ instance: 'i1', job: 'j1', tm_id: 't1' });
    expect(Math.abs((pt[0]?.value ?? 0) - Date.now() / 1000)).toBeLessThan(60);
    expect(samplesOf(fams, 'push_failure_time_seconds')[0]?.value).toBe(0);
  });

  it('PUT replaces the whole group, POST only the pushed families, DELETE removes the group with 202', async () => {
    const url = await serve();
    expect((await send(url, 'PUT', '/metrics/job/j', 'a 1\nb 2\n')).status).toBe(200);
    expect((await send(url, 'POST', '/metrics/job/j', 'a 10\n')).status).toBe(200);
    let fams = await scrape(url);
    expect(samplesOf(fams, 'a').map((s) => s.value)).toEqual([10]);
    expect(samplesOf(fams, 'b').map((s) => s.value)).toEqual([2]);
    expect((await send(url, 'PUT', '/metrics/job/j', 'c 5\n')).status).toBe(200);
    fams = await scrape(url);
    expect(samplesOf(fams, 'a')).toEqual([]);
    expect(samplesOf(fams, 'b')).toEqual([]);
    expect(samplesOf(fams, 'c').map((s) => s.value)).toEqual([5]);
    expect((await send(url, 'DELETE', '/metrics/job/j')).status).toBe(202);
    expect((await send(url, 'DELETE', '/metrics/job/unknown')).status).toBe(202);
    fams = await scrape(url);
    expect(samplesOf(fams, 'c')).toEqual([]);
    expect(samplesOf(fams, 'push_time_seconds')).toEqual([]);
  });

  it('decodes @base64 job and label values, "=" being the empty value', async () => {
    const url = await serve();
    const job = Buffer.from('a/b').toString('base64url');
    expect((await send(url, 'PUT', `/metrics/job@base64/${job}/path@base64/${Buffer.from('/x/y').toString('base64url')}=/e@base64/=`, 'm 1\n')).status).toBe(200);
    const s = samplesOf(await scrape(url), 'm');
    expect(s[0]?.labels).toEqual({ job: 'a/b', path: '/x/y' });
  });

  it('refuses what the Pushgateway refuses, with its messages, and keeps what was stored', async () => {
    const url = await serve();
    expect((await send(url, 'PUT', '/metrics/job/j1', '# TYPE some_metric counter\nsome_metric 1\n')).status).toBe(200);
    const cases: [string, string, string | undefined, number, RegExp][] = [
      ['PUT', '/metrics/job/j2', 'ts_metric 1 1700000000000\n', 400, /pushed metrics must not have timestamps/],
      ['PUT', '/metrics/job/j2', 'm 1', 400, /^text format parsing error in line 1: unexpected end of input stream/],
      ['PUT', '/metrics/job/j2', 'ok 1\nbad{ 1\n', 400, /^text format parsing error in line 2: .*\(line starts at byte offset 5\)$/m],
      ['PUT', '/metrics/job/j2', 'some_metric 1\n', 400, /inconsistent with existing metrics.*some_metric/],
      ['PUT', '/metrics/job/j2', 'm{a="1"} 1\nm{a="1"} 2\n', 400, /was collected before with the same name and label values/],
      ['PUT', '/metrics/job/j2', 'flink_bridge_push_groups 1\n', 400, /sidecar's own/],
      ['PUT', '/metrics/job/j2/onlyname', 'm 1\n', 400, /^odd number of components in label string "\/onlyname"/],
      ['PUT', '/metrics/job/j2/__x/y', 'm 1\n', 400, /^improper label name "__x"/],
      ['PUT', '/metrics/job@base64/!!', 'm 1\n', 400, /invalid base64 encoding in job name/],
      ['GET', '/metrics/job/j2', undefined, 405, /Method Not Allowed/],
    ];
    for (const [method, path, body, status, message] of cases) {
      const r = await send(url, method, path, body);
      expect({ path, body, status: r.status }).toEqual({ path, body, status });
      expect(r.text).toMatch(message);
    }
    const fams = await scrape(url);
    expect(samplesOf(fams, 'some_metric').map((s) => s.labels['job'])).toEqual(['j1']);
    // A push refused after parsing marks its group failed (push_time_seconds 0), as setPushFailedTimestamp does.
    const failed = samplesOf(fams, 'push_failure_time_seconds').find((s) => s.labels['job'] === 'j2');
    expect(failed?.value).toBeGreaterThan(0);
    expect(samplesOf(fams, 'push_time_seconds').find((s) => s.labels['job'] === 'j2')?.value).toBe(0);
  });

  it('silently replaces a pushed push_time_seconds with its own', async () => {
    const url = await serve();
    expect((await send(url, 'PUT', '/metrics/job/j', 'push_time_seconds 1\n')).status).toBe(200);
    const pt = samplesOf(await scrape(url), 'push_time_seconds');
    expect(pt).toHaveLength(1);
    expect(pt[0]?.value).toBeGreaterThan(1e9);
  });

  it('accepts gzip and snappy bodies, and answers 413 for a gzip bomb without storing anything', async () => {
    const url = await serve({ limits: { max_body_size: '64KB', max_decoded_body_size: '1MB' } });
    expect((await send(url, 'PUT', '/metrics/job/g', gzipSync('g 1\n'), { 'Content-Encoding': 'gzip' })).status).toBe(200);
    expect((await send(url, 'PUT', '/metrics/job/s', snappy.compress(Buffer.from('s 2\n')), { 'Content-Encoding': 'snappy' })).status).toBe(200);
    const bomb = gzipSync(Buffer.alloc(16 * 1024 * 1024, 0x20)); // 16 MiB of blanks, ~16 KiB compressed
    expect(bomb.length).toBeLessThan(64 * 1024);
    const r = await send(url, 'PUT', '/metrics/job/bomb', bomb, { 'Content-Encoding': 'gzip' });
    expect(r.status).toBe(413);
    expect(r.text).toMatch(/max_decoded_body_size/);
    const big = await send(url, 'PUT', '/metrics/job/big', Buffer.alloc(100 * 1024, 0x20));
    expect(big.status).toBe(413);
    expect(big.text).toMatch(/max_body_size/);
    const fams = await scrape(url);
    expect(samplesOf(fams, 'g').map((s) => s.value)).toEqual([1]);
    expect(samplesOf(fams, 's').map((s) => s.value)).toEqual([2]);
    expect(samplesOf(fams, 'push_time_seconds').map((s) => s.labels['job']).sort()).toEqual(['g', 's']);
  });

  it('shows groups in the Pushgateway JSON view, and wipes only with the admin API on', async () => {
    const url = await serve({ enable_admin_api: true });
    await send(url, 'PUT', '/metrics/job/j/instance/i', '# HELP m help text\n# TYPE m gauge\nm 1.5\n# TYPE s summary\ns{quantile="0.5"} 1\ns_sum 3\ns_count 2\n');
    const body = (await (await fetch(`${url}/api/v1/metrics`)).json()) as { status: string; data: Record<string, unknown>[] };
    expect(body.status).toBe('success');
    expect(body.data).toHaveLength(1);
    const g = body.data[0] as Record<string, { type?: string; help?: string; metrics?: unknown[] }> & { labels: unknown; last_push_successful: boolean };
    expect(g.labels).toEqual({ job: 'j', instance: 'i' });
    expect(g.last_push_successful).toBe(true);
    expect(g['m']?.type).toBe('GAUGE');
    expect(g['m']?.help).toBe('help text');
    expect(g['m']?.metrics).toEqual([{ labels: { instance: 'i', job: 'j' }, value: '1.5' }]);
    expect(g['s']?.metrics).toEqual([{ labels: { instance: 'i', job: 'j' }, quantiles: { '0.5': '1' }, count: '2', sum: '3' }]);
    expect((await send(url, 'PUT', '/api/v1/admin/wipe')).status).toBe(202);
    expect(samplesOf(await scrape(url), 'm')).toEqual([]);
  });

  it('refuses the admin API when it is off, and leaves push paths to 404 when push is disabled', async () => {
    let url = await serve();
    expect((await send(url, 'PUT', '/api/v1/admin/wipe')).status).toBe(403);
    await server?.close();
    url = await serve({ enabled: false });
    expect((await send(url, 'PUT', '/metrics/job/j', 'm 1\n')).status).toBe(404);
  });
});
