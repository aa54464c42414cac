/**
 * The `alerting` section. The POST path against Prometheus 3.16's `notifier/alertmanager_test.go` (TestPostPath);
 * defaults against Prometheus's (`config.DefaultAlertmanagerConfig`, the notifier flags); refusals with the key they
 * concern; and random shapes under `alerting` giving nothing but ConfigError (fast-check).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { parseConfig } from '../../../src/config/load.js';
import { alertmanagerPostUrl } from '../../../src/config/sections/alerting.js';
import { ConfigError } from '../../../src/errors.js';

const parse = (yaml: string) => parseConfig(yaml, 'config.yml', { baseDir: '/nonexistent-fpb-dir' });
function errorOf(yaml: string): string {
  try {
    parse(yaml);
  } catch (e) {
    if (e instanceof ConfigError) return e.message;
    throw e;
  }
  throw new Error(`expected a ConfigError for:\n${yaml}`);
}

describe('alerting: Alertmanager URLs', () => {
  it.each([
    ['', '/api/v2/alerts'],
    ['/', '/api/v2/alerts'],
    ['/prefix', '/prefix/api/v2/alerts'],
    ['/prefix//', '/prefix/api/v2/alerts'],
    ['prefix//', '/prefix/api/v2/alerts'],
  ])('path_prefix %j → %s (TestPostPath)', (prefix, path) => {
    expect(alertmanagerPostUrl('http', 'am:9093', prefix)).toBe(`http://am:9093${path}`);
  });

  it('one URL per distinct target of an entry, in order, with the entry\'s scheme; timeout default 10s', () => {
    const c = parse(`alerting:
  alertmanagers:
    - static_configs: [{targets: [a:9093, b:9093]}, {targets: [a:9093]}]
      scheme: https
      path_prefix: /am
`);
    expect(c.alerting.alertmanagers).toEqual([{ urls: ['https://a:9093/am/api/v2/alerts', 'https://b:9093/am/api/v2/alerts'], timeoutMs: 10_000, alertRelabelConfigs: [] }]);
  });

  it('webhooks: defaults and names', () => {
    const c = parse(`alerting:
  webhooks:
    - url: http://h/x?token=t
    - {url: https://h2/, name: team, send_resolved: false, max_alerts: 5, repeat_interval: 1h, timeout: 3s}
`);
    expect(c.alerting.webhooks).toEqual([
      { name: 'webhook-0', url: 'http://h/x?token=t', timeoutMs: 10_000, sendResolved: true, maxAlerts: 0, repeatIntervalMs: 4 * 3_600_000 },
      { name: 'team', url: 'https://h2/', timeoutMs: 3_000, sendResolved: false, maxAlerts: 5, repeatIntervalMs: 3_600_000 },
    ]);
  });
});

describe('alerting: refusals', () => {
  it.each([
    ['api_version v1', 'alerting: {alertmanagers: [{api_version: v1}]}', /alerting\.alertmanagers\[0\]\.api_version: expected Alertmanager api version to be one of \[v2\]/],
    ['a URL as target', "alerting: {alertmanagers: [{static_configs: [{targets: ['http://am:9093']}]}]}", /targets\[0\]: "http:\/\/am:9093" is not a valid target address/],
    ['unknown key (sigv4)', 'alerting: {alertmanagers: [{sigv4: {}}]}', /alerting\.alertmanagers\[0\]\.sigv4: unknown key/],
    ['scheme ftp', 'alerting: {alertmanagers: [{scheme: ftp}]}', /alerting\.alertmanagers\[0\]\.scheme/],
    ['proxy', 'alerting: {alertmanagers: [{proxy_url: "http://p"}]}', /HTTP proxies are not supported/],
    ['bad relabel regex', "alerting: {alert_relabel_configs: [{regex: '('}]}", /alert_relabel_configs\[0\]\.regex: invalid RE2 regex/],
    ['unknown relabel action', 'alerting: {alert_relabel_configs: [{action: explode}]}', /unknown relabel action/],
    ['webhook without url', 'alerting: {webhooks: [{name: a}]}', /alerting\.webhooks\[0\]\.url: missing required key/],
    ['webhook credentials in url', 'alerting: {webhooks: [{url: "http://u:p@h/"}]}', /must not contain credentials/],
    ['webhook not http', 'alerting: {webhooks: [{url: "ftp://h/"}]}', /not an http or https URL/],
    ['duplicate webhook names', 'alerting: {webhooks: [{url: "http://a/", name: x}, {url: "http://b/", name: x}]}', /duplicate webhook name "x"/],
    ['min_backoff > max_backoff', 'alerting: {min_backoff: 2m, max_backoff: 1m}', /alerting\.min_backoff: is longer than max_backoff/],
    ['queue capacity 0', 'alerting: {notification_queue_capacity: 0}', /alerting\.notification_queue_capacity/],
  ])('%s', (_name, yaml, message) => {
    expect(errorOf(yaml)).toMatch(message);
  });
});

describe('alerting on random shapes', () => {
  const KEYS = [
    'resend_delay', 'notification_queue_capacity', 'notification_batch_size', 'min_backoff', 'max_backoff',
    'alert_relabel_configs', 'alertmanagers', 'webhooks', 'static_configs', 'targets', 'scheme', 'path_prefix',
    'api_version', 'timeout', 'url', 'name', 'send_resolved', 'max_alerts', 'repeat_interval', 'basic_auth',
    'username', 'password', 'headers', 'source_labels', 'regex', 'action', 'target_label', 'replacement', '__proto__',
  ];
  const SCALARS = ['1m', '0', '-1', '10s', 'v1', 'v2', 'http', 'https', 'http://h/', 'a:9093', '(', '.+', 'drop', 'labeldrop', 'true', ''];
  it('only ConfigError, or a frozen config', () => {
    const value = fc.letrec<{ node: unknown }>((tie) => ({
      node: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        fc.constantFrom<unknown>(...SCALARS, 0, 1, 256, -5, 1.5, true, null),
        fc.array(tie('node'), { maxLength: 3 }),
        fc.dictionary(fc.constantFrom(...KEYS), tie('node'), { maxKeys: 5 }),
      ),
    })).node;
    fc.assert(
      fc.property(value, (v) => {
        try {
          const c = parse(stringify({ alerting: v }));
          expect(Object.isFrozen(c.alerting)).toBe(true);
        } catch (e) {
          if (!(e instanceof ConfigError)) throw e;
          expect(e.message.startsWith('config.yml')).toBe(true);
        }
      }),
      { numRuns: 1500 },
    );
  });
});
