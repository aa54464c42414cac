import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALLOW_LISTED, bundledRuleMetricNames, bundledRules, EVENT_ONLY_SELF_METRICS, exprUses } from '../support/bundled-rules.js';
import { parseSamples, type ScrapedSample } from '../support/metrics.js';
import { startSidecar, type RunningSidecar } from '../support/sidecar.js';
import { eventually } from '../support/eventually.js';
import { flinkScript, pushReporterConf } from '../support/flink.js';

/**
 * End-to-end check of the bundled rules' metric names (issue 9 §4): a real Flink of FLINK_LINE running the demo job
 * (datagen source → keyed event-time window → sink, checkpoints every 10 s) with Flink's PrometheusPushGatewayReporter
 * pushing to the sidecar, the sidecar polling its REST API and remote-writing to a stub receiver. Every metric name
 * the bundled rules read (expressions and annotations) must appear in the sidecar's real `/metrics`, except the
 * documented allow-list (Kafka names the datagen source does not register, the rule manager's self-metrics) and the
 * self-metrics that have no series before their first event (test/support/bundled-rules.ts); and each fixed label
 * value a rule selects (`window="5m"`, `state="RUNNING"`, `status="failed"`) must exist on its family.
 */
const LINE = process.env['FLINK_LINE'] ?? '2';
const REST_PORT = process.env['FLINK_REST_PORT'] ?? '18081';
const REST_URL = `http://127.0.0.1:${REST_PORT}`;
const POLL_S = 5;
/** Labels whose values the rules select from a fixed vocabulary. */
const ENUM_LABELS = new Set(['state', 'window', 'status']);

let sidecar: RunningSidecar;
let receiver: Server;
let flinkEnv: NodeJS.ProcessEnv = {};

async function flink(...args: string[]): Promise<string> {
  return flinkScript(flinkEnv, ...args);
}

async function scrape(): Promise<ScrapedSample[]> {
  const r = await sidecar.get('/metrics');
  expect(r.status).toBe(200);
  return parseSamples(r.body);
}

/** The names the e2e run must see: what the rules read, minus the allow-list and the event-only self-metrics. */
const EXPECTED = bundledRuleMetricNames().filter((n) => !ALLOW_LISTED.has(n) && !EVENT_ONLY_SELF_METRICS.has(n));

describe(`bundled rule metric names in the sidecar's /metrics next to a real Flink ${LINE} with the push reporter`, () => {
  beforeAll(async () => {
    // A remote-write receiver that accepts everything (204, Prometheus's answer), so the sender's series exist.
    receiver = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(204).end());
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const rwUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/api/v1/write`;
    sidecar = await startSidecar({
      restUrl: REST_URL,
      configYaml:
        `global:\n  poll_interval: ${POLL_S}s\nflink:\n  timeout: 4s\n  fetcher_update_interval: 2s\n` +
        `remote_write:\n  - url: ${rwUrl}\n    name: stub\n    queue_config: {batch_send_deadline: 1s}\n`,
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
    const jobId = await flink('submit-job', '--new');
    await flink('wait-running', jobId);
  });

  afterAll(async () => {
    if (sidecar) {
      const code = await sidecar.stop();
      if (code !== 0) console.error(sidecar.output());
    }
    await flink('stop');
    if (receiver) await new Promise<void>((r) => receiver.close(() => r()));
  });

  it('the rules read names beyond the allow-list (the check is not vacuous)', () => {
    expect(EXPECTED.length).toBeGreaterThanOrEqual(25);
  });

  it('every metric name the bundled rules read appears, unless allow-listed or event-only', async () => {
    // The first checkpoint, the 5m window's second sample, a pushed late record and a remote-write ack take a while.
    const missing = await eventually('every rule metric name in /metrics', 180_000, async () => {
      const names = new Set((await scrape()).map((s) => s.name));
      const missing = EXPECTED.filter((n) => !names.has(n));
      if (missing.length > 0) throw new Error(`missing: ${missing.join(', ')}`);
      return missing;
    });
    expect(missing).toEqual([]);
  });

  it('every fixed label value a rule selects exists on its family', async () => {
    const samples = await scrape();
    const problems: string[] = [];
    for (const r of bundledRules()) {
      for (const sel of exprUses(r.expr).selectors) {
        if (!EXPECTED.includes(sel.name)) continue;
        for (const m of sel.matchers) {
          if (!ENUM_LABELS.has(m.name)) continue;
          const values = m.op === '=' ? [m.value] : m.op === '=~' ? m.value.split('|') : [];
          for (const v of values) {
            if (!samples.some((s) => s.name === sel.name && s.labels[m.name] === v)) problems.push(`${r.name}: no ${sel.name}{${m.name}="${v}"}`);
          }
        }
      }
    }
    expect(problems).toEqual([]);
  });
});
