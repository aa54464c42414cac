import { gunzipSync } from 'node:zlib';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpApp } from '../../../../src/http/routes.js';
import { startServer, type RunningServer } from '../../../../src/http/server.js';
import { nullLogger } from '../../../../src/log/logger.js';
import { labelSet } from '../../../../src/model/labels.js';
import { MemorySeriesStore } from '../../../../src/store/index.js';
import { Engine } from '../../../../src/promql/engine/index.js';
import { apiBuildInfo } from '../../../../src/http/api/status-info.js';

let server: RunningServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const T0 = 1_700_000_000_000;

/** A store with two counters sampled every 15 s for 10 minutes from T0 (values 0, 1, 2, … and 0, 10, 20, …). */
async function serve(opts: { timeoutMs?: number; maxSamples?: number } = {}): Promise<string> {
  const store = new MemorySeriesStore({ retentionMs: 10 * 365 * 86_400_000 });
  store.setMetadata('test', 'flink_records_total', { type: 'counter', help: 'Records.' });
  for (let i = 0; i <= 40; i++) {
    store.appendSnapshot('test', T0 + i * 15_000, [
      { labels: labelSet('flink_records_total', { job_name: 'a' }), value: i },
      { labels: labelSet('flink_records_total', { job_name: 'b' }), value: 10 * i },
    ]);
  }
  const engine = new Engine({ store, ...(opts.maxSamples !== undefined ? { maxSamples: opts.maxSamples } : {}) });
  const app = createHttpApp({
    store,
    logger: nullLogger,
    ready: () => true,
    restUrl: () => 'http://flink:8081',
    api: {
      store,
      engine: () => engine,
      queryTimeoutMs: () => opts.timeoutMs ?? 120_000,
      buildInfo: () => apiBuildInfo('3'),
      flags: () => ({ 'query.timeout': '2m' }),
      configYaml: () => 'query:\n  timeoutMs: 120000\n',
      startTime: new Date(T0),
    },
  });
  server = await startServer(app, '127.0.0.1', 0);
  return `http://127.0.0.1:${server.address.port}`;
}

async function get(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const r = await fetch(url);
  expect(r.headers.get('content-type')).toMatch(/^application\/json/);
  return { status: r.status, body: (await r.json()) as Record<string, unknown> };
}

const s = (ms: number): string => String(ms / 1000);

describe('/api/v1/query', () => {
  it('answers an instant vector with Prometheus JSON shapes', async () => {
    const url = await serve();
    const r = await fetch(`${url}/api/v1/query?query=flink_records_total&time=${s(T0 + 600_000)}`);
    expect(r.status).toBe(200);
    expect(await r.text()).toBe(
      '{"status":"success","data":{"resultType":"vector","result":[' +
        '{"metric":{"__name__":"flink_records_total","job_name":"a"},"value":[1700000600,"40"]},' +
        '{"metric":{"__name__":"flink_records_total","job_name":"b"},"value":[1700000600,"400"]}]}}',
    );
  });
  it('answers scalars and strings (the Grafana health check 1+1)', async () => {
    const url = await serve();
    expect((await get(`${url}/api/v1/query?query=1%2B1&time=1700000000.123`)).body).toEqual({
      status: 'success',
      data: { resultType: 'scalar', result: [1700000000.123, '2'] },
    });
    expect((await get(`${url}/api/v1/query?query=%22x%22&time=1`)).body).toEqual({
      status: 'success',
      data: { resultType: 'string', result: [1, 'x'] },
    });
  });
  it('answers a range selector as a matrix with the sample times', async () => {
    const url = await serve();
    const { body } = await get(`${url}/api/v1/query?query=flink_records_total%7Bjob_name%3D%22a%22%7D%5B30s%5D&time=${s(T0 + 30_000)}`);
    expect(body).toEqual({
      status: 'success',
      data: { resultType: 'matrix', result: [{ metric: { __name__: 'flink_records_total', job_name: 'a' }, values: [[1700000015, '1'], [1700000030, '2']] }] },
    });
  });
  it('accepts POST form bodies', async () => {
    const url = await serve();
    const r = await fetch(`${url}/api/v1/query`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ query: 'sum(flink_records_total)', time: s(T0 + 600_000) }),
    });
    expect(await r.json()).toEqual({ status: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: [1700000600, '440'] }] } });
  });
  it('limit truncates with a warning', async () => {
    const url = await serve();
    const { body } = await get(`${url}/api/v1/query?query=flink_records_total&time=${s(T0)}&limit=1`);
    expect((body['data'] as { result: unknown[] }).result).toHaveLength(1);
    expect(body['warnings']).toEqual(['results truncated due to limit']);
  });
  it('bad_data 400 for parse errors and bad parameters, execution 422 for evaluation errors', async () => {
    const url = await serve();
    let r = await get(`${url}/api/v1/query?query=sum(`);
    expect(r.status).toBe(400);
    expect(r.body['errorType']).toBe('bad_data');
    expect(r.body['error']).toMatch(/^invalid parameter "query": 1:5: parse error: /);
    r = await get(`${url}/api/v1/query?query=1&time=yesterday`);
    expect(r.status).toBe(400);
    expect(r.body['error']).toBe(`invalid parameter "time": invalid time value for 'time': cannot parse "yesterday" to a valid timestamp`);
    r = await get(`${url}/api/v1/query?query=${encodeURIComponent('label_replace(flink_records_total, "job_name", "x", "", "")')}&time=${s(T0)}`);
    expect(r.status).toBe(422);
    expect(r.body).toEqual({ status: 'error', errorType: 'execution', error: 'vector cannot contain metrics with the same labelset' });
  });
  it('execution 422 with Prometheus message when max_samples is exceeded', async () => {
    const url = await serve({ maxSamples: 3 });
    const r = await get(`${url}/api/v1/query?query=flink_records_total%5B5m%5D&time=${s(T0 + 600_000)}`);
    expect(r.status).toBe(422);
    expect(r.body['error']).toMatch(/^query processing would load too many samples into memory in /);
  });
});

describe('/api/v1/query_range', () => {
  it('answers a matrix with one point per step; the Grafana POST shape', async () => {
    const url = await serve();
    const r = await fetch(`${url}/api/v1/query_range`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ query: 'sum by (job_name) (flink_records_total)', start: s(T0 + 60_000), end: s(T0 + 120_000), step: '30' }),
    });
    expect(await r.json()).toEqual({
      status: 'success',
      data: {
        resultType: 'matrix',
        result: [
          { metric: { job_name: 'a' }, values: [[1700000060, '4'], [1700000090, '6'], [1700000120, '8']] },
          { metric: { job_name: 'b' }, values: [[1700000060, '40'], [1700000090, '60'], [1700000120, '80']] },
        ],
      },
    });
  });
  it('refuses more than 11 000 points, a bad step and an end before start (bad_data)', async () => {
    const url = await serve();
    let r = await get(`${url}/api/v1/query_range?query=1&start=0&end=11001&step=1`);
    expect(r.status).toBe(400);
    expect(r.body['error']).toBe('exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)');
    r = await get(`${url}/api/v1/query_range?query=1&start=0&end=11000&step=1`);
    expect(r.status).toBe(200);
    r = await get(`${url}/api/v1/query_range?query=1&start=0&end=10&step=0`);
    expect(r.body['error']).toBe('invalid parameter "step": zero or negative query resolution step widths are not accepted. Try a positive integer');
    r = await get(`${url}/api/v1/query_range?query=1&start=10&end=0&step=1`);
    expect(r.body['error']).toBe('invalid parameter "end": end timestamp must not be before start time');
    // a range vector is refused when the query is built (Prometheus's NewRangeQuery), so bad_data, not execution
    r = await get(`${url}/api/v1/query_range?query=x%5B1m%5D&start=0&end=10&step=1`);
    expect([r.status, r.body['error']]).toEqual([400, 'invalid parameter "query": invalid expression type "range vector" for range query, must be Scalar or instant Vector']);
    r = await get(`${url}/api/v1/query_range?query=1&start=0&end=10`);
    expect(r.body['error']).toBe('invalid parameter "step": cannot parse "" to a valid duration');
  });
  it('accepts duration steps and RFC3339 times', async () => {
    const url = await serve();
    const r = await get(`${url}/api/v1/query_range?query=1&start=2023-11-14T22:13:20Z&end=2023-11-14T22:14:20Z&step=30s`);
    expect(r.body['data']).toEqual({ resultType: 'matrix', result: [{ metric: {}, values: [[1700000000, '1'], [1700000030, '1'], [1700000060, '1']] }] });
  });
});

describe('series, labels, label values, metadata', () => {
  it('/series with match[] (repeated) and a time range', async () => {
    const url = await serve();
    const r = await get(`${url}/api/v1/series?match[]=flink_records_total%7Bjob_name%3D%22b%22%7D&match[]=flink_records_total%7Bjob_name%3D%22a%22%7D&start=${s(T0)}&end=${s(T0 + 600_000)}`);
    expect(r.body).toEqual({
      status: 'success',
      data: [
        { __name__: 'flink_records_total', job_name: 'a' },
        { __name__: 'flink_records_total', job_name: 'b' },
      ],
    });
    expect((await get(`${url}/api/v1/series?match[]=flink_records_total&start=${s(T0 + 3_600_000)}`)).body['data']).toEqual([]);
    const e = await get(`${url}/api/v1/series`);
    expect([e.status, e.body['error']]).toEqual([400, 'no match[] parameter provided']);
    const m = await get(`${url}/api/v1/series?match[]=%7Bx%3D%22%22%7D`);
    expect(m.status).toBe(400);
    // Prometheus's parser refuses it before the API's own check, hence parse-error wording
    expect(m.body['error']).toMatch(/^invalid parameter "match\[\]": 1:1: parse error: vector selector must contain at least one non-empty matcher$/);
  });
  it('/labels and /label/<name>/values (the Grafana metric browser)', async () => {
    const url = await serve();
    expect((await get(`${url}/api/v1/labels?start=${s(T0)}&end=${s(T0 + 60_000)}`)).body).toEqual({ status: 'success', data: ['__name__', 'job_name'] });
    expect((await get(`${url}/api/v1/label/__name__/values?start=${s(T0)}&end=${s(T0 + 60_000)}`)).body).toEqual({ status: 'success', data: ['flink_records_total'] });
    expect((await get(`${url}/api/v1/label/job_name/values?match[]=flink_records_total&limit=1`)).body).toEqual({
      status: 'success',
      data: ['a'],
      warnings: ['results truncated due to limit'],
    });
    const bad = await get(`${url}/api/v1/label/9x/values`);
    expect([bad.status, bad.body['error']]).toEqual([400, 'invalid label name: "9x"']);
  });
  it('/metadata', async () => {
    const url = await serve();
    expect((await get(`${url}/api/v1/metadata`)).body).toEqual({
      status: 'success',
      data: { flink_records_total: [{ type: 'counter', help: 'Records.', unit: '' }] },
    });
    expect((await get(`${url}/api/v1/metadata?metric=nope`)).body['data']).toEqual({});
  });
});

describe('the other endpoints', () => {
  it('query_exemplars is empty, format_query prints canonically, parse_query returns the AST', async () => {
    const url = await serve();
    expect((await get(`${url}/api/v1/query_exemplars?query=x`)).body).toEqual({ status: 'success', data: [] });
    expect((await get(`${url}/api/v1/format_query?query=${encodeURIComponent('sum(rate(x[5m]))by(a)')}`)).body).toEqual({
      status: 'success',
      data: 'sum by (a) (rate(x[5m]))',
    });
    const p = await get(`${url}/api/v1/parse_query?query=x`);
    expect((p.body['data'] as { type: string; name: string }).type).toBe('vectorSelector');
    expect((p.body['data'] as { type: string; name: string }).name).toBe('x');
  });
  it('status pages', async () => {
    const url = await serve();
    expect(((await get(`${url}/api/v1/status/buildinfo`)).body['data'] as Record<string, string>)['version']).toBe('3.16.0');
    expect((await get(`${url}/api/v1/status/flags`)).body['data']).toEqual({ 'query.timeout': '2m' });
    expect((await get(`${url}/api/v1/status/config`)).body['data']).toEqual({ yaml: 'query:\n  timeoutMs: 120000\n' });
    expect(((await get(`${url}/api/v1/status/runtimeinfo`)).body['data'] as Record<string, unknown>)['startTime']).toBe('2023-11-14T22:13:20.000Z');
  });
  it('gzips large answers when asked', async () => {
    const url = await serve();
    const r = await request(`${url}/api/v1/query_range?query=flink_records_total&start=${s(T0)}&end=${s(T0 + 600_000)}&step=15`, {
      headers: { 'accept-encoding': 'gzip' },
    });
    expect(r.headers['content-encoding']).toBe('gzip');
    const body = JSON.parse(gunzipSync(Buffer.from(await r.body.arrayBuffer())).toString('utf8')) as { data: { result: { values: unknown[] }[] } };
    expect(body.data.result.map((x) => x.values.length)).toEqual([41, 41]);
  });
});

describe('cancellation', () => {
  it('a client that goes away aborts the signal the engine evaluates under', async () => {
    const store = new MemorySeriesStore({ retentionMs: 60_000 });
    let started!: () => void;
    const running = new Promise<void>((r) => (started = r));
    let aborted!: () => void;
    const sawAbort = new Promise<void>((r) => (aborted = r));
    // An engine whose query runs until its signal aborts: what the real engine does at its next check.
    const engine = {
      parse: (q: string) => new Engine({ store }).parse(q),
      instantQuery: (_q: unknown, _t: number, o: { signal?: AbortSignal }) =>
        new Promise((_resolve, reject) => {
          started();
          o.signal?.addEventListener('abort', () => {
            aborted();
            reject(new Error('canceled'));
          });
        }),
    } as unknown as Engine;
    const app = createHttpApp({
      store,
      logger: nullLogger,
      ready: () => true,
      restUrl: () => '',
      api: { store, engine: () => engine, queryTimeoutMs: () => 1000, buildInfo: () => ({}), flags: () => ({}), configYaml: () => '', startTime: new Date() },
    });
    server = await startServer(app, '127.0.0.1', 0);
    const ac = new AbortController();
    const req = fetch(`http://127.0.0.1:${server.address.port}/api/v1/query?query=up`, { signal: ac.signal }).catch(() => undefined);
    await running;
    ac.abort();
    await sawAbort;
    await req;
  });
});

describe('behind the web config', () => {
  it('basic auth guards the API like every other path', async () => {
    const store = new MemorySeriesStore({ retentionMs: 60_000 });
    const engine = new Engine({ store });
    const app = createHttpApp({
      store,
      logger: nullLogger,
      ready: () => true,
      restUrl: () => '',
      authorize: (h) => h === `Basic ${Buffer.from('u:p').toString('base64')}`,
      api: { store, engine: () => engine, queryTimeoutMs: () => 1000, buildInfo: () => ({}), flags: () => ({}), configYaml: () => '', startTime: new Date() },
    });
    server = await startServer(app, '127.0.0.1', 0);
    const url = `http://127.0.0.1:${server.address.port}/api/v1/query?query=1&time=1`;
    const denied = await fetch(url);
    expect([denied.status, denied.headers.get('www-authenticate')]).toEqual([401, 'Basic']);
    const ok = await fetch(url, { headers: { authorization: `Basic ${Buffer.from('u:p').toString('base64')}` } });
    expect(await ok.json()).toEqual({ status: 'success', data: { resultType: 'scalar', result: [1, '1'] } });
  });
});
