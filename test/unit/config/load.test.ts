import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { configWarnings, defaultConfig, loadConfigFile, parseConfig } from '../../../src/config/load.js';
import type { BridgeConfig } from '../../../src/config/schema.js';
import { ConfigError } from '../../../src/errors.js';

const FIXTURES = join(import.meta.dirname, 'fixtures');
const tmp = mkdtempSync(join(tmpdir(), 'fpb-config-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The ConfigError message parseConfig throws for `yaml` (fails the test if it does not throw one). */
function errorOf(yaml: string, name = 'config.yml'): string {
  try {
    parseConfig(yaml, name, { baseDir: tmp });
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).code).toBe('FPB_ERR_CONFIG');
    return (err as ConfigError).message;
  }
  throw new Error(`expected a ConfigError for:\n${yaml}`);
}

const parse = (yaml: string): BridgeConfig => parseConfig(yaml, 'config.yml', { baseDir: tmp });

// Prometheus's --rules.alert.resend-delay, --alertmanager.notification-queue-capacity and -batch-size defaults
const alertingDefaults = {
  resendDelayMs: 60_000,
  queueCapacity: 10_000,
  batchSize: 256,
  minBackoffMs: 500,
  maxBackoffMs: 60_000,
  alertRelabelConfigs: [],
  alertmanagers: [],
  webhooks: [],
};

describe('defaults', () => {
  const expected = {
    global: {
      pollIntervalMs: 15_000,
      evaluationIntervalMs: 60_000,
      ruleQueryOffsetMs: 0,
      windows: [
        { name: '1m', ms: 60_000 },
        { name: '5m', ms: 300_000 },
        { name: '15m', ms: 900_000 },
      ],
      externalLabels: {},
      reservedKeysSet: [],
    },
    flink: {
      restUrl: 'http://localhost:8081',
      timeoutMs: 10_000,
      concurrency: 4,
      retries: 2,
      retryBackoffMs: 200,
      exceptionsIntervalMs: 60_000,
      metricNamesRefreshIntervalMs: 300_000,
      fetcherUpdateIntervalMs: 10_000,
      // 3 × poll_interval
      staleAfterMs: 45_000,
    },
    push: {
      enabled: true,
      groupTtlMs: 120_000,
      removeFinishedJobs: true,
      enableAdminApi: false,
      groupByBodyLabels: [],
      limits: { maxBodyBytes: 16 * 1024 * 1024, maxDecodedBytes: 64 * 1024 * 1024, maxGroups: 1000, maxSeriesPerGroup: 100_000, maxSeriesTotal: 1_000_000 },
    },
    // off, 16 MiB sent, 32 MiB decoded (Prometheus's limit), 100 000 series per request, 1 000 000 in total
    remoteWriteReceiver: {
      enabled: false,
      maxRequestBytes: 16 * 1024 * 1024,
      maxDecodedBytes: 32 * 1024 * 1024,
      maxSeriesPerRequest: 100_000,
      maxSeries: 1_000_000,
    },
    remoteWrite: [],
    // Prometheus 3.16's --query.* defaults
    query: { timeoutMs: 120_000, maxSamples: 50_000_000, lookbackDeltaMs: 300_000, compat: '3' },
    alerting: alertingDefaults,
    ruleFiles: { globs: [], baseDir: expect.any(String) },
  };

  it('defaultConfig() is the built-in defaults', () => {
    expect(defaultConfig()).toEqual(expected);
  });

  it.each(['', '# only a comment\n', '---\n', 'global:\nflink:\n', 'global: {}\nflink: {}\n', 'global: null\n'])(
    'an empty config (%j) gives the defaults',
    (yaml) => {
      expect(parse(yaml)).toEqual(expected);
    },
  );

  it('keys with no value fall back to their defaults', () => {
    expect(parse('flink:\n  timeout:\n  concurrency:\n').flink.timeoutMs).toBe(10_000);
  });

  it('defaults have no warnings', () => {
    expect(configWarnings(defaultConfig())).toEqual([]);
  });

  it('overrides the REST URL, normalised', () => {
    expect(defaultConfig({ restUrl: 'https://jm:8443/flink/' }).flink.restUrl).toBe('https://jm:8443/flink');
    expect(parse('flink: {rest_url: "http://a:1"}').flink.restUrl).toBe('http://a:1');
    expect(parseConfig('flink: {rest_url: "http://a:1"}', 'c.yml', { overrides: { restUrl: 'http://b:2' } }).flink.restUrl).toBe(
      'http://b:2',
    );
    expect(() => defaultConfig({ restUrl: 'ftp://x' })).toThrow(/flink\.rest_url override: "ftp:\/\/x" is not an http or https URL/);
  });
});

describe('a full config', () => {
  const yaml = `
global:
  poll_interval: 10s
  evaluation_interval: 30s
  windows: [15m, 60s, 5m, 30s]
  external_labels: {cluster: prod, region: eu}
flink:
  rest_url: https://jm.example:8443/prefix/
  timeout: 5s
  concurrency: 8
  retries: 0
  retry_backoff: 0
  exceptions_interval: 10s
  metric_names_refresh_interval: 10m
  fetcher_update_interval: 5s
  authorization: {credentials: tok}
remote_write_receiver:
  enabled: true
  max_request_bytes: 1000
  max_decoded_bytes: 2000
  max_series_per_request: 10
  max_series: 20
`;

  it('converts to camelCase, ms, sorted normalised windows', () => {
    expect(parse(yaml)).toEqual({
      global: {
        pollIntervalMs: 10_000,
        evaluationIntervalMs: 30_000,
        ruleQueryOffsetMs: 0,
        windows: [
          { name: '30s', ms: 30_000 },
          { name: '1m', ms: 60_000 },
          { name: '5m', ms: 300_000 },
          { name: '15m', ms: 900_000 },
        ],
        externalLabels: { cluster: 'prod', region: 'eu' },
        reservedKeysSet: [],
      },
      flink: {
        restUrl: 'https://jm.example:8443/prefix',
        timeoutMs: 5_000,
        concurrency: 8,
        retries: 0,
        retryBackoffMs: 0,
        exceptionsIntervalMs: 10_000,
        metricNamesRefreshIntervalMs: 600_000,
        fetcherUpdateIntervalMs: 5_000,
        staleAfterMs: 30_000,
        authorization: { type: 'Bearer', credentials: 'tok' },
      },
      push: {
        enabled: true,
        groupTtlMs: 120_000,
        removeFinishedJobs: true,
        enableAdminApi: false,
        groupByBodyLabels: [],
        limits: { maxBodyBytes: 16 * 1024 * 1024, maxDecodedBytes: 64 * 1024 * 1024, maxGroups: 1000, maxSeriesPerGroup: 100_000, maxSeriesTotal: 1_000_000 },
      },
      remoteWriteReceiver: { enabled: true, maxRequestBytes: 1000, maxDecodedBytes: 2000, maxSeriesPerRequest: 10, maxSeries: 20 },
      remoteWrite: [],
      query: { timeoutMs: 120_000, maxSamples: 50_000_000, lookbackDeltaMs: 300_000, compat: '3' },
      alerting: alertingDefaults,
      ruleFiles: { globs: [], baseDir: expect.any(String) },
    });
  });

  it('remote_write_receiver: unknown keys and non-positive limits are errors', () => {
    expect(errorOf('remote_write_receiver: {enable: true}')).toMatch(/remote_write_receiver\.enable/);
    expect(errorOf('remote_write_receiver: {max_series: 0}')).toMatch(/remote_write_receiver\.max_series/);
    expect(errorOf('remote_write_receiver: {enabled: "yes"}')).toMatch(/remote_write_receiver\.enabled/);
  });

  it('is deeply frozen', () => {
    const c = parse(yaml);
    expect(Object.isFrozen(c)).toBe(true);
    expect(Object.isFrozen(c.global)).toBe(true);
    expect(Object.isFrozen(c.global.windows)).toBe(true);
    expect(Object.isFrozen(c.global.windows[0])).toBe(true);
    expect(Object.isFrozen(c.global.externalLabels)).toBe(true);
    expect(Object.isFrozen(c.flink.authorization)).toBe(true);
    expect(() => {
      (c.global as { pollIntervalMs: number }).pollIntervalMs = 1;
    }).toThrow(TypeError);
    expect(Object.isFrozen(defaultConfig().global.windows)).toBe(true);
  });
});

describe('unknown keys', () => {
  it.each([
    ['top level', 'foo: 1\n', 'config.yml:1:1: foo: unknown key'],
    ['a future section', 'global: {}\ntracing: {endpoint: x}\n', 'config.yml:2:1: tracing: unknown key'],
    ['global', 'global:\n  poll_interval: 15s\n  scrape_interval: 15s\n', 'config.yml:3:3: global.scrape_interval: unknown key'],
    ['flink', 'flink:\n  foo: 1\n', 'config.yml:2:3: flink.foo: unknown key'],
    ['flink.basic_auth', 'flink:\n  basic_auth:\n    username: u\n    pasword: p\n', 'config.yml:4:5: flink.basic_auth.pasword: unknown key'],
    ['flink.authorization', 'flink:\n  authorization:\n    credentials: c\n    x: 1\n', 'config.yml:4:5: flink.authorization.x: unknown key'],
    ['flink.tls_config', 'flink:\n  tls_config:\n    ca: x\n', 'config.yml:3:5: flink.tls_config.ca: unknown key'],
  ])('at %s', (_level, yaml, message) => {
    expect(errorOf(yaml)).toBe(message);
  });

  it('lists every unknown key, in file order', () => {
    expect(errorOf('flink:\n  b: 1\n  a: 2\nzzz: 3\n')).toBe(
      ['config.yml:2:3: flink.b: unknown key', 'config.yml:3:3: flink.a: unknown key', 'config.yml:4:1: zzz: unknown key'].join('\n'),
    );
  });
});

describe('wrong types', () => {
  it.each([
    ['top level list', '- a\n', 'config.yml:1:1: top level: expected a mapping, got a list'],
    ['top level scalar', 'hello\n', 'config.yml:1:1: top level: expected a mapping, got a string'],
    ['section', 'global: 5\n', 'config.yml:1:9: global: expected a mapping, got a number'],
    ['duration as number', 'global:\n  poll_interval: 15\n', 'config.yml:2:18: global.poll_interval: expected a duration like "15s" or "1m30s", got a number'],
    ['duration as list', 'flink: {timeout: [1s]}\n', 'config.yml:1:18: flink.timeout: expected a duration like "15s" or "1m30s", got a list'],
    ['integer as string', 'flink:\n  concurrency: four\n', 'config.yml:2:16: flink.concurrency: expected a number, got a string'],
    ['integer as float', 'flink:\n  retries: 1.5\n', 'config.yml:2:12: flink.retries: expected an integer, got 1.5'],
    ['windows as string', 'global:\n  windows: 1m\n', 'config.yml:2:12: global.windows: expected a list, got a string'],
    ['boolean', 'flink:\n  tls_config: {insecure_skip_verify: "yes"}\n', 'config.yml:2:38: flink.tls_config.insecure_skip_verify: expected a boolean (true or false), got a string'],
    ['label value', 'global:\n  external_labels: {a: 1}\n', 'config.yml:2:24: global.external_labels.a: expected a string, got a number (quote the value to make it a string)'],
    ['url', 'flink: {rest_url: 8081}\n', 'config.yml:1:19: flink.rest_url: expected a string, got a number (quote the value to make it a string)'],
  ])('%s', (_what, yaml, message) => {
    expect(errorOf(yaml)).toBe(message);
  });

  it('does not echo a secret given with the wrong type', () => {
    const msg = errorOf('flink:\n  basic_auth: {username: u, password: 123456789}\n');
    expect(msg).toBe(
      'config.yml:2:39: flink.basic_auth.password: expected a string, got a number (quote the value to make it a string)',
    );
    expect(msg).not.toContain('123456789');
  });
});

describe('ranges', () => {
  it.each([
    ['poll_interval below 1s', 'global: {poll_interval: 500ms}', 'global.poll_interval: "500ms" is shorter than the minimum of 1s'],
    ['evaluation_interval below 1s', 'global: {evaluation_interval: 0}', 'global.evaluation_interval: "0" is shorter than the minimum of 1s'],
    ['concurrency 0', 'flink: {concurrency: 0}', 'flink.concurrency: must be at least 1'],
    ['concurrency 65', 'flink: {concurrency: 65}', 'flink.concurrency: must be at most 64'],
    ['retries -1', 'flink: {retries: -1}', 'flink.retries: must be at least 0'],
    ['retries 11', 'flink: {retries: 11}', 'flink.retries: must be at most 10'],
    ['retry_backoff above 5s', 'flink: {retry_backoff: 6s}', 'flink.retry_backoff: "6s" is longer than the maximum of 5s'],
    ['timeout 0', 'flink: {timeout: 0s}', 'flink.timeout: "0s" is shorter than the minimum of 1ms'],
    ['no windows', 'global: {windows: []}', 'global.windows: must have at least 1 item'],
    [
      'exceptions_interval below poll_interval',
      'global: {poll_interval: 30s}\nflink: {exceptions_interval: 20s}',
      'flink.exceptions_interval: 20s is shorter than global.poll_interval (30s)',
    ],
  ])('%s', (_what, yaml, message) => {
    expect(errorOf(yaml)).toContain(message);
  });

  it('accepts the bounds themselves', () => {
    const c = parse('global: {poll_interval: 1s, windows: [2s]}\nflink: {concurrency: 64, retries: 10, retry_backoff: 5s, exceptions_interval: 1s}');
    expect(c.flink.concurrency).toBe(64);
    expect(c.global.windows).toEqual([{ name: '2s', ms: 2000 }]);
  });
});

describe('flink.stale_after', () => {
  it('defaults to 3 × poll_interval', () => {
    expect(parse('global: {poll_interval: 20s, windows: [1m]}').flink.staleAfterMs).toBe(60_000);
    expect(parse('flink: {stale_after: }').flink.staleAfterMs).toBe(45_000);
  });

  it('takes an explicit duration, down to one poll interval', () => {
    expect(parse('flink: {stale_after: 2m}').flink.staleAfterMs).toBe(120_000);
    expect(parse('flink: {stale_after: 15s}').flink.staleAfterMs).toBe(15_000);
  });

  it('must not be shorter than poll_interval', () => {
    expect(errorOf('global: {poll_interval: 30s}\nflink:\n  stale_after: 20s\n')).toBe(
      'config.yml:3:16: flink.stale_after: 20s is shorter than global.poll_interval (30s)',
    );
  });

  it('is a duration', () => {
    expect(errorOf('flink:\n  stale_after: 3\n')).toBe(
      'config.yml:2:16: flink.stale_after: expected a duration like "15s" or "1m30s", got a number',
    );
  });
});

describe('bad durations', () => {
  it.each(['1.5s', '15', '15 s', '-1s', '1m1h', '1sec', '"', 'true'])('%j', (d) => {
    const msg = errorOf(`global:\n  evaluation_interval: ${JSON.stringify(d)}\n`);
    expect(msg).toMatch(/^config\.yml:2:24: global\.evaluation_interval: /);
    expect(msg).toMatch(/not a valid duration string|empty duration string/);
  });

  it('names the list index', () => {
    expect(errorOf('global:\n  windows:\n    - 1m\n    - 1x\n')).toBe(
      'config.yml:4:7: global.windows[1]: not a valid duration string: "1x" (units: ms, s, m, h, d, w, y; e.g. "1m30s")',
    );
  });
});

describe('window rules', () => {
  it('each window must be at least two poll intervals', () => {
    const yaml = ['global:', '  poll_interval: 15s', '  windows:', '    - 1m', '    - 30s', '    - 29s'].join('\n');
    expect(errorOf(yaml)).toBe('config.yml:6:7: global.windows[2]: "29s" is shorter than two poll intervals (2 × 15s)');
  });

  it('windows must be unique after normalisation', () => {
    expect(errorOf('global:\n  windows: [1m, 5m, 60s]\n')).toBe(
      'config.yml:2:21: global.windows[2]: "60s" duplicates "1m" (global.windows[0])',
    );
  });

  it('window names are normalised', () => {
    expect(parse('global: {windows: [90s, 3600s]}').global.windows).toEqual([
      { name: '1m30s', ms: 90_000 },
      { name: '1h', ms: 3_600_000 },
    ]);
  });
});

describe('external labels', () => {
  it.each([
    ['1abc', '"1abc" is not a valid label name'],
    ['a-b', '"a-b" is not a valid label name'],
    ['__meta', '"__meta" is reserved'],
  ])('rejects %s', (name, message) => {
    expect(errorOf(`global:\n  external_labels:\n    ${name}: x\n`)).toContain(`config.yml:3:5: global.external_labels`);
    expect(errorOf(`global:\n  external_labels:\n    ${name}: x\n`)).toContain(message);
  });
});

describe('rest_url', () => {
  it.each([
    ['http://jm:8081/', 'http://jm:8081'],
    ['http://JM:8081', 'http://jm:8081'],
    ['https://jm/flink//', 'https://jm/flink'],
    ['http://[::1]:8081', 'http://[::1]:8081'],
    ['http://jm:80', 'http://jm'],
  ])('%s → %s', (input, output) => {
    expect(parse(`flink: {rest_url: "${input}"}`).flink.restUrl).toBe(output);
  });

  it.each([
    ['localhost:8081', 'is not an http or https URL'],
    ['ftp://jm', 'is not an http or https URL'],
    ['not a url', 'is not a valid URL'],
    ['http://jm:8081/?x=1', 'must not contain a query or fragment'],
    ['http://jm:8081/#x', 'must not contain a query or fragment'],
    ['', 'is not a valid URL'],
  ])('rejects %j', (input, message) => {
    const msg = errorOf(`flink: {rest_url: "${input}"}`);
    expect(msg).toMatch(/^config\.yml:1:19: flink\.rest_url: /);
    expect(msg).toContain(message);
  });

  it('rejects credentials in the URL without echoing them', () => {
    const msg = errorOf('flink: {rest_url: "http://user:hunter2@jm:8081"}');
    expect(msg).toBe('config.yml:1:19: flink.rest_url: the URL must not contain credentials; use flink.basic_auth instead');
    expect(msg).not.toContain('hunter2');
  });
});

describe('auth', () => {
  it('basic_auth with an inline password', () => {
    expect(parse('flink: {basic_auth: {username: u, password: p}}').flink.basicAuth).toEqual({ username: 'u', password: 'p' });
  });

  it('basic_auth without a password has an empty one (like Prometheus)', () => {
    expect(parse('flink: {basic_auth: {username: u}}').flink.basicAuth).toEqual({ username: 'u', password: '' });
  });

  it('basic_auth needs a username', () => {
    expect(errorOf('flink:\n  basic_auth:\n    password: p\n')).toBe('config.yml:3:5: flink.basic_auth.username: missing required key');
  });

  it('password and password_file are exclusive', () => {
    const msg = errorOf('flink:\n  basic_auth:\n    username: u\n    password: sekrit\n    password_file: pw\n');
    expect(msg).toBe('config.yml:5:5: flink.basic_auth.password_file: at most one of password and password_file may be set');
    expect(msg).not.toContain('sekrit');
  });

  it('authorization defaults to Bearer', () => {
    expect(parse('flink: {authorization: {credentials: t}}').flink.authorization).toEqual({ type: 'Bearer', credentials: 't' });
    expect(parse('flink: {authorization: {type: Token, credentials: t}}').flink.authorization).toEqual({ type: 'Token', credentials: 't' });
  });

  it('authorization needs credentials', () => {
    expect(errorOf('flink:\n  authorization:\n    type: Bearer\n')).toBe(
      'config.yml:3:5: flink.authorization: one of credentials or credentials_file is required',
    );
  });

  it('authorization type Basic is refused', () => {
    expect(errorOf('flink:\n  authorization: {type: basic, credentials: x}\n')).toBe(
      'config.yml:2:25: flink.authorization.type: "basic" is not allowed here; use flink.basic_auth instead',
    );
  });

  it('credentials and credentials_file are exclusive', () => {
    expect(errorOf('flink:\n  authorization: {credentials: x, credentials_file: y}\n')).toContain(
      'flink.authorization.credentials_file: at most one of credentials and credentials_file may be set',
    );
  });

  it('basic_auth and authorization are exclusive', () => {
    expect(errorOf('flink:\n  basic_auth: {username: u, password: p}\n  authorization: {credentials: t}\n')).toBe(
      'config.yml:3:3: flink.authorization: cannot be used together with flink.basic_auth; choose one',
    );
  });
});

describe('*_file keys', () => {
  const dir = join(tmp, 'files');
  mkdirSync(join(dir, 'secrets'), { recursive: true });
  writeFileSync(join(dir, 'secrets', 'pw'), '  s3cret\n');
  writeFileSync(join(dir, 'token'), 'tok\n');
  writeFileSync(
    join(dir, 'config.yml'),
    'flink:\n  basic_auth:\n    username: u\n    password_file: secrets/pw\n',
  );

  it('reads password_file relative to the config file, trimmed', () => {
    expect(loadConfigFile(join(dir, 'config.yml')).flink.basicAuth).toEqual({ username: 'u', password: 's3cret' });
  });

  it('reads credentials_file', () => {
    const c = parseConfig('flink: {authorization: {type: Bearer, credentials_file: token}}', join(dir, 'x.yml'));
    expect(c.flink.authorization).toEqual({ type: 'Bearer', credentials: 'tok' });
  });

  it('a missing file is a ConfigError naming the key', () => {
    const msg = errorOf('flink:\n  basic_auth:\n    username: u\n    password_file: nope/pw\n');
    expect(msg).toBe(`config.yml:4:20: flink.basic_auth.password_file: cannot read "nope/pw" (${join(tmp, 'nope/pw')}): no such file`);
  });

  it('a directory is not a file', () => {
    expect(errorOf('flink: {authorization: {credentials_file: .}}')).toContain(
      'flink.authorization.credentials_file: cannot read "." (' + tmp + '): is a directory',
    );
  });

  it('reads TLS files as PEM', () => {
    const yaml = `flink:
  rest_url: https://jm:8443
  tls_config:
    ca_file: ${join(FIXTURES, 'tls', 'ca.crt')}
    cert_file: tls/client.crt
    key_file: tls/client.key
    server_name: jm.internal
`;
    const c = parseConfig(yaml, join(FIXTURES, 'config.yml'));
    expect(c.flink.tls).toEqual({
      ca: readFileSync(join(FIXTURES, 'tls', 'ca.crt'), 'utf8'),
      cert: readFileSync(join(FIXTURES, 'tls', 'client.crt'), 'utf8'),
      key: readFileSync(join(FIXTURES, 'tls', 'client.key'), 'utf8'),
      serverName: 'jm.internal',
      insecureSkipVerify: false,
    });
  });

  it('checks that the CA file holds certificates', () => {
    const msg = parseError(() => parseConfig('flink: {tls_config: {ca_file: tls/client.key}}', join(FIXTURES, 'c.yml')));
    expect(msg).toBe('c.yml:1:31: flink.tls_config.ca_file: contains no PEM certificate ("-----BEGIN CERTIFICATE-----")'.replace('c.yml', join(FIXTURES, 'c.yml')));
    expect(msg).not.toContain('PRIVATE KEY');
  });

  it('checks that cert and key belong together', () => {
    const msg = parseError(() =>
      parseConfig('flink: {tls_config: {cert_file: tls/client.crt, key_file: tls/server.key}}', join(FIXTURES, 'c.yml')),
    );
    expect(msg).toContain('flink.tls_config.cert_file: certificate and key are not a valid pair');
  });

  it('cert_file needs key_file and vice versa', () => {
    expect(errorOf('flink: {tls_config: {cert_file: a}}')).toContain('flink.tls_config.cert_file: cert_file requires key_file');
    expect(errorOf('flink: {tls_config: {key_file: a}}')).toContain('flink.tls_config.key_file: key_file requires cert_file');
  });

  it('a missing config file is a ConfigError', () => {
    expect(() => loadConfigFile(join(tmp, 'missing.yml'))).toThrow(
      new ConfigError(`${join(tmp, 'missing.yml')}: cannot read config file: no such file`),
    );
  });
});

describe('YAML syntax', () => {
  it.each([
    ['unclosed flow sequence', 'global:\n  windows: [1m\n', /^config\.yml:\d+:\d+: YAML syntax error: /],
    ['duplicate key', 'global: {}\nglobal: {}\n', /^config\.yml:2:1: YAML syntax error: Map keys must be unique/],
    ['bad indentation', 'flink:\n  timeout: 1s\n concurrency: 2\n', /^config\.yml:3:\d+: YAML syntax error: /],
    ['tab indentation', 'flink:\n\ttimeout: 1s\n', /^config\.yml:2:1: YAML syntax error: /],
    ['custom tag', 'flink: {timeout: !secret 1s}\n', /^config\.yml:1:18: YAML syntax error: Unresolved tag: !secret/],
    ['two documents', 'global: {}\n---\nflink: {}\n', /^config\.yml:2:1: YAML syntax error: /],
  ])('%s', (_what, yaml, pattern) => {
    expect(errorOf(yaml)).toMatch(pattern);
  });

  it('does not quote the offending source line (it may hold a secret)', () => {
    const msg = errorOf('flink:\n  basic_auth: {username: u, password: "hunter2\n');
    expect(msg).not.toContain('hunter2');
  });

  it('refuses alias bombs', () => {
    const lines = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 12; i++) lines.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [*${String.fromCharCode(96 + i)},*${String.fromCharCode(96 + i)},*${String.fromCharCode(96 + i)},*${String.fromCharCode(96 + i)},*${String.fromCharCode(96 + i)},*${String.fromCharCode(96 + i)},*${String.fromCharCode(96 + i)},*${String.fromCharCode(96 + i)},*${String.fromCharCode(96 + i)},*${String.fromCharCode(96 + i)}]`);
    expect(errorOf(lines.join('\n'))).toMatch(/^config\.yml: cannot read YAML: /);
  });

  it('follows anchors to report positions', () => {
    expect(errorOf('x: &d 5s\nflink:\n  timeout: *d\n')).toBe('config.yml:1:1: x: unknown key');
  });
});

describe('rule keys: global.evaluation_interval, global.rule_query_offset, rule_files', () => {
  it('evaluation_interval is used by the rules (no longer reserved) and rule_query_offset defaults to 0s', () => {
    expect(parse('global: {evaluation_interval: 1m}').global.reservedKeysSet).toEqual([]);
    expect(parse('global: {evaluation_interval: 10s}').global.evaluationIntervalMs).toBe(10_000);
    expect(parse('global:\n  evaluation_interval:\n').global.evaluationIntervalMs).toBe(60_000);
    expect(parse('').global.ruleQueryOffsetMs).toBe(0);
    expect(parse('global: {rule_query_offset: 1m30s}').global.ruleQueryOffsetMs).toBe(90_000);
  });

  it('rule_files keeps the globs and the config directory they are relative to', () => {
    const c = parse('rule_files: [rules/*.yml, /abs/x.yml]\n');
    expect(c.ruleFiles).toEqual({ globs: ['rules/*.yml', '/abs/x.yml'], baseDir: tmp });
    expect(parse('rule_files:\n').ruleFiles.globs).toEqual([]);
  });

  it('refuses bad rule keys with their key paths', () => {
    expect(errorOf('rule_files: rules.yml\n')).toMatch(/^config\.yml:1:13: rule_files: expected a list/);
    expect(errorOf('rule_files: [""]\n')).toMatch(/^config\.yml:1:14: rule_files\[0\]: a rule file glob must not be empty/);
    expect(errorOf('global: {rule_query_offset: -1s}\n')).toMatch(/^config\.yml:1:29: global\.rule_query_offset: /);
  });
});

describe('configWarnings', () => {
  it('warns when polling faster than Flink refreshes metrics', () => {
    const w = configWarnings(parse('global: {poll_interval: 5s, windows: [1m]}\nflink: {timeout: 2s}'));
    expect(w).toEqual([
      expect.stringContaining('global.poll_interval (5s) is shorter than flink.fetcher_update_interval (10s)'),
    ]);
  });

  it('warns when the fetcher is disabled', () => {
    expect(configWarnings(parse('flink: {fetcher_update_interval: 0}'))).toEqual([
      expect.stringContaining("flink.fetcher_update_interval is 0: Flink's metric fetcher is disabled"),
    ]);
  });

  it('warns about short windows, long timeouts, credentials over http, skipped verification', () => {
    const c = parse(
      'global: {poll_interval: 20s, windows: [1m, 5m]}\nflink: {timeout: 20s, basic_auth: {username: u, password: hunter2}, tls_config: {insecure_skip_verify: true}}',
    );
    const w = configWarnings(c);
    expect(w).toEqual([
      expect.stringContaining('global.windows: 1m covers fewer than 4 poll intervals (20s)'),
      expect.stringContaining('flink.timeout (20s) is not shorter than global.poll_interval (20s)'),
      expect.stringContaining('sent unencrypted'),
      expect.stringContaining('flink.tls_config is set but flink.rest_url uses plain http'),
      expect.stringContaining('insecure_skip_verify is true'),
    ]);
    expect(w.join('\n')).not.toContain('hunter2');
  });
});

function parseError(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
}
