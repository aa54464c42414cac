/**
 * Our `/api/v1` answers against a real Prometheus (3.16, and Debian's 2.42 with `promql.compat: "2"`) for the same
 * samples: Prometheus reads them from a TSDB block built with `promtool tsdb create-blocks-from openmetrics`, the
 * sidecar from its store filled through the appender. The same requests (Grafana's shapes among them) go to both;
 * the JSON bodies must be equal (errors: status, `errorType` and message).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpApp } from '../../../src/http/routes.js';
import { startServer, type RunningServer } from '../../../src/http/server.js';
import { apiBuildInfo } from '../../../src/http/api/status-info.js';
import { nullLogger } from '../../../src/log/logger.js';
import { labelSet } from '../../../src/model/labels.js';
import { Engine } from '../../../src/promql/engine/index.js';
import { MemorySeriesStore } from '../../../src/store/index.js';
import {
  createBlocksFromOpenMetrics,
  MINIMAL_PROMETHEUS_CONFIG,
  prometheusPeers,
  reportUnavailablePeer,
  startPrometheus,
  type RunningPrometheus,
} from '../../support/prometheus.js';

/** Six hours ago on a whole minute: well behind the head of the Prometheus that opens the block. */
const T0 = Math.floor((Date.now() - 6 * 3_600_000) / 60_000) * 60_000;
const STEP = 15_000;
const N = 80;
interface Gen {
  readonly labels: Record<string, string>;
  readonly value: (i: number) => number;
}
const SERIES: readonly Gen[] = [
  { labels: { job_name: 'a', task: 'src' }, value: (i) => i * 3 },
  { labels: { job_name: 'a', task: 'map' }, value: (i) => (i < 40 ? i * 7 : (i - 40) * 5) },
  { labels: { job_name: 'b', task: 'sink' }, value: (i) => i * 0.1 },
];

function openMetrics(): string {
  const lines = ['# TYPE flink_records counter'];
  for (const g of SERIES) {
    const ls = Object.entries(g.labels).map(([k, v]) => `${k}="${v}"`).join(',');
    for (let i = 0; i <= N; i++) lines.push(`flink_records_total{${ls}} ${g.value(i)} ${(T0 + i * STEP) / 1000}`);
  }
  return `${lines.join('\n')}\n# EOF\n`;
}

const sec = (ms: number): string => String(ms / 1000);
const END = T0 + N * STEP;

/**
 * Requests of Prometheus 3.x's API that 2.42 answers differently (no `limit` parameter, error wordings without the
 * `invalid parameter` prefix):
 * the sidecar follows 3.16's API in both compat modes.
 */
const API_3X_ONLY = new Set([5, 13, 15, 19]);

/** Requests sent to both servers: [method, path, form]. */
const REQUESTS: readonly [string, string, Record<string, string | string[]>][] = [
  ['GET', '/api/v1/query', { query: '1+1', time: sec(END) }],
  ['GET', '/api/v1/query', { query: 'flink_records_total', time: sec(END) }],
  ['GET', '/api/v1/query', { query: 'sum by (job_name) (rate(flink_records_total[1m]))', time: sec(END - 7_500) }],
  ['GET', '/api/v1/query', { query: 'flink_records_total{task="map"}[1m]', time: sec(END) }],
  ['GET', '/api/v1/query', { query: 'topk(1, flink_records_total)', time: sec(END), limit: '1' }],
  ['GET', '/api/v1/query', { query: 'flink_records_total', time: sec(END), limit: '1' }],
  ['POST', '/api/v1/query_range', { query: 'sum by (job_name) (rate(flink_records_total[1m]))', start: sec(T0), end: sec(END), step: '30' }],
  ['POST', '/api/v1/query_range', { query: 'increase(flink_records_total[2m]) / 2', start: sec(T0 + 7_000), end: sec(END + 600_000), step: '1m' }],
  ['GET', '/api/v1/query_range', { query: 'flink_records_total', start: new Date(T0).toISOString(), end: new Date(END).toISOString(), step: '45s' }],
  ['GET', '/api/v1/series', { 'match[]': ['flink_records_total{job_name="a"}', 'flink_records_total{task="sink"}'], start: sec(T0), end: sec(END) }],
  ['GET', '/api/v1/labels', { start: sec(T0), end: sec(END) }],
  ['GET', '/api/v1/label/__name__/values', { start: sec(T0), end: sec(END) }],
  ['GET', '/api/v1/label/task/values', { 'match[]': 'flink_records_total{job_name="a"}', start: sec(T0), end: sec(END) }],
  ['GET', '/api/v1/label/task/values', { start: sec(T0), end: sec(END), limit: '2' }],
  // errors
  ['GET', '/api/v1/query', { query: 'sum(', time: sec(END) }],
  ['GET', '/api/v1/query', { query: '1', time: 'yesterday' }],
  ['GET', '/api/v1/query_range', { query: '1', start: '0', end: '11001', step: '1' }],
  ['GET', '/api/v1/query_range', { query: '1', start: '10', end: '0', step: '1' }],
  ['GET', '/api/v1/query_range', { query: '1', start: '0', end: '10', step: '0' }],
  ['GET', '/api/v1/query_range', { query: 'flink_records_total[1m]', start: sec(T0), end: sec(END), step: '60' }],
  ['GET', '/api/v1/series', {}],
  ['GET', '/api/v1/query', { query: 'label_replace(flink_records_total, "task", "x", "", "")', time: sec(END) }],
];

async function send(base: string, [method, path, form]: (typeof REQUESTS)[number]): Promise<{ status: number; body: unknown }> {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(form)) for (const x of Array.isArray(v) ? v : [v]) params.append(k, x);
  const r =
    method === 'GET'
      ? await fetch(`${base}${path}?${params}`)
      : await fetch(`${base}${path}`, { method, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: params });
  return { status: r.status, body: (await r.json()) as unknown };
}

for (const lookup of prometheusPeers()) {
  describe(`/api/v1 answers equal Prometheus ${lookup.line}'s`, () => {
    if (!lookup.ok) {
      reportUnavailablePeer(lookup);
      return;
    }
    const peer = lookup.peer;
    let prom: RunningPrometheus | undefined;
    let ours: RunningServer | undefined;
    let dataDir = '';

    beforeAll(async () => {
      dataDir = await mkdtemp(join(tmpdir(), 'fpb-api-tsdb-'));
      await createBlocksFromOpenMetrics(openMetrics(), dataDir, peer.promtool);
      prom = await startPrometheus({ bin: peer.prometheus, configYaml: MINIMAL_PROMETHEUS_CONFIG, dataDir, args: ['--storage.tsdb.retention.time=100y', '--log.level=warn'] });
      const store = new MemorySeriesStore({ retentionMs: 100 * 365 * 86_400_000 });
      const app = store.appender('test');
      for (const g of SERIES) for (let i = 0; i <= N; i++) app.append(labelSet('flink_records_total', g.labels), T0 + i * STEP, g.value(i));
      app.commit();
      const compat = peer.major >= 3 ? '3' : '2';
      const engine = new Engine({ store, compat, delayedNameRemoval: false });
      const http = createHttpApp({
        store,
        logger: nullLogger,
        ready: () => true,
        restUrl: () => '',
        api: { store, engine: () => engine, queryTimeoutMs: () => 120_000, buildInfo: () => apiBuildInfo(compat), flags: () => ({}), configYaml: () => '', startTime: new Date() },
      });
      ours = await startServer(http, '127.0.0.1', 0);
    });
    afterAll(async () => {
      await prom?.stop();
      await ours?.close();
      if (dataDir) await rm(dataDir, { recursive: true, force: true });
    });

    const cases = REQUESTS.filter((_r, i) => peer.major >= 3 || !API_3X_ONLY.has(i));
    it.each(cases.map((r) => [`${r[0]} ${r[1]} ${JSON.stringify(r[2])}`, r] as const))('%s', async (_name, req) => {
      const theirs = await send((prom as RunningPrometheus).url, req);
      const mine = await send(`http://127.0.0.1:${(ours as RunningServer).address.port}`, req);
      expect(mine).toEqual(theirs);
    });
  });
}
