/**
 * Our exposition against the real Prometheus tools, for each Prometheus peer (2.42 and 3.16,
 * test/support/prometheus.ts):
 *
 * 1. `promtool check metrics` (expfmt's text parser plus the lint rules) on the text 0.0.4 output: exit code 0,
 *    no problem reported.
 * 2. promtool 2.42 cannot read OpenMetrics on stdin (it reads text only, and `tsdb create-blocks-from
 *    openmetrics` wants timestamps, which an exporter must not send), so the OpenMetrics output is validated by
 *    a real Prometheus scraping it: a local HTTP server answers with `negotiateFormat(Accept)`, Prometheus must
 *    pick OpenMetrics, report the target healthy, and store exactly our live series with our values. A second
 *    target serves text 0.0.4 for comparison. Both outputs are also checked with our own parser.
 */
import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { negotiateFormat, OPENMETRICS_CONTENT_TYPE, TEXT_CONTENT_TYPE } from '../../../src/exposition/negotiate.js';
import { parseGoFloat, parseTextExposition } from '../../../src/exposition/parser.js';
import { writeExposition } from '../../../src/exposition/writer.js';
import { labelSet } from '../../../src/model/labels.js';
import { MemorySeriesStore } from '../../../src/store/memory-series-store.js';
import {
  prometheusPeers,
  type PrometheusPeer,
  type PromVectorElement,
  reportUnavailablePeer,
  type RunningPrometheus,
  startPrometheus,
} from '../../support/prometheus.js';

/** A store with what the sidecar exposes, plus the awkward cases: escapes, unicode, NaN/±Inf, stale series. */
function representativeStore(): MemorySeriesStore {
  const store = new MemorySeriesStore({ retentionMs: 3_600_000 });
  store.setMetadata('flink-rest', 'flink_up', { type: 'gauge', help: 'Whether the Flink REST API answered the last poll.' });
  store.setMetadata('flink-rest', 'flink_job_restarts_total', { type: 'counter', help: 'Restarts of the job.\nCounted by Flink.' });
  store.setMetadata('flink-rest', 'flink_job_uptime_seconds', {
    type: 'gauge',
    help: 'Job uptime; a backslash \\ and "quotes" in HELP.',
    unit: 'seconds',
  });
  store.setMetadata('flink-rest', 'flink_task_records_in_total', { type: 'counter', help: 'Records into the vertex.' });
  store.setMetadata('flink-rest', 'flink_task_busy_ratio', { type: 'gauge', help: 'Busy time ratio.' });
  store.setMetadata('flink-rest', 'flink_job_checkpoint_duration_seconds', { type: 'summary', help: 'Checkpoint durations.', unit: 'seconds' });
  store.setMetadata('flink-rest', 'flink_job_checkpoint_size_bytes', { type: 'histogram', help: 'Checkpoint sizes.', unit: 'bytes' });
  const samples = [
    { labels: labelSet('flink_up'), value: 1 },
    { labels: labelSet('flink_job_restarts_total', { job_id: 'a1', job_name: 'Job "quoted" \\ back\nslash' }), value: 3 },
    { labels: labelSet('flink_job_restarts_total', { job_id: 'a2', job_name: 'ünïcødé ジョブ 😀' }), value: 1_234_567 },
    { labels: labelSet('flink_job_uptime_seconds', { job_id: 'a1', job_name: 'j' }), value: 12.5 },
    { labels: labelSet('flink_job_uptime_seconds', { job_id: 'a2', job_name: 'j' }), value: 1e-7 },
    { labels: labelSet('flink_task_busy_ratio', { job_id: 'a1', task_id: 't', window: '1m' }), value: NaN },
    { labels: labelSet('flink_task_busy_ratio', { job_id: 'a1', task_id: 't', window: '5m' }), value: Infinity },
    { labels: labelSet('flink_task_busy_ratio', { job_id: 'a1', task_id: 't', window: '15m' }), value: -Infinity },
    { labels: labelSet('flink_job_checkpoint_duration_seconds', { job_id: 'a1', quantile: '0.5' }), value: 0.25 },
    { labels: labelSet('flink_job_checkpoint_duration_seconds', { job_id: 'a1', quantile: '0.99' }), value: 1.5 },
    { labels: labelSet('flink_job_checkpoint_duration_seconds_sum', { job_id: 'a1' }), value: 30 },
    { labels: labelSet('flink_job_checkpoint_duration_seconds_count', { job_id: 'a1' }), value: 60 },
    { labels: labelSet('flink_job_checkpoint_size_bytes_bucket', { job_id: 'a1', le: '1024' }), value: 1 },
    { labels: labelSet('flink_job_checkpoint_size_bytes_bucket', { job_id: 'a1', le: '+Inf' }), value: 3 },
    { labels: labelSet('flink_job_checkpoint_size_bytes_sum', { job_id: 'a1' }), value: 5000 },
    { labels: labelSet('flink_job_checkpoint_size_bytes_count', { job_id: 'a1' }), value: 3 },
  ];
  for (let i = 0; i < 200; i++) {
    const labels = { job_id: 'a1', job_name: 'j', task_id: `t${i % 10}`, task_name: 'Source: Kafka -> Map', subtask_index: String(i) };
    samples.push({ labels: labelSet('flink_task_records_in_total', labels), value: i * 1000.5 });
  }
  const gone = labelSet('flink_task_records_in_total', { job_id: 'gone', subtask_index: '0' });
  store.appendSnapshot('flink-rest', 1000, [...samples, { labels: gone, value: 1 }]);
  store.appendSnapshot('flink-rest', 2000, samples); // `gone` is stale now and must not be exposed
  return store;
}

/**
 * Go's `strconv.FormatFloat(f, 'g', -1, 64)` plus ".0" when the result has neither "." nor "e": Prometheus's
 * `labels.FormatOpenMetricsFloat` (model/labels/float.go, v3.16).
 */
function formatOpenMetricsFloat(f: number): string {
  if (Number.isNaN(f)) return 'NaN';
  if (f === Infinity) return '+Inf';
  if (f === -Infinity) return '-Inf';
  if (f === 0) return '0.0'; // -0 too: Go's `f == 0` case
  // 'g' with the shortest digits switches to %e for exponents < -4 or ≥ 6 (Go: eprec = 6 when shortest)
  const [mantissa = '', exp = '0'] = f.toExponential().split('e');
  const e = Number(exp);
  const text = e < -4 || e >= 6 ? `${mantissa}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}` : String(f);
  return text.includes('.') || text.includes('e') ? text : `${text}.0`;
}

/**
 * Prometheus 3.x rewrites the `le` label of classic histogram buckets and the `quantile` label of summaries into
 * that float format when it parses a scrape (text and OpenMetrics: `normalizeFloatsInLabelValues` in
 * model/textparse/openmetricsparse.go; the 3.0 migration guide), so `le="1024"` is stored as `le="1024.0"`.
 * 2.x stores them as sent.
 */
function normalizeBucketLabels(type: string, labels: Readonly<Record<string, string>>): Readonly<Record<string, string>> {
  const name = type === 'histogram' ? 'le' : type === 'summary' ? 'quantile' : undefined;
  const v = name === undefined ? undefined : labels[name];
  if (name === undefined || v === undefined) return labels;
  const f = parseGoFloat(v);
  return f === undefined ? labels : { ...labels, [name]: formatOpenMetricsFloat(f) };
}

function runPromtoolStdin(bin: string, args: string[], input: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

for (const lookup of prometheusPeers()) {
  if (!lookup.ok) {
    describe(`Prometheus ${lookup.line}`, () => reportUnavailablePeer(lookup));
    continue;
  }
  const peer: PrometheusPeer = lookup.peer;

  describe(`promtool ${peer.line} check metrics`, () => {
    it('accepts the text 0.0.4 output without a single problem', async () => {
      const text = writeExposition(representativeStore());
      expect(text).toContain('job_name="Job \\"quoted\\" \\\\ back\\nslash"');
      expect(text).not.toContain('job_id="gone"');
      const r = await runPromtoolStdin(peer.promtool, ['check', 'metrics'], text);
      expect({ code: r.code, stdout: r.stdout, stderr: r.stderr }).toEqual({ code: 0, stdout: '', stderr: '' });
    });

    it('rejects what expfmt rejects (the check is real)', async () => {
      const r = await runPromtoolStdin(peer.promtool, ['check', 'metrics'], 'm{a="b"} 1 2.5\n');
      expect(r.code).not.toBe(0);
      expect(r.stdout + r.stderr).toContain('expected integer as timestamp');
    });
  });

  describe(`Prometheus ${peer.line} scrapes our OpenMetrics and text output`, () => {
    const store = representativeStore();
    const seen: { path: string; accept: string | undefined; contentType: string }[] = [];
    let server: Server;
    let prometheus: RunningPrometheus | undefined;

    beforeAll(async () => {
      server = createServer((req: IncomingMessage, res: ServerResponse) => {
        const negotiated = req.url === '/text' ? { format: 'text' as const, contentType: TEXT_CONTENT_TYPE } : negotiateFormat(req.headers.accept);
        seen.push({ path: req.url ?? '', accept: req.headers.accept, contentType: negotiated.contentType });
        const body = writeExposition(store, { format: negotiated.format, output: 'buffer' });
        res.writeHead(200, { 'Content-Type': negotiated.contentType, 'Content-Length': body.length });
        res.end(body);
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const port = (server.address() as AddressInfo).port;
      prometheus = await startPrometheus({
        bin: peer.prometheus,
        configYaml: [
          'global:',
          '  scrape_interval: 1s',
          '  scrape_timeout: 1s',
          'scrape_configs:',
          '  - job_name: fpb-negotiated',
          '    honor_labels: true',
          `    static_configs: [{ targets: ['127.0.0.1:${port}'] }]`,
          '  - job_name: fpb-text',
          '    metrics_path: /text',
          '    honor_labels: true',
          `    static_configs: [{ targets: ['127.0.0.1:${port}'] }]`,
          '',
        ].join('\n'),
      });
    });

    afterAll(async () => {
      await prometheus?.stop();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });

    async function waitForHealthyTargets(p: RunningPrometheus): Promise<void> {
      interface Targets {
        activeTargets: { scrapePool: string; health: string; lastError: string }[];
      }
      const deadline = Date.now() + 60_000;
      let last: Targets | undefined;
      while (Date.now() < deadline) {
        last = await p.api<Targets>('/api/v1/targets');
        const done = last.activeTargets.filter((t) => t.health !== 'unknown');
        if (done.length === 2) {
          for (const t of done) expect({ pool: t.scrapePool, health: t.health, lastError: t.lastError }).toEqual({ pool: t.scrapePool, health: 'up', lastError: '' });
          return;
        }
        await new Promise((r) => setTimeout(r, 250));
      }
      throw new Error(`targets not scraped in time: ${JSON.stringify(last)}\n${p.logs().slice(-3000)}`);
    }

    it('negotiates OpenMetrics with Prometheus and both targets store exactly our live series', async () => {
      const p = prometheus as RunningPrometheus;
      await waitForHealthyTargets(p);
      const negotiated = seen.find((s) => s.path === '/metrics');
      expect(negotiated?.accept).toContain('application/openmetrics-text');
      expect(negotiated?.contentType).toBe(OPENMETRICS_CONTENT_TYPE);

      // What we expect: every live series with its value (as Prometheus' API prints values).
      const expected = new Map<string, string>();
      for (const family of parseTextExposition(writeExposition(store))) {
        for (const s of family.samples) {
          const value = Number.isNaN(s.value) ? 'NaN' : s.value === Infinity ? '+Inf' : s.value === -Infinity ? '-Inf' : String(s.value);
          const labels = peer.major >= 3 ? normalizeBucketLabels(family.type, s.labels) : s.labels;
          expected.set(JSON.stringify([s.name, Object.entries(labels).sort()]), value);
        }
      }
      expect(expected.size).toBe(216);

      for (const job of ['fpb-negotiated', 'fpb-text']) {
        const data = await p.query(`{job="${job}", __name__=~"flink_.+"}`);
        if (data.resultType !== 'vector') throw new Error(`unexpected result type ${data.resultType}`);
        const got = new Map<string, string>();
        for (const el of data.result as readonly PromVectorElement[]) {
          const { __name__: name, job: _job, instance: _instance, ...labels } = el.metric;
          const v = parseGoFloat(el.value[1]) ?? NaN; // the API prints Go floats: `+Inf`, `NaN`
          const value = Number.isNaN(v) ? 'NaN' : v === Infinity ? '+Inf' : v === -Infinity ? '-Inf' : String(v);
          got.set(JSON.stringify([name, Object.entries(labels).sort()]), value);
        }
        expect(new Map([...got].sort()), job).toEqual(new Map([...expected].sort()));
      }

      // Our own parser accepts both bodies Prometheus accepted.
      expect(() => parseTextExposition(writeExposition(store, { format: 'openmetrics' }), { format: 'openmetrics' })).not.toThrow();
    });
  });
}
