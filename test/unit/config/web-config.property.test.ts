import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { parseWebConfig } from '../../../src/config/web-config.js';
import { ConfigError } from '../../../src/errors.js';

// File references resolve against the fixtures, so shapes that pass the schema also reach the certificate checks.
const FIXTURES = join(import.meta.dirname, 'fixtures');
const HASH = '$2b$10$PQ9wt5BYoBA62OAOD91F9.30.yfmRkuUCYx5zKmnNl0pLg40BfdL2';

/** parseWebConfig either returns a frozen config or throws a ConfigError whose message names the source. */
function onlyConfigErrors(text: string): boolean {
  try {
    const c = parseWebConfig(text, join(FIXTURES, 'fuzz-web.yml'));
    expect(Object.isFrozen(c)).toBe(true);
    if (c.tls !== undefined) {
      expect(Object.isFrozen(c.tls)).toBe(true);
      expect(c.tls.cert).toContain('BEGIN CERTIFICATE');
    }
    return true;
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    expect(err.code).toBe('FPB_ERR_CONFIG');
    expect(err.message.startsWith(join(FIXTURES, 'fuzz-web.yml'))).toBe(true);
    return true;
  }
}

const KEYS = [
  'tls_server_config', 'basic_auth_users', 'cert_file', 'key_file', 'client_ca_file', 'client_auth_type', 'min_version',
  'http_server_config', 'alice', 'a:b', '', '__proto__', 'constructor',
];
const SCALARS = [
  'tls/server.crt', 'tls/server.key', 'tls/ca.crt', 'tls/client.crt', 'tls/client.key', 'tls/missing.crt', '/', '.',
  'NoClientCert', 'RequestClientCert', 'RequireAnyClientCert', 'RequireClientCert', 'VerifyClientCertIfGiven',
  'RequireAndVerifyClientCert', 'Sometimes', 'TLS10', 'TLS12', 'TLS13', 'TLS14', HASH, '$2y$04$short', 'plaintext',
];

describe('parseWebConfig on arbitrary input', () => {
  it('arbitrary strings: only ConfigError', () => {
    fc.assert(fc.property(fc.string({ maxLength: 200 }), onlyConfigErrors), { numRuns: 500 });
  });

  it('well-formed YAML of random shapes using the real keys: only ConfigError', () => {
    const value = fc.letrec<{ node: unknown }>((tie) => ({
      node: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        fc.constantFrom<unknown>(...SCALARS, 0, -1, 1.5, true, false, null),
        fc.string({ maxLength: 8 }),
        fc.array(tie('node'), { maxLength: 3 }),
        fc.dictionary(fc.constantFrom(...KEYS), tie('node'), { maxKeys: 5 }),
      ),
    })).node;
    const tls = fc.dictionary(
      fc.constantFrom('cert_file', 'key_file', 'client_ca_file', 'client_auth_type', 'min_version', 'x'),
      fc.oneof(fc.constantFrom<unknown>(...SCALARS), value),
      { maxKeys: 5 },
    );
    const doc = fc.record(
      {
        tls_server_config: fc.oneof(tls, value),
        basic_auth_users: fc.oneof(fc.dictionary(fc.constantFrom(...KEYS), fc.constantFrom<unknown>(...SCALARS)), value),
        http_server_config: value,
      },
      { requiredKeys: [] },
    );
    fc.assert(fc.property(doc, (d) => onlyConfigErrors(stringify(d))), { numRuns: 1000 });
  });
});
