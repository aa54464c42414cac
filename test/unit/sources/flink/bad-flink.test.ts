import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemorySeriesStore } from '../../../../src/store/index.js';
import { FlinkPoller } from '../../../../src/sources/flink/poller.js';
import { FlinkRestClient } from '../../../../src/sources/flink/rest-client.js';
import { SelfMetrics } from '../../../../src/self/metrics.js';
import { nullLogger } from '../../../../src/log/logger.js';
import { FixtureRest, fixture } from '../../../support/flink-fixtures.js';

/**
 * A real HTTP server that answers like the recorded Flink 2.3.0 JobManager, except for the endpoints a test makes
 * misbehave; the real client and poller poll it. "Done when: Flink answering HTML, 500, a truncated body, a hang,
 * or an unknown version each gives a logged, counted error and the rest of the cycle's series."
 */
type Misbehaviour = 'html' | '500' | 'truncated' | 'hang' | 'unknown-version';
const misbehave = new Map<string, Misbehaviour>();
const fixtures = new FixtureRest('2.3.0');
let server: http.Server;
let url: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const path = req.url ?? '/';
    const bare = path.split('?')[0] ?? '';
    const how = [...misbehave].find(([prefix]) => bare === prefix || bare.endsWith(prefix))?.[1];
    if (how === 'html') return void res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>502 Bad Gateway</body></html>');
    if (how === '500') return void res.writeHead(500, { 'content-type': 'application/json' }).end('{"errors":["Internal server error."]}');
    if (how === 'hang') return;
    if (how === 'truncated') {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '5000' });
      res.write('{"taskmanagers":[{"id":"127.0.0.1:1');
      setTimeout(() => res.destroy(), 10);
      return;
    }
    fixtures
      .getJson(path, bare)
      .then((body) => {
        if (how === 'unknown-version') body = { ...(body as object), 'flink-version': '3.7.0' };
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      })
      .catch((e: unknown) => res.writeHead(404).end(JSON.stringify({ errors: [String(e)] })));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

async function pollWith(cases: Record<string, Misbehaviour>) {
  misbehave.clear();
  for (const [k, v] of Object.entries(cases)) misbehave.set(k, v);
  const store = new MemorySeriesStore({ retentionMs: 600_000 });
  const self = new SelfMetrics({ processMetrics: false });
  const warnings: string[] = [];
  const logger = { ...nullLogger, warn: (o: unknown) => void warnings.push(JSON.stringify(o)), child: () => logger };
  const rest = new FlinkRestClient({ restUrl: url, timeoutMs: 300, concurrency: 4, retries: 1, retryBackoffMs: 10 }, self);
  const poller = new FlinkPoller({
    rest,
    store,
    self,
    logger,
    pollIntervalMs: 15_000,
    exceptionsIntervalMs: 60_000,
    metricNamesRefreshIntervalMs: 300_000,
  });
  const outcome = await poller.pollOnce();
  await rest.close();
  const live = (name: string) => [...store.family(name)].filter((s) => !s.isStale);
  const errors = await self.endpointErrors.get();
  return { outcome, live, warnings, errors: errors.values.map((v) => `${v.labels.endpoint} ${v.labels.code} ${v.value}`) };
}

describe('a misbehaving Flink REST API', () => {
  it('HTML, a 500, a truncated body and a hang each cost only their own endpoint, logged and counted', async () => {
    const job = fixture<{ jid: string }>('2.3.0', 'job.json');
    const r = await pollWith({
      '/checkpoints': 'html',
      '/jobmanager/metrics': '500',
      '/taskmanagers': 'truncated',
      '/exceptions': 'hang',
    });
    expect(r.errors.sort()).toEqual([
      '/jobmanager/metrics FPB_ERR_FLINK_HTTP 1',
      '/jobs/:jid/checkpoints FPB_ERR_FLINK_RESPONSE 1',
      '/jobs/:jid/exceptions FPB_ERR_FLINK_TIMEOUT 1',
      '/taskmanagers FPB_ERR_FLINK_CONNECT 1',
    ]);
    expect(r.warnings.length).toBe(4);
    expect(r.live('flink_up').map((s) => s.lastValue)).toEqual([1]);
    expect(r.live('flink_job_checkpoints_total')).toEqual([]);
    expect(r.live('flink_jobmanager_heap_used_bytes')).toEqual([]);
    expect(r.live('flink_taskmanager_heap_used_bytes')).toEqual([]);
    expect(r.live('flink_job_exceptions_total')).toEqual([]);
    // the rest of the cycle's series are there
    expect(r.live('flink_job_state').filter((s) => s.labels.get('job_id') === job.jid)).toHaveLength(11);
    expect(r.live('flink_task_records_out_total')).toHaveLength(3);
    expect(r.live('flink_job_restarts_total')).toHaveLength(1);
  });

  it('an unknown Flink version is logged and counted once, and polling goes on', async () => {
    const r = await pollWith({ '/config': 'unknown-version' });
    expect(r.errors).toEqual(['/config FPB_ERR_FLINK_VERSION 1']);
    expect(r.warnings.join()).toContain('3.7.0');
    expect(r.live('flink_build_info').map((s) => s.labels.get('version'))).toEqual(['3.7.0']);
    expect(r.live('flink_task_records_out_total')).toHaveLength(3);
  });
});
