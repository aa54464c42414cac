import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPrometheus, type RunningPrometheus } from '../support/prometheus.js';
import { startSidecar, type RunningSidecar } from '../support/sidecar.js';
import { parseSamples, type ScrapedSample } from '../support/metrics.js';
import { ALL_FAMILIES, PUSHED_FAMILIES } from '../../src/sources/flink/families.js';
import { eventually } from '../support/eventually.js';
import { flinkScript } from '../support/flink.js';

/**
 * End-to-end against a real Flink (scripts/flink.sh: JobManager + TaskManager from the PyPI distribution, plain java)
 * of the line in FLINK_LINE (1.20 or 2), running the demo job (datagen source → keyed event-time window → sink,
 * checkpoints every 10 s), with the built sidecar polling it and a real Prometheus scraping the sidecar.
 */
const LINE = process.env['FLINK_LINE'] ?? '2';
const REST_PORT = process.env['FLINK_REST_PORT'] ?? '18081';
const REST_URL = `http://127.0.0.1:${REST_PORT}`;
const POLL_S = 5;
// Flink's MetricFetcher refreshes every 10 s by default; 2 s makes 1m rates smooth enough to compare with Prometheus.
// A 10 s restart delay keeps the job in RESTARTING long enough for a 5 s poll to see it leave RUNNING.
const FLINK_ENV = {
  ...process.env,
  FLINK_LINE: LINE,
  FLINK_REST_PORT: REST_PORT,
  FLINK_EXTRA_CONF: 'metrics.fetcher.update-interval: 2000',
  FLINK_RESTART_DELAY: '10 s',
};

async function flink(...args: string[]): Promise<string> {
  return flinkScript(FLINK_ENV, ...args);
}

let sidecar: RunningSidecar;
let prometheus: RunningPrometheus;
let jobId = '';
/** When `wait-running` saw the job RUNNING with all its tasks (Unix ms). */
let runningAtMs = 0;

/**
 * Families the demo job (datagen source → keyed event-time window → discard sink, checkpoints every 10 s) cannot
 * produce, with the reason; every other family of src/sources/flink/families.ts must appear within 60 s of RUNNING.
 */
const NOT_FROM_DEMO_JOB: Readonly<Record<string, string>> = {
  flink_task_source_pending_records: 'no Kafka or other source reporting FLIP-33 pendingRecords',
  flink_task_source_records_lag_max: 'no Kafka source',
  // This suite's Flink runs without the PushGateway reporter; test/e2e/push.e2e.test.ts asserts these with it on.
  ...Object.fromEntries(PUSHED_FAMILIES.map((f) => [f.name, 'only from pushed reporter data (push.e2e.test.ts)'])),
};
/** Every /metrics answer of the test is checked for negative rates and out-of-range ratios. */
const rateViolations: string[] = [];

async function scrape(): Promise<ScrapedSample[]> {
  const r = await sidecar.get('/metrics');
  expect(r.status).toBe(200);
  const samples = parseSamples(r.body);
  for (const s of samples) {
    if (s.name.endsWith('_per_second') && !(s.value >= 0)) rateViolations.push(`${s.name}${JSON.stringify(s.labels)} ${s.value}`);
    if (/^flink_task_(busy|backpressured|idle)_ratio$/.test(s.name) && !(s.value >= 0 && s.value <= 1)) {
      rateViolations.push(`${s.name}${JSON.stringify(s.labels)} ${s.value}`);
    }
  }
  return samples;
}

function find(samples: ScrapedSample[], name: string, labels: Record<string, string> = {}): ScrapedSample[] {
  return samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
}

function value(samples: ScrapedSample[], name: string, labels: Record<string, string> = {}): number | undefined {
  return find(samples, name, labels)[0]?.value;
}

/** Polls `check` (which throws or returns false while unmet) until it passes or `timeoutMs` elapses. */
describe(`sidecar against a real Flink ${LINE}`, () => {
  beforeAll(async () => {
    await flink('stop');
    await flink('start');
    jobId = await flink('submit-job', '--new');
    await flink('wait-running', jobId);
    runningAtMs = Date.now();
    sidecar = await startSidecar({
      restUrl: REST_URL,
      configYaml: `global:\n  poll_interval: ${POLL_S}s\n  windows: [1m, 5m, 15m]\nflink:\n  timeout: 5s\n  fetcher_update_interval: 2s\n  exceptions_interval: 10s\n`,
    });
    prometheus = await startPrometheus({
      configYaml: `global:\n  scrape_interval: ${POLL_S}s\nscrape_configs:\n  - job_name: bridge\n    static_configs:\n      - targets: ['127.0.0.1:${sidecar.port}']\n`,
    });
  });

  afterAll(async () => {
    await prometheus?.stop();
    if (sidecar) {
      const code = await sidecar.stop();
      if (code !== 0) console.error(sidecar.output());
    }
    await flink('stop');
  });

  it('serves the watermark lag and every family the demo job can produce within 60 s of RUNNING', async () => {
    const expected = ALL_FAMILIES.map((f) => f.name).filter((n) => !(n in NOT_FROM_DEMO_JOB));
    const samples = await eventually('every family of the demo job', Math.max(0, runningAtMs + 60_000 - Date.now()), async () => {
      const s = await scrape();
      const missing = expected.filter((name) => find(s, name).length === 0);
      if (missing.length > 0) throw new Error(`missing: ${missing.join(', ')}`);
      return s;
    });
    const uptime = value(samples, 'flink_job_uptime_seconds', { job_id: jobId });
    expect(uptime).toBeGreaterThan(0);
    const lags = [...find(samples, 'flink_task_watermark_lag_seconds', { job_id: jobId }), ...find(samples, 'flink_job_watermark_lag_seconds', { job_id: jobId })];
    // the window and sink vertices have input watermarks (the source has no input), plus the job-level maximum
    expect(lags.length).toBeGreaterThanOrEqual(3);
    for (const lag of lags) {
      expect(lag.value, `${lag.name} ${JSON.stringify(lag.labels)}`).toBeGreaterThanOrEqual(0);
      expect(lag.value, `${lag.name} ${JSON.stringify(lag.labels)}`).toBeLessThan(uptime ?? 0);
    }
  });

  it('shows the running job with windowed rates, ratios and checkpoint age', async () => {
    const samples = await eventually('derived metrics of the running job', 120_000, async () => {
      const s = await scrape();
      expect(value(s, 'flink_up')).toBe(1);
      expect(value(s, 'flink_job_state', { job_id: jobId, state: 'RUNNING' })).toBe(1);
      for (const window of ['1m', '5m', '15m']) {
        expect(value(s, 'flink_job_source_records_per_second', { job_id: jobId, window }), window).toBeGreaterThan(0);
      }
      const age = value(s, 'flink_job_checkpoint_age_seconds', { job_id: jobId });
      expect(age).toBeDefined();
      expect(age).toBeLessThan(30);
      expect(find(s, 'flink_task_busy_ratio', { job_id: jobId, window: '1m' }).length).toBeGreaterThanOrEqual(3);
      return s;
    });
    expect((await sidecar.get('/-/ready')).status).toBe(200);
    expect(find(samples, 'flink_build_info')[0]?.labels['version']).toMatch(LINE === '1.20' ? /^1\.20\./ : /^2\./);
    for (const name of ['flink_task_busy_ratio', 'flink_task_backpressured_ratio', 'flink_task_idle_ratio']) {
      const series = find(samples, name, { job_id: jobId });
      expect(series.length, name).toBeGreaterThanOrEqual(3);
      for (const s of series) {
        expect(s.value, `${name} ${JSON.stringify(s.labels)}`).toBeGreaterThanOrEqual(0);
        expect(s.value, `${name} ${JSON.stringify(s.labels)}`).toBeLessThanOrEqual(1);
      }
    }
    expect(find(samples, 'flink_task_info', { job_id: jobId, source: 'true' }).length).toBe(1);
    expect(value(samples, 'flink_cluster_taskmanagers')).toBe(1);
    expect(find(samples, 'flink_taskmanager_heap_used_bytes').length).toBe(1);
    expect(find(samples, 'flink_taskmanager_gc_collections_total').length).toBeGreaterThan(0);
    // The request count does not depend on parallelism: 4 + T + Σjobs(3 + V).
    expect(value(samples, 'flink_bridge_poll_requests_planned')).toBe(4 + 1 + 3 + find(samples, 'flink_task_parallelism', { job_id: jobId }).length);
  });

  it('agrees with a real Prometheus that scraped it on rate(flink_task_records_out_total[1m])', async () => {
    await eventually('the Prometheus target to be up', 30_000, async () => {
      const targets = await prometheus.api<{ activeTargets: { health: string; lastError: string }[] }>('/api/v1/targets');
      expect(targets.activeTargets.map((t) => `${t.health} ${t.lastError}`)).toEqual(['up ']);
      return true;
    });
    // Prometheus needs a full minute of its own scrapes before its 1m rate is comparable.
    await new Promise((r) => setTimeout(r, 65_000));
    await eventually('Prometheus and sidecar rates within 10 %', 60_000, async () => {
      const ours = find(await scrape(), 'flink_task_records_out_per_second', { job_id: jobId, window: '1m' }).filter((s) => s.value > 0);
      const theirs = await prometheus.query(`rate(flink_task_records_out_total{job_id="${jobId}"}[1m])`);
      if (theirs.resultType !== 'vector') throw new Error(`unexpected ${theirs.resultType}`);
      expect(ours.length).toBeGreaterThanOrEqual(2);
      const mismatches: string[] = [];
      for (const o of ours) {
        const p = theirs.result.find((r) => r.metric['task_id'] === o.labels['task_id']);
        const pv = p ? Number(p.value[1]) : NaN;
        const rel = Math.abs(pv - o.value) / Math.max(pv, o.value);
        if (!(rel <= 0.1)) mismatches.push(`${o.labels['task_name']}: ours ${o.value} prometheus ${pv}`);
      }
      if (mismatches.length > 0) throw new Error(mismatches.join('; '));
      return true;
    });
  });

  it('makes exactly the planned number of requests in a steady cycle', async () => {
    // Name lists settle 60 s after their entity went live; exceptions are read every other cycle (exceptions_interval
    // 10 s), so some cycles are steady and some are not: the measured count must equal the plan in a steady one.
    await new Promise((r) => setTimeout(r, Math.max(0, runningAtMs + 75_000 - Date.now())));
    const seen: string[] = [];
    await eventually('a steady cycle with as many requests as planned', 30_000, async () => {
      const s = await scrape();
      const measured = value(s, 'flink_bridge_poll_requests');
      const planned = value(s, 'flink_bridge_poll_requests_planned');
      seen.push(`${measured}/${planned}`);
      expect(measured, seen.join(' ')).toBe(planned);
      expect(measured).toBeGreaterThanOrEqual(4 + 1 + 3 + 3);
      return true;
    });
  });

  it('follows a TaskManager crash and restart: job leaves RUNNING, comes back, restarts grow, rates never negative', async () => {
    const before = await scrape();
    const restartsBefore = value(before, 'flink_job_restarts_total', { job_id: jobId }) ?? 0;
    await flink('stop-tm', '--kill');
    // Record every state the sidecar shows while the replacement TaskManager starts at once, whatever the job does.
    const record: { state: string; vertexSeries: number; rates: number }[] = [];
    let recording = true;
    const recorder = (async () => {
      while (recording) {
        const s = await scrape();
        const state = find(s, 'flink_job_state', { job_id: jobId }).find((x) => x.value === 1)?.labels['state'] ?? 'absent';
        record.push({
          state,
          vertexSeries: find(s, 'flink_task_records_out_total', { job_id: jobId }).length,
          rates: find(s, 'flink_task_records_out_per_second', { job_id: jobId }).length,
        });
        await new Promise((r) => setTimeout(r, 1000));
      }
    })();
    try {
      await flink('start-tm');
      await eventually('the job to run again with more restarts and fresh rates', 180_000, async () => {
        const s = await scrape();
        const seen = JSON.stringify({
          restartsBefore,
          restarts: value(s, 'flink_job_restarts_total', { job_id: jobId }),
          sourceRate1m: value(s, 'flink_job_source_records_per_second', { job_id: jobId, window: '1m' }),
          recordsOut: find(s, 'flink_task_records_out_total', { job_id: jobId }).map((x) => x.value),
          states: record.map((r) => r.state).join(' '),
        });
        expect(value(s, 'flink_job_state', { job_id: jobId, state: 'RUNNING' }), seen).toBe(1);
        expect(value(s, 'flink_job_restarts_total', { job_id: jobId }), seen).toBeGreaterThan(restartsBefore);
        expect(value(s, 'flink_job_source_records_per_second', { job_id: jobId, window: '1m' }), seen).toBeGreaterThan(0);
        return true;
      });
    } finally {
      recording = false;
      await recorder;
    }
    const states = record.map((r) => r.state);
    // the job left RUNNING at some point (RESTARTING for the 10 s restart delay), and was RUNNING at the end
    expect(states.filter((x) => x !== 'RUNNING').length, states.join(' ')).toBeGreaterThan(0);
    expect(states.at(-1)).toBe('RUNNING');
    // vertex-level series are absent whenever the job is not RUNNING
    expect(record.filter((r) => r.state !== 'RUNNING' && (r.vertexSeries > 0 || r.rates > 0))).toEqual([]);
    expect(rateViolations).toEqual([]);
  });

  it('serves flink_up 0 while the JobManager is down, ends the job series after stale_after, and they return with it', async () => {
    await flink('stop-jm');
    await eventually('flink_up 0', 60_000, async () => {
      const s = await scrape();
      expect(value(s, 'flink_up')).toBe(0);
      // kept for stale_after (3 x 5 s), then stale
      expect(s.filter((x) => x.name.startsWith('flink_task_') || x.name.startsWith('flink_job_') || x.name.startsWith('flink_taskmanager_'))).toEqual([]);
      return true;
    });
    expect((await sidecar.get('/-/healthy')).status).toBe(200);
    expect(sidecar.output()).toMatch(/Flink REST API unreachable/);
    await flink('start-jm');
    await eventually('flink_up 1 and the TaskManager series again', 120_000, async () => {
      const s = await scrape();
      expect(value(s, 'flink_up')).toBe(1);
      expect(value(s, 'flink_cluster_taskmanagers')).toBeGreaterThanOrEqual(1);
      expect(find(s, 'flink_taskmanager_heap_used_bytes').length).toBeGreaterThanOrEqual(1);
      return true;
    });
    // Without HA the JobManager forgot the job: submit it again; its series must come back without a sidecar restart.
    const again = await flink('submit-job', '--new');
    await flink('wait-running', again);
    await eventually('the job series again', 90_000, async () => {
      const s = await scrape();
      expect(value(s, 'flink_job_state', { job_id: again, state: 'RUNNING' })).toBe(1);
      expect(find(s, 'flink_task_records_out_total', { job_id: again }).length).toBe(3);
      expect(find(s, 'flink_task_watermark_lag_seconds', { job_id: again }).length).toBeGreaterThanOrEqual(2);
      return true;
    });
    expect(rateViolations).toEqual([]);
  });

  it('stops cleanly on SIGTERM', async () => {
    const code = await sidecar.stop();
    expect(code).toBe(0);
    expect(sidecar.output()).toMatch(/msg=stopped/);
  });
});
