import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../..');

/**
 * Runs `scripts/flink.sh <args>` (a real local Flink, see the script's header) with `env` (FLINK_LINE,
 * FLINK_REST_PORT, FLINK_EXTRA_CONF, …); resolves with its stdout trimmed (a job id, a version, a URL), rejects
 * with the script's stderr when it fails.
 */
export async function flinkScript(env: NodeJS.ProcessEnv, ...args: string[]): Promise<string> {
  const { stdout } = await exec('bash', [resolve(ROOT, 'scripts/flink.sh'), ...args], { env, cwd: ROOT, maxBuffer: 16 * 1024 * 1024 });
  return stdout.trim();
}

/**
 * FLINK_EXTRA_CONF lines for the e2e tests: Flink's MetricFetcher refreshed every 2 s (so 5 s polls see new values)
 * and every JobManager and TaskManager pushing its registry to the sidecar at `sidecarUrl` every 2 s through
 * Flink's PrometheusPushGatewayReporter (README "Push API").
 */
export function pushReporterConf(sidecarUrl: string): string[] {
  return [
    'metrics.fetcher.update-interval: 2000',
    'metrics.reporter.push.factory.class: org.apache.flink.metrics.prometheus.PrometheusPushGatewayReporterFactory',
    `metrics.reporter.push.hostUrl: ${sidecarUrl}`,
    'metrics.reporter.push.interval: 2 s',
  ];
}
