import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/eventually.js';
import { parseSamples, type ScrapedSample } from '../support/metrics.js';
import { startSidecar, type RunningSidecar } from '../support/sidecar.js';
import { flinkScript, pushReporterConf } from '../support/flink.js';

/**
 * The status page in a real browser (issue 10 §2): Debian's chromium driven by playwright-core 1.64.1 (its protocol
 * matches Chromium 156) against the sidecar polling a real Flink of FLINK_LINE that runs the demo job with the
 * reporter pushing. The page must load without console errors, show the job RUNNING with non-zero throughput, draw
 * the job's vertices (names from Flink's /jobs/<id>), show the same numbers as /metrics, and show a killed
 * TaskManager as an alert. Screenshots go to .cache/screenshots/ (git-ignored).
 */

/** The little of the DOM the page.evaluate callbacks use (they run in the browser; this project has no DOM lib). */
interface DomElement {
  readonly dataset: Record<string, string | undefined>;
  querySelector(selector: string): DomElement | null;
}
declare const document: { querySelector(selector: string): DomElement | null; querySelectorAll(selector: string): Iterable<DomElement> };
const ROOT = resolve(import.meta.dirname, '../..');
const LINE = process.env['FLINK_LINE'] ?? '2';
const REST_PORT = process.env['FLINK_REST_PORT'] ?? '18081';
const REST_URL = `http://127.0.0.1:${REST_PORT}`;
const CHROMIUM = process.env['CHROMIUM_BIN'] ?? '/usr/bin/chromium';
const SHOTS = join(ROOT, '.cache/screenshots');

let sidecar: RunningSidecar | undefined;
let browser: Browser | undefined;
let page: Page;
let jobId = '';
let flinkEnv: NodeJS.ProcessEnv = {};
const consoleErrors: string[] = [];

async function flink(...args: string[]): Promise<string> {
  return flinkScript(flinkEnv, ...args);
}

async function scrape(): Promise<ScrapedSample[]> {
  const r = await (sidecar as RunningSidecar).get('/metrics');
  return parseSamples(r.body);
}

const metric = (s: ScrapedSample[], name: string, labels: Record<string, string> = {}): number | undefined =>
  s.find((x) => x.name === name && Object.entries(labels).every(([k, v]) => x.labels[k] === v))?.value;

/** Flink's PrometheusReporter label normalisation, as the sidecar applies it to task_name. */
const labelValue = (s: string): string => s.replace(/[^a-zA-Z0-9:_]/g, '_');

describe(`status page in Chromium (Flink ${LINE})`, () => {
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fpb-page-'));
    // A TaskManager alert without `for`, so the kill below shows up within a poll or two.
    writeFileSync(join(dir, 'tm.yml'), 'groups:\n  - name: e2e\n    rules:\n      - alert: TaskManagerLost\n        expr: flink_cluster_taskmanagers < 1\n        labels:\n          severity: critical\n        annotations:\n          summary: no TaskManager is registered\n');
    sidecar = await startSidecar({
      restUrl: REST_URL,
      dir,
      configYaml: `global:\n  poll_interval: 5s\n  evaluation_interval: 5s\n  windows: [1m, 5m]\nflink:\n  timeout: 4s\n  fetcher_update_interval: 2s\nrule_files:\n  - ${resolve(ROOT, 'rules')}/*.yml\n  - tm.yml\n`,
    });
    flinkEnv = {
      ...process.env,
      FLINK_LINE: LINE,
      FLINK_REST_PORT: REST_PORT,
      FLINK_EXTRA_CONF: [
        ...pushReporterConf(sidecar.url),
      ].join('\n'),
    };
    await flink('stop');
    await flink('start');
    jobId = await flink('submit-job', '--new');
    await flink('wait-running', jobId);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = await browser.newPage({ viewport: { width: 1400, height: 1800 } });
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(String(e)));
    mkdirSync(SHOTS, { recursive: true });
    await page.goto(`${sidecar.url}/`);
  });

  afterAll(async () => {
    await browser?.close();
    if (sidecar) {
      const code = await sidecar.stop();
      if (code !== 0) console.error(sidecar.output());
    }
    await flink('stop');
  });

  it('shows the demo job RUNNING with non-zero throughput and a sparkline, and its vertices in the job graph', async () => {
    const row = await eventually('the job RUNNING with throughput on the page', 90_000, async () => {
      const r = await page.evaluate((id) => {
        const tr = document.querySelector(`tr.job[data-job-id="${id}"]`) ;
        return tr === null ? null : { state: tr.dataset['state'], rps: Number(tr.dataset['sourceRps']), spark: tr.querySelector('polyline') !== null };
      }, jobId);
      return r !== null && r.state === 'RUNNING' && r.rps > 0 && r.spark ? r : false;
    });
    expect(row.rps).toBeGreaterThan(0);
    const detail = (await (await fetch(`${REST_URL}/jobs/${jobId}`)).json()) as { vertices: { id: string; name: string }[] };
    const shown = await page.evaluate((id) => [...document.querySelectorAll(`svg.job-graph[data-job-id="${id}"] g.vertex`)].map((g) => g.dataset['vertexName'] ?? ''), jobId);
    expect(shown.sort()).toEqual(detail.vertices.map((v) => labelValue(v.name)).sort());
    expect(await page.locator(`svg.job-graph[data-job-id="${jobId}"] path.edge`).count()).toBe(detail.vertices.length - 1);
    await page.screenshot({ path: join(SHOTS, `page-flink-${LINE}.png`), fullPage: true });
  });

  it('shows the numbers /metrics shows', async () => {
    // The page and /metrics read the same store; a poll between the two reads can change a rate, so read both
    // until they come from the same poll.
    await eventually('page numbers equal to /metrics', 60_000, async () => {
      const shown = await page.evaluate((id) => {
        const card = (k: string) => Number((document.querySelector(`[data-testid="${k}"]`) )?.dataset['value']);
        const vertices = [...document.querySelectorAll(`svg.job-graph[data-job-id="${id}"] g.vertex`)].map((g) => {
          const d = g.dataset;
          return { id: d['vertexId'] ?? '', recordsIn: d['recordsIn'] ?? '', busy: d['busy'] ?? '' };
        });
        return { tms: card('taskmanagers'), slots: card('slots-total'), vertices };
      }, jobId);
      const s = await scrape();
      expect(shown.tms).toBe(metric(s, 'flink_cluster_taskmanagers'));
      expect(shown.slots).toBe(metric(s, 'flink_cluster_slots', { state: 'total' }));
      expect(shown.vertices.length).toBeGreaterThan(0);
      for (const v of shown.vertices) {
        const want = metric(s, 'flink_task_records_in_per_second', { job_id: jobId, task_id: v.id, window: '1m' });
        expect(v.recordsIn === '' ? undefined : Number(v.recordsIn), v.id).toBe(want);
        expect(v.busy === '' ? undefined : Number(v.busy), v.id).toBe(metric(s, 'flink_task_busy_max_ratio', { job_id: jobId, task_id: v.id }));
      }
      return true;
    });
  });

  it('shows a killed TaskManager as a firing alert, without console errors', async () => {
    // scripts/flink.sh sets heartbeat.timeout 20 s: the JobManager drops the dead TaskManager after that.
    await flink('stop-tm', '--kill');
    await eventually('the TaskManagerLost alert on the page', 90_000, async () =>
      page.evaluate(() => document.querySelector('tr.alert[data-alertname="TaskManagerLost"][data-state="firing"]') !== null),
    );
    await page.screenshot({ path: join(SHOTS, `page-flink-${LINE}-tm-killed.png`), fullPage: true });
    expect(await page.evaluate(() => document.querySelector('[data-testid="taskmanagers"]')?.dataset['value'])).toBe('0');
    expect(consoleErrors).toEqual([]);
  });
});
