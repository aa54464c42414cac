import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSidecar, type RunningSidecar } from '../support/sidecar.js';
import { parseSamples, type ScrapedSample } from '../support/metrics.js';
import { eventually } from '../support/eventually.js';
import { flinkScript, pushReporterConf } from '../support/flink.js';

/**
 * End-to-end of the push API (issue 6 §4): a real Flink of FLINK_LINE whose JobManager and TaskManager run Flink's
 * PrometheusPushGatewayReporter with the sidecar as `hostUrl` (nothing else changed), and the demo job. The sidecar
 * polls the REST API too (job lifecycle) and expires groups after a short `group_ttl`.
 */
const LINE = process.env['FLINK_LINE'] ?? '2';
const REST_PORT = process.env['FLINK_REST_PORT'] ?? '18081';
const REST_URL = `http://127.0.0.1:${REST_PORT}`;
const POLL_S = 5;
const TTL_S = 30;
const TM_RESOURCE_ID = 'fpb-e2e-tm';

let sidecar: RunningSidecar;
let jobId = '';
let flinkEnv: NodeJS.ProcessEnv = {};

async function flink(...args: string[]): Promise<string> {
  return flinkScript(flinkEnv, ...args);
}

async function scrape(): Promise<ScrapedSample[]> {
  const r = await sidecar.get('/metrics');
  expect(r.status).toBe(200);
  return parseSamples(r.body);
}

const pushed = (s: ScrapedSample[], job: string): ScrapedSample[] =>
  s.filter((x) => x.name.startsWith('flink_taskmanager_job_') && x.labels['job_id'] === job);

describe(`Flink ${LINE}'s PushGateway reporter pushing to the sidecar`, () => {
  beforeAll(async () => {
    sidecar = await startSidecar({
      restUrl: REST_URL,
      configYaml: `global:\n  poll_interval: ${POLL_S}s\n  windows: [30s, 1m]\nflink:\n  timeout: 4s\n  fetcher_update_interval: 2s\npush:\n  group_ttl: ${TTL_S}s\n  group_by_body_labels: [host, tm_id]\n`,
    });
    flinkEnv = {
      ...process.env,
      FLINK_LINE: LINE,
      FLINK_REST_PORT: REST_PORT,
      FLINK_EXTRA_CONF: [
        ...pushReporterConf(sidecar.url),
        'metrics.latency.interval: 2000',
        // A fixed TaskManager identity (tm_id), as a Kubernetes pod name gives, and no DELETE on shutdown: the
        // restarted TaskManager's first push (new random job suffix) must replace its predecessor's group.
        // Quoted: Flink 1.20's reporter reads its options from java.util.Properties, whose getProperty ignores the
        // Boolean that config.yaml's YAML parser makes of a bare `false` (seen in the TaskManager log:
        // "deleteOnShutdown:true"); 2.x accepts both.
        `taskmanager.resource-id: ${TM_RESOURCE_ID}`,
        'metrics.reporter.push.deleteOnShutdown: "false"',
      ].join('\n'),
    };
    await flink('stop');
    await flink('start');
    jobId = await flink('submit-job', '--new');
    await flink('wait-running', jobId);
  });

  afterAll(async () => {
    if (sidecar) {
      const code = await sidecar.stop();
      if (code !== 0) console.error(sidecar.output());
    }
    await flink('stop');
  });

  it('shows the reporter series under Flink names, with operator-level and data-quality families', async () => {
    const s = await eventually('pushed and derived series of the job', 120_000, async () => {
      const s = await scrape();
      expect(pushed(s, jobId).length).toBeGreaterThan(10);
      expect(s.filter((x) => x.name === 'flink_operator_records_in_per_second' && x.labels['job_id'] === jobId).length).toBeGreaterThan(0);
      // The demo job stamps every 50th event 10 s in the past: its window drops them as late.
      expect(s.find((x) => x.name === 'flink_task_late_records_dropped_total' && x.labels['job_id'] === jobId)?.value).toBeGreaterThan(0);
      expect(s.find((x) => x.name === 'flink_task_late_records_dropped_per_second' && x.labels['job_id'] === jobId)?.value).toBeGreaterThan(0);
      expect(s.filter((x) => x.name === 'flink_job_latency_seconds' && x.labels['job_id'] === jobId).length).toBeGreaterThan(0);
      // REST-polled families stay alongside (they may appear a poll after the first pushes)
      expect(s.find((x) => x.name === 'flink_task_records_in_total' && x.labels['job_id'] === jobId)).toBeDefined();
      return s;
    });
    const groups = s.filter((x) => x.name === 'push_time_seconds');
    expect(groups.length).toBeGreaterThanOrEqual(2); // the JobManager and the TaskManager
    for (const g of groups) expect(g.value).toBeGreaterThan(Date.now() / 1000 - 60);
  });

  it('removes the groups of a cancelled job within one poll', async () => {
    const r = await fetch(`${REST_URL}/jobs/${jobId}?mode=cancel`, { method: 'PATCH' });
    expect(r.status).toBe(202);
    await eventually('the job to be CANCELED', 60_000, async () => ((await (await fetch(`${REST_URL}/jobs/${jobId}`)).json()) as { state: string }).state === 'CANCELED');
    const cancelledAt = Date.now();
    // The TaskManager's group also holds its process series (no job_id): they must stay live in every scrape while
    // the job's series end — only the job's series are removed, not the group (a defect fixed in issue 6).
    const processSeries = (s: ScrapedSample[]) => s.filter((x) => x.name.startsWith('flink_taskmanager_Status_JVM_') && x.labels['job_id'] === undefined);
    const tmSeriesBefore = processSeries(await scrape()).length;
    expect(tmSeriesBefore).toBeGreaterThan(0);
    const liveCounts: number[] = [];
    await eventually(
      'no pushed series of the cancelled job',
      (POLL_S + 5) * 1000,
      async () => {
        const s = await scrape();
        liveCounts.push(processSeries(s).length);
        return pushed(s, jobId).length === 0;
      },
      200,
    );
    expect(Math.min(...liveCounts)).toBeGreaterThanOrEqual(tmSeriesBefore);
    expect(Date.now() - cancelledAt).toBeLessThan((POLL_S + 5) * 1000);
    expect(processSeries(await scrape()).length).toBeGreaterThanOrEqual(tmSeriesBefore);
  });

  it('replaces a restarted TaskManager\'s group at its first push (push.group_by_body_labels, random job suffixes)', async () => {
    const tmGroups = async (): Promise<string[]> => {
      const r = await sidecar.get('/api/v1/metrics');
      expect(r.status).toBe(200);
      const groups = (JSON.parse(r.body) as { data: Record<string, unknown>[] }).data;
      return groups.filter((g) => Object.keys(g).some((k) => k.startsWith('flink_taskmanager_'))).map((g) => (g['labels'] as Record<string, string>)['job'] ?? '');
    };
    const [before] = await eventually('one TaskManager group', 30_000, async () => {
      const g = await tmGroups();
      return g.length === 1 ? g : false;
    });
    expect(before).toMatch(/[0-9a-f]{32}$/); // Flink's default randomJobNameSuffix
    await flink('stop-tm'); // graceful, but deleteOnShutdown is off: the group stays until replaced or expired
    const stoppedAt = Date.now();
    expect(await tmGroups()).toEqual([before]);
    await eventually('the JobManager to forget the TaskManager', 30_000, async () => ((await (await fetch(`${REST_URL}/taskmanagers`)).json()) as { taskmanagers: unknown[] }).taskmanagers.length === 0);
    await flink('start-tm');
    const after = await eventually('the restarted TaskManager\'s group in place of the old one', 60_000, async () => {
      const g = await tmGroups();
      return g.length === 1 && g[0] !== before ? g[0] : false;
    });
    expect(after).toMatch(/[0-9a-f]{32}$/);
    // replaced, not expired: the old group's TTL had not run out
    expect(Date.now() - stoppedAt).toBeLessThan(TTL_S * 1000);
    const s = await scrape();
    expect(s.filter((x) => x.name === 'push_time_seconds' && x.labels['job'] === before)).toEqual([]);
    expect(s.find((x) => x.name === 'flink_bridge_push_groups_removed_total' && x.labels['cause'] === 'replaced')?.value).toBeGreaterThanOrEqual(1);
  });

  it('expires the group of a killed TaskManager after group_ttl', async () => {
    // Both groups (JobManager and TaskManager) must be there, else the kill below has no group to expire.
    const before = await eventually('the JobManager and TaskManager groups', 30_000, async () => {
      const groups = (await scrape()).filter((x) => x.name === 'push_time_seconds').map((x) => JSON.stringify(x.labels));
      return groups.length >= 2 ? groups : false;
    });
    await flink('stop-tm', '--kill');
    const killedAt = Date.now();
    const gone = await eventually('a group to expire', (TTL_S + 20) * 1000, async () => {
      const now = (await scrape()).filter((x) => x.name === 'push_time_seconds').map((x) => JSON.stringify(x.labels));
      const missing = before.filter((g) => !now.includes(g));
      return missing.length > 0 ? missing : false;
    });
    expect(gone).toHaveLength(1);
    expect(Date.now() - killedAt).toBeGreaterThan((TTL_S - 5) * 1000);
  });
});
