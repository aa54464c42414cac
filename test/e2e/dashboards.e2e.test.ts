import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DASHBOARDS } from '../../grafana/src/index.js';
import { buildDashboard } from '../../grafana/src/panels.js';
import { eventually } from '../support/eventually.js';
import { interpolate, type VariableValue } from '../support/grafana-variables.js';
import { freePort, prometheusPeers, startPrometheus, type PromQueryData, type RunningPrometheus } from '../support/prometheus.js';
import { startSidecar, type RunningSidecar } from '../support/sidecar.js';
import { flinkScript, pushReporterConf } from '../support/flink.js';

/**
 * Every panel of grafana/dashboards/ shows real data (issue 10 §1). A real Flink of FLINK_LINE runs the demo job
 * (late records, checkpoints) with Flink's PushGateway reporter pushing to the sidecar; the sidecar evaluates the
 * bundled rules plus a Watchdog alert (always firing, the kube-prometheus convention that proves the alert path) and
 * remote-writes `flink_up` to Prometheus 3.16 (so the remote-write panels have a queue to show); real Prometheus 2.42
 * and 3.16 scrape the sidecar. Then, for each dashboard and each of the three data sources (the sidecar's own query
 * API and the two Prometheus), the template variables are resolved as Grafana resolves them (label_values through the
 * label-values API, All selected for multi-value variables) and substituted as Grafana substitutes them, and every
 * panel target runs as a range query over the last minutes: it must succeed and return at least one series. Panels
 * marked `needs` (a connector the demo job does not have, e.g. Kafka) must succeed and may be empty.
 */
const exec = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../..');
const LINE = process.env['FLINK_LINE'] ?? '2';
const REST_PORT = process.env['FLINK_REST_PORT'] ?? '18081';
const REST_URL = `http://127.0.0.1:${REST_PORT}`;
/** The sidecar's poll interval and both Prometheus' scrape interval: Grafana's "scrape interval" of each source. */
const INTERVAL_S = 5;
const RANGE_S = 180;

interface DataSource {
  readonly name: string;
  readonly url: string;
}

let sidecar: RunningSidecar | undefined;
const proms: RunningPrometheus[] = [];
const sources: DataSource[] = [];
let flinkEnv: NodeJS.ProcessEnv = {};

async function flink(...args: string[]): Promise<string> {
  return flinkScript(flinkEnv, ...args);
}

async function api<T>(base: string, path: string, params: Record<string, string | string[]>): Promise<T> {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) for (const x of Array.isArray(v) ? v : [v]) body.append(k, x);
  const r = await fetch(`${base}${path}?${body.toString()}`);
  const json = (await r.json()) as { status: string; data?: T; error?: string };
  if (r.status !== 200 || json.status !== 'success') throw new Error(`${base}${path} ${body.toString()}: ${r.status} ${json.error ?? ''}`);
  return json.data as T;
}

/** `label_values(metric, label)` / `label_values(label)` as Grafana's Prometheus data source runs it. */
async function labelValues(base: string, query: string, startS: number, endS: number): Promise<string[]> {
  const m = /^label_values\((?:(.+),\s*)?(\w+)\)$/.exec(query.trim());
  if (m === null) throw new Error(`not a label_values query: ${query}`);
  const params: Record<string, string | string[]> = { start: String(startS), end: String(endS) };
  if (m[1] !== undefined) params['match[]'] = [m[1]];
  return api<string[]>(base, `/api/v1/label/${m[2] as string}/values`, params);
}

describe(`Grafana dashboards on real data (Flink ${LINE})`, () => {
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fpb-dashboards-'));
    writeFileSync(join(dir, 'watchdog.yml'), 'groups:\n  - name: watchdog\n    rules:\n      - alert: Watchdog\n        expr: vector(1)\n        labels:\n          severity: none\n');
    const sidecarPort = await freePort();
    const scrape = `global:\n  scrape_interval: ${INTERVAL_S}s\nscrape_configs:\n  - job_name: flink-prometheus-bridge\n    honor_labels: true\n    static_configs:\n      - targets: ['127.0.0.1:${sidecarPort}']\n`;
    const peers = prometheusPeers();
    for (const p of peers) {
      if (!p.ok) throw new Error(`Prometheus ${p.line} is needed: ${p.reason}`);
      const prom = await startPrometheus({ bin: p.peer.prometheus, configYaml: scrape, args: ['--web.enable-remote-write-receiver', '--log.level=warn'] });
      proms.push(prom);
      sources.push({ name: `Prometheus ${p.line}`, url: prom.url });
    }
    const receiver = proms[proms.length - 1] as RunningPrometheus;
    sidecar = await startSidecar({
      restUrl: REST_URL,
      dir,
      port: sidecarPort,
      configYaml: [
        'global:',
        `  poll_interval: ${INTERVAL_S}s`,
        `  evaluation_interval: ${INTERVAL_S}s`,
        '  windows: [1m, 5m]',
        'flink:',
        '  timeout: 4s',
        '  fetcher_update_interval: 2s',
        '  exceptions_interval: 10s',
        'rule_files:',
        `  - ${resolve(ROOT, 'rules')}/*.yml`,
        '  - watchdog.yml',
        'remote_write:',
        `  - url: ${receiver.url}/api/v1/write`,
        '    name: central',
        '    write_relabel_configs:',
        '      - source_labels: [__name__]',
        '        regex: flink_up',
        '        action: keep',
        '',
      ].join('\n'),
    });
    sources.unshift({ name: 'sidecar', url: sidecar.url });
    flinkEnv = {
      ...process.env,
      FLINK_LINE: LINE,
      FLINK_REST_PORT: REST_PORT,
      FLINK_EXTRA_CONF: [
        ...pushReporterConf(sidecar.url),
        'metrics.latency.interval: 2000',
      ].join('\n'),
    };
    await flink('stop');
    await flink('start');
    const jobId = await flink('submit-job', '--new');
    await flink('wait-running', jobId);
  });

  afterAll(async () => {
    for (const p of proms) await p.stop();
    if (sidecar) {
      const code = await sidecar.stop();
      if (code !== 0) console.error(sidecar.output());
    }
    await flink('stop');
  });

  it('every panel target and template variable of every dashboard returns data from the sidecar and from Prometheus 2.42 and 3.16', async () => {
    const dashboards = DASHBOARDS.map((d) => ({ spec: d, json: buildDashboard(d) }));
    const checked = new Map<string, number>();
    // Keep asking until everything has data (windowed rates need two polls, checkpoints and late records need time,
    // Prometheus needs samples inside $__rate_interval); the last failure list is the error message.
    await eventually('every dashboard panel to return data from every data source', 240_000, async () => {
      const missing: string[] = [];
      const endS = Date.now() / 1000;
      const startS = endS - RANGE_S;
      for (const source of sources) {
        for (const { spec, json } of dashboards) {
          const vars: Record<string, VariableValue> = {};
          for (const v of json.templating?.list ?? []) {
            if (v.type !== 'query') continue;
            const definition = interpolate(String(v.definition ?? ''), vars, { intervalS: INTERVAL_S, scrapeIntervalS: INTERVAL_S, rangeS: RANGE_S });
            const values = (await labelValues(source.url, definition, startS, endS)).sort();
            if (values.length === 0) {
              missing.push(`${source.name} / ${spec.uid}: variable $${v.name} (${definition}) has no values`);
              break;
            }
            const multi = v.multi === true || v.includeAll === true;
            vars[v.name] = { values: multi ? values : values.slice(0, 1), multi };
          }
          if (Object.keys(vars).length < (json.templating?.list ?? []).filter((v) => v.type === 'query').length) continue;
          for (const row of spec.rows) {
            for (const panel of row.panels) {
              for (const q of panel.queries) {
                const expr = interpolate(q.expr, vars, { intervalS: INTERVAL_S, scrapeIntervalS: INTERVAL_S, rangeS: RANGE_S });
                const data = await api<PromQueryData>(source.url, '/api/v1/query_range', { query: expr, start: String(startS), end: String(endS), step: String(INTERVAL_S) });
                const n = data.resultType === 'matrix' ? data.result.filter((s) => s.values.length > 0).length : 0;
                checked.set(`${spec.uid} / ${panel.title} / ${q.expr}`, n);
                if (n === 0 && panel.needs === undefined) missing.push(`${source.name} / ${spec.uid} / ${panel.title}: ${expr}`);
              }
            }
          }
        }
      }
      if (missing.length > 0) throw new Error(`no data:\n${missing.join('\n')}`);
      return true;
    });
    const targets = DASHBOARDS.flatMap((d) => d.rows.flatMap((r) => r.panels.flatMap((p) => p.queries)));
    expect(checked.size).toBe(new Set(DASHBOARDS.flatMap((d) => d.rows.flatMap((r) => r.panels.flatMap((p) => p.queries.map((q) => `${d.uid} / ${p.title} / ${q.expr}`))))).size);
    expect(targets.length).toBeGreaterThan(60);
  });
});
