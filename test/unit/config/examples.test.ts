import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configWarnings, loadConfigFile } from '../../../src/config/load.js';
import { loadWebConfig } from '../../../src/config/web-config.js';
import { BasicAuthenticator } from '../../../src/http/basic-auth.js';

const EXAMPLES = join(import.meta.dirname, '..', '..', '..', 'examples');

describe('examples/config.yml', () => {
  const path = join(EXAMPLES, 'config.yml');

  it('is valid and has no warnings', () => {
    const c = loadConfigFile(path);
    expect(c.flink.basicAuth).toEqual({ username: 'monitoring', password: 'change-me' });
    expect(c.flink.tls?.ca).toContain('BEGIN CERTIFICATE');
    expect(configWarnings(c)).toEqual([]);
    expect(c.alerting.alertmanagers[0]?.urls).toEqual(['http://alertmanager-1:9093/api/v2/alerts', 'http://alertmanager-2:9093/api/v2/alerts']);
    expect(c.alerting.webhooks[0]?.name).toBe('flink-oncall');
  });

  it('mentions every key the schema accepts', () => {
    const text = readFileSync(path, 'utf8');
    const keys = [
      'global', 'poll_interval', 'evaluation_interval', 'windows', 'external_labels',
      'flink', 'rest_url', 'timeout', 'concurrency', 'retries', 'retry_backoff', 'exceptions_interval', 'stale_after',
      'metric_names_refresh_interval', 'fetcher_update_interval',
      'basic_auth', 'username', 'password', 'password_file',
      'authorization', 'type', 'credentials', 'credentials_file',
      'tls_config', 'ca_file', 'cert_file', 'key_file', 'server_name', 'insecure_skip_verify',
      'query', 'max_samples', 'lookback_delta', 'promql', 'compat',
      'alerting', 'resend_delay', 'notification_queue_capacity', 'notification_batch_size', 'min_backoff', 'max_backoff',
      'alert_relabel_configs', 'alertmanagers', 'static_configs', 'targets', 'scheme', 'path_prefix', 'api_version',
      'headers', 'webhooks', 'url', 'name', 'send_resolved', 'max_alerts', 'repeat_interval',
    ];
    // a key may open a list item (`- targets: [...]`)
    for (const key of keys) expect(text, key).toMatch(new RegExp(`^\\s*#?\\s*(?:-\\s+)?${key}:`, 'm'));
  });
});

describe('examples/web-config.yml', () => {
  it('is valid; its demo user logs in with "change-me"', async () => {
    const w = loadWebConfig(join(EXAMPLES, 'web-config.yml'));
    expect(w.tls?.cert).toContain('BEGIN CERTIFICATE');
    const header = `Basic ${Buffer.from('prometheus:change-me').toString('base64')}`;
    expect(w.basicAuthUsers).toBeDefined();
    expect(await new BasicAuthenticator(w.basicAuthUsers ?? new Map()).check(header)).toBe(true);
  });
});
