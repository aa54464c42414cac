import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { parseConfig } from '../../../src/config/load.js';
import { ConfigError } from '../../../src/errors.js';

/** parseConfig either returns a frozen config or throws a ConfigError whose message names the source. */
function onlyConfigErrors(text: string): boolean {
  try {
    const c = parseConfig(text, 'fuzz.yml', { baseDir: '/nonexistent-fpb-dir' });
    return Object.isFrozen(c) && Object.isFrozen(c.global) && Object.isFrozen(c.flink);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    expect(err.code).toBe('FPB_ERR_CONFIG');
    expect(err.message.startsWith('fuzz.yml')).toBe(true);
    return true;
  }
}

const KEYS = [
  'global', 'flink', 'poll_interval', 'evaluation_interval', 'windows', 'external_labels', 'rest_url', 'timeout',
  'concurrency', 'retries', 'retry_backoff', 'exceptions_interval', 'metric_names_refresh_interval',
  'fetcher_update_interval', 'basic_auth', 'username', 'password', 'password_file', 'authorization', 'type',
  'credentials', 'credentials_file', 'tls_config', 'ca_file', 'cert_file', 'key_file', 'server_name',
  'insecure_skip_verify', 'min_version', 'stale_after', 'headers', 'proxy_url', 'no_proxy', '__proto__', 'constructor',
  'push', 'x',
];
const SCALARS = [
  '15s', '1m', '0', '1.5s', '-1', '1e999', '64', '65', 'true', 'null', '~', '""', "''", 'http://localhost:8081',
  'ftp://x', '[]', '{}', '[1m, 5m]', '[1m, 1m]', '.inf', '.nan', '0x10', '2001-01-01',
];
const TOKENS = [
  ...KEYS.map((k) => `${k}:`), ...SCALARS, ' ', '  ', '\n', '\n  ', '\n    ', '- ', ': ', '{', '}', '[', ']', ',',
  '&a ', '*a', '!foo ', '!!str ', '!!binary ', '"', "'", '#', '---', '...', '<<: ', '? ', '|', '>', '%YAML 1.1\n',
  '\t', '\r', '\u0000', '\uFEFF', '@', '`',
];

describe('parseConfig on arbitrary input', () => {
  it('arbitrary strings: only ConfigError', () => {
    fc.assert(fc.property(fc.string({ maxLength: 200 }), onlyConfigErrors), { numRuns: 1000 });
  });

  it('YAML-ish token soup: only ConfigError', () => {
    const soup = fc.array(fc.constantFrom(...TOKENS), { maxLength: 40 }).map((t) => t.join(''));
    fc.assert(fc.property(soup, onlyConfigErrors), { numRuns: 3000 });
  });

  it('well-formed YAML of random shapes using the real keys: only ConfigError', { timeout: 60_000 }, () => {
    const value = fc.letrec<{ node: unknown }>((tie) => ({
      node: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        fc.constantFrom<unknown>(...SCALARS, 15, 0, -1, 1.5, true, false, null),
        fc.string({ maxLength: 8 }),
        fc.array(tie('node'), { maxLength: 4 }),
        fc.dictionary(fc.constantFrom(...KEYS), tie('node'), { maxKeys: 5 }),
      ),
    })).node;
    const doc = fc.dictionary(fc.constantFrom('global', 'flink', 'global', 'flink', 'push'), value, { maxKeys: 3 });
    fc.assert(fc.property(doc, (d) => onlyConfigErrors(stringify(d))), { numRuns: 2000 });
  });
});
