import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import protobuf from 'protobufjs';
import snappy from 'snappyjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pushSectionSchema, resolvePush } from '../../../src/config/sections/push.js';
import { parseTextExposition } from '../../../src/exposition/index.js';
import { createHttpApp } from '../../../src/http/routes.js';
import { startServer, type RunningServer } from '../../../src/http/server.js';
import { nullLogger } from '../../../src/log/logger.js';
import { SelfMetrics } from '../../../src/self/metrics.js';
import { pushSetup } from '../../../src/sources/push/setup.js';
import { MemorySeriesStore } from '../../../src/store/index.js';
import { freePort } from '../../support/prometheus.js';

/**
 * The differential test of issue 6 §4: the same corpus of pushes, in order, to the real Pushgateway 1.5.1 (Debian
 * `prometheus-pushgateway`) and to the sidecar. After every step: the same status code, the same error class, and
 * the same exposition of every group (series, values, types), except the deliberate differences the README lists.
 */
const PUSHGATEWAY = '/usr/bin/prometheus-pushgateway';
const PROTO_CT = 'application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited';
const MF = protobuf.loadSync(new URL('../../../proto/metrics.proto', import.meta.url).pathname).lookupType('io.prometheus.client.MetricFamily');

function delimited(...families: Record<string, unknown>[]): Buffer {
  const w = protobuf.Writer.create();
  for (const f of families) MF.encodeDelimited(MF.fromObject(f), w);
  return Buffer.from(w.finish());
}
const b64 = (s: string): string => Buffer.from(s).toString('base64url');

interface Step {
  readonly what: string;
  readonly method: 'PUT' | 'POST' | 'DELETE' | 'GET';
  readonly path: string;
  readonly body?: string | Buffer;
  readonly headers?: Record<string, string>;
  /** A deliberate difference (README): the Pushgateway's answer is not compared; ours must have this status. */
  readonly differs?: { readonly ours: number; readonly why: string };
}

const FLINK_TM = `# HELP flink_taskmanager_job_task_operator_numRecordsIn numRecordsIn (scope: taskmanager_job_task_operator)
# TYPE flink_taskmanager_job_task_operator_numRecordsIn gauge
flink_taskmanager_job_task_operator_numRecordsIn{job_id="a1",task_id="t1",subtask_index="0",operator_name="Source:_gen",host="h",tm_id="tm_1",} 42.0
flink_taskmanager_job_task_operator_numRecordsIn{job_id="a1",task_id="t1",subtask_index="1",operator_name="Source:_gen",host="h",tm_id="tm_1",} 7.0
# HELP flink_taskmanager_job_latency_source_id_operator_id_operator_subtask_index_latency latency (scope: taskmanager_job_latency_source_id_operator_id_operator_subtask_index)
# TYPE flink_taskmanager_job_latency_source_id_operator_id_operator_subtask_index_latency summary
flink_taskmanager_job_latency_source_id_operator_id_operator_subtask_index_latency{job_id="a1",source_id="s",operator_id="o",operator_subtask_index="0",quantile="0.5",} 3.0
flink_taskmanager_job_latency_source_id_operator_id_operator_subtask_index_latency{job_id="a1",source_id="s",operator_id="o",operator_subtask_index="0",quantile="0.99",} 9.0
flink_taskmanager_job_latency_source_id_operator_id_operator_subtask_index_latency_count{job_id="a1",source_id="s",operator_id="o",operator_subtask_index="0",} 120.0
`;

const CORPUS: readonly Step[] = [
  { what: 'Flink TaskManager registry, random job suffix, PUT', method: 'PUT', path: '/metrics/job/flink5f3c9a', body: FLINK_TM },
  { what: 'second group with instance in the path', method: 'PUT', path: '/metrics/job/batch/instance/i1', body: 'batch_last_success 1.7e9\n# TYPE rows counter\nrows{table="t"} 10\n' },
  { what: 'body label overridden by the path', method: 'PUT', path: '/metrics/job/over/instance/p', body: 'm{instance="body",job="body",x="1"} 1\n' },
  { what: 'POST adds a family', method: 'POST', path: '/metrics/job/batch/instance/i1', body: 'extra 5\n' },
  { what: 'POST replaces one family only', method: 'POST', path: '/metrics/job/batch/instance/i1', body: '# TYPE rows counter\nrows{table="u"} 11\n' },
  { what: 'POST with an empty body', method: 'POST', path: '/metrics/job/batch/instance/i1', body: '' },
  { what: 'PUT with an empty body empties the group', method: 'PUT', path: '/metrics/job/over/instance/p', body: '' },
  { what: 'histogram', method: 'PUT', path: '/metrics/job/hist', body: '# TYPE h histogram\nh_bucket{le="0.5"} 1\nh_bucket{le="+Inf"} 3\nh_sum 2.5\nh_count 3\n' },
  { what: '@base64 job and label, empty value', method: 'PUT', path: `/metrics/job@base64/${b64('a/b')}/path@base64/${b64('/x')}/empty@base64/=`, body: 'b 1\n' },
  { what: '@base64 with padding', method: 'PUT', path: `/metrics/job/pad/v@base64/${Buffer.from('ab').toString('base64')}`, body: 'p 2\n' },
  { what: 'type conflict across groups', method: 'PUT', path: '/metrics/job/other', body: '# TYPE rows gauge\nrows 1\n' },
  { what: 'untyped vs counter across groups', method: 'PUT', path: '/metrics/job/other2', body: 'rows{table="z"} 1\n' },
  { what: 'same type across groups is fine', method: 'PUT', path: '/metrics/job/other3', body: '# TYPE rows counter\nrows{table="z"} 1\n' },
  { what: 'duplicate series in one body', method: 'PUT', path: '/metrics/job/dup', body: 'd{a="1"} 1\nd{a="1"} 2\n' },
  { what: 'timestamp in the body', method: 'PUT', path: '/metrics/job/ts', body: 'ts_metric 1 1700000000000\n' },
  { what: 'missing final newline', method: 'PUT', path: '/metrics/job/nl', body: 'x 1' },
  { what: 'bad value', method: 'PUT', path: '/metrics/job/bad', body: 'x one\n' },
  { what: 'odd path components', method: 'PUT', path: '/metrics/job/j/onlyname', body: 'x 1\n' },
  { what: 'reserved label in the path', method: 'PUT', path: '/metrics/job/j/__x/y', body: 'x 1\n' },
  { what: 'bad base64 in a label', method: 'PUT', path: '/metrics/job/j/v@base64/%21%21', body: 'x 1\n' },
  { what: 'push_time_seconds in the body is replaced', method: 'PUT', path: '/metrics/job/ptime', body: 'push_time_seconds 1\nkeep 1\n' },
  { what: 'gzip body', method: 'PUT', path: '/metrics/job/gz', body: gzipSync('gz_metric 3\n'), headers: { 'Content-Encoding': 'gzip' } },
  {
    what: 'protobuf body',
    method: 'PUT',
    path: '/metrics/job/pb',
    headers: { 'Content-Type': PROTO_CT },
    body: delimited(
      { name: 'pb_counter', type: 0, help: 'c', metric: [{ label: [{ name: 'k', value: 'v' }], counter: { value: 4 } }] },
      { name: 'pb_summary', type: 2, metric: [{ summary: { sampleCount: 2, sampleSum: 3, quantile: [{ quantile: 0.5, value: 1.5 }] } }] },
      { name: 'pb_hist', type: 4, metric: [{ histogram: { sampleCount: 3, sampleSum: 1, bucket: [{ upperBound: 0.25, cumulativeCount: 1 }] } }] },
    ),
  },
  {
    what: 'protobuf: the same family twice, the last wins',
    method: 'PUT',
    path: '/metrics/job/pb2',
    headers: { 'Content-Type': PROTO_CT },
    body: delimited({ name: 'pbg', type: 1, metric: [{ gauge: { value: 1 } }] }, { name: 'pbg', type: 1, metric: [{ gauge: { value: 2 } }] }),
  },
  { what: 'garbage protobuf', method: 'PUT', path: '/metrics/job/pbbad', headers: { 'Content-Type': PROTO_CT }, body: Buffer.from([0x0a, 0xff, 0x01, 0x02]) },
  { what: 'DELETE a group', method: 'DELETE', path: '/metrics/job/hist' },
  { what: 'DELETE an unknown group', method: 'DELETE', path: '/metrics/job/never' },
  { what: 'GET on a push path', method: 'GET', path: '/metrics/job/batch' },
  { what: 'POST to a group with labels, then DELETE it', method: 'POST', path: '/metrics/job/del/instance/x/zone@base64/ZXUvMQ', body: 'z 1\n' },
  { what: 'DELETE of a group with labels', method: 'DELETE', path: '/metrics/job/del/instance/x/zone@base64/ZXUvMQ' },
  { what: 'POST changing a family type within its own group', method: 'POST', path: '/metrics/job/batch/instance/i1', body: '# TYPE extra gauge\nextra 6\n' },
  {
    what: 'snappy body',
    method: 'PUT',
    path: '/metrics/job/sn',
    body: snappy.compress(Buffer.from('sn_metric 1\n')),
    headers: { 'Content-Encoding': 'snappy' },
    differs: { ours: 200, why: '1.5.1 knows only gzip and parses the compressed bytes as text' },
  },
  { what: 'DELETE the snappy group again (states equal after)', method: 'DELETE', path: '/metrics/job/sn' },
  { what: 'PUT replaces the Flink group', method: 'PUT', path: '/metrics/job/flink5f3c9a', body: FLINK_TM.split('\n').slice(0, 4).join('\n') + '\n' },
];

/** The class of a refusal, from either side's message. */
function errorClass(status: number, text: string): string {
  if (status < 400) return 'ok';
  const classes: [string, RegExp][] = [
    ['parse', /text format parsing error/],
    ['timestamp', /must not have timestamps/],
    ['duplicate', /was collected before with the same name and label values/],
    ['conflict', /has type \w+ but should have|is not a (COUNTER|GAUGE|UNTYPED|SUMMARY|HISTOGRAM)/i],
    ['path', /odd number of components|improper label name|invalid base64|job name is required/],
    ['protobuf', /unexpected EOF|invalid protobuf|MetricFamily/],
    ['method', /Method Not Allowed/i],
  ];
  for (const [name, re] of classes) if (re.test(text)) return name;
  return `unclassified ${status}: ${text.trim().slice(0, 200)}`;
}

/** Every pushed series of a scrape as `name{labels} value` lines (timestamps gauges as 0 or "set"), sorted; types apart. */
function pushedState(text: string, own: RegExp): { series: string[]; types: string[] } {
  const series: string[] = [];
  const types: string[] = [];
  for (const f of parseTextExposition(text)) {
    if (own.test(f.name)) continue;
    types.push(`${f.name} ${f.type}`);
    for (const s of f.samples) {
      // Deliberate difference 1 (README): an empty label value (instance="" and others) is no label in the store.
      const labels = Object.entries(s.labels)
        .filter(([, v]) => v !== '')
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([n, v]) => `${n}=${JSON.stringify(v)}`)
        .join(',');
      const timeGauge = f.name === 'push_time_seconds' || f.name === 'push_failure_time_seconds';
      series.push(`${s.name}{${labels}} ${timeGauge ? (s.value === 0 ? '0' : 'set') : String(s.value)}`);
    }
  }
  return { series: series.sort(), types: types.sort() };
}

// Skipped without the binary, except in CI (CI=true, .ci/run installs it), where a missing peer must fail.
const available = existsSync(PUSHGATEWAY) || process.env['CI'] === 'true';

describe.skipIf(!available)('push API vs the real Pushgateway 1.5.1', () => {
  let pg: ChildProcess;
  let pgUrl = '';
  let sidecar: RunningServer;
  let ourUrl = '';

  beforeAll(async () => {
    const port = await freePort();
    // Debian's build persists to /var/lib/prometheus/pushgateway.data by default: memory only here.
    pg = spawn(PUSHGATEWAY, [`--web.listen-address=127.0.0.1:${port}`, '--persistence.file=', '--web.enable-admin-api', '--log.level=error'], {
      stdio: 'ignore',
    });
    pgUrl = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 20_000;
    for (;;) {
      try {
        if ((await fetch(`${pgUrl}/-/ready`)).status === 200) break;
      } catch {
        // not yet listening
      }
      if (Date.now() > deadline) throw new Error('pushgateway did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
    const store = new MemorySeriesStore({ retentionMs: 600_000 });
    const self = new SelfMetrics({ processMetrics: false });
    const push = pushSetup(resolvePush(pushSectionSchema.parse({ enable_admin_api: true })), { store, self, logger: nullLogger, onCommit: () => {} });
    const app = createHttpApp({
      store,
      logger: nullLogger,
      ready: () => true,
      restUrl: () => 'http://127.0.0.1:1',
      ...(push !== undefined ? { push: push.http } : {}),
    });
    sidecar = await startServer(app, '127.0.0.1', 0);
    ourUrl = `http://127.0.0.1:${sidecar.address.port}`;
  });

  afterAll(async () => {
    await sidecar?.close();
    if (pg?.pid !== undefined && pg.exitCode === null) process.kill(pg.pid, 'SIGTERM');
  });

  it('agrees on status, error class and every group after each step of the corpus', async () => {
    for (const step of CORPUS) {
      const send = async (base: string) => {
        const r = await fetch(base + step.path, { method: step.method, body: step.body, headers: step.headers });
        return { status: r.status, class: errorClass(r.status, await r.text()) };
      };
      const [theirs, ours] = [await send(pgUrl), await send(ourUrl)];
      if (step.differs !== undefined) {
        expect({ step: step.what, status: ours.status }).toEqual({ step: step.what, status: step.differs.ours });
        continue;
      }
      expect({ step: step.what, status: ours.status, class: ours.class }).toEqual({ step: step.what, status: theirs.status, class: theirs.class });
      const pgState = pushedState(await (await fetch(`${pgUrl}/metrics`)).text(), /^(go_|process_|pushgateway_|promhttp_|push_(time|failure_time)_seconds_placeholder)/);
      const ourState = pushedState(await (await fetch(`${ourUrl}/metrics`)).text(), /^flink_bridge_/);
      expect({ step: step.what, ...ourState }).toEqual({ step: step.what, ...pgState });
    }
  });

  it('agrees on the JSON view of the groups (labels, success, families, values)', async () => {
    const view = async (base: string) => {
      const body = (await (await fetch(`${base}/api/v1/metrics`)).json()) as { status: string; data: Record<string, unknown>[] };
      return body.data
        .map((g) => {
          const families = Object.keys(g)
            .filter((k) => k !== 'labels' && k !== 'last_push_successful' && k !== 'push_time_seconds' && k !== 'push_failure_time_seconds')
            .sort()
            .map((k) => {
              const f = g[k] as { type: string; metrics: { labels: Record<string, string>; buckets?: Record<string, string> }[] };
              // Deliberate difference (README): the sidecar lists the +Inf bucket it adds to a histogram pushed without one.
              for (const m of f.metrics) if (m.buckets !== undefined) delete m.buckets['+Inf'];
              const metrics = f.metrics
                .map((m) => JSON.stringify(Object.entries({ ...m, labels: Object.fromEntries(Object.entries(m.labels).filter(([, v]) => v !== '').sort()) }).sort()))
                .sort();
              return { name: k, type: f.type, metrics };
            });
          return { labels: JSON.stringify(Object.entries(g['labels'] as Record<string, string>).filter(([, v]) => v !== '').sort()), ok: g['last_push_successful'], families };
        })
        .sort((a, b) => (a.labels < b.labels ? -1 : 1));
    };
    expect(await view(ourUrl)).toEqual(await view(pgUrl));
  });
});
