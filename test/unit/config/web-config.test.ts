import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import { afterAll, describe, expect, it } from 'vitest';
import { loadWebConfig, parseWebConfig } from '../../../src/config/web-config.js';
import { ConfigError } from '../../../src/errors.js';

const FIXTURES = join(import.meta.dirname, 'fixtures');
const TLS = join(FIXTURES, 'tls');
const tmp = mkdtempSync(join(tmpdir(), 'fpb-web-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

// Real bcrypt hashes: cost 4 keeps the tests fast; the $2y$ one (PHP/htpasswd prefix) at cost 10 like htpasswd -B.
const ALICE_HASH = bcrypt.hashSync('wonderland', 4);
const BOB_HASH_2Y = bcrypt.hashSync('builder', 10).replace(/^\$2b\$/, '$2y$');

const basic = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

function errorOf(yaml: string): string {
  try {
    parseWebConfig(yaml, join(FIXTURES, 'web.yml'));
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message.replace(`${join(FIXTURES, 'web.yml')}`, 'web.yml');
  }
  throw new Error('expected a ConfigError');
}

describe('loadWebConfig', () => {
  it('reads TLS files relative to the web config file', () => {
    const path = join(FIXTURES, 'web-config.yml');
    expect(loadWebConfig(path)).toEqual({
      tls: {
        cert: readFileSync(join(TLS, 'server.crt'), 'utf8'),
        key: readFileSync(join(TLS, 'server.key'), 'utf8'),
        ca: readFileSync(join(TLS, 'ca.crt'), 'utf8'),
        minVersion: 'TLSv1.3',
        clientAuthType: 'RequireAndVerifyClientCert',
      },
    });
  });

  it('an empty file means no TLS and no auth', () => {
    const path = join(tmp, 'empty.yml');
    writeFileSync(path, '# nothing\n');
    expect(loadWebConfig(path)).toEqual({});
  });

  it('empty sections mean no TLS and no auth (like exporter-toolkit)', () => {
    expect(parseWebConfig('tls_server_config: {}\nbasic_auth_users: {}\n', 'w.yml')).toEqual({});
    expect(parseWebConfig('tls_server_config:\nbasic_auth_users:\n', 'w.yml')).toEqual({});
  });

  it('is frozen', () => {
    const c = parseWebConfig(`tls_server_config: {cert_file: tls/server.crt, key_file: tls/server.key}`, join(FIXTURES, 'w.yml'));
    expect(Object.isFrozen(c)).toBe(true);
    expect(Object.isFrozen(c.tls)).toBe(true);
  });

  it.each([
    'NoClientCert',
    'RequestClientCert',
    'RequireAnyClientCert',
    'RequireClientCert',
    'VerifyClientCertIfGiven',
    'RequireAndVerifyClientCert',
  ])('client_auth_type %s is kept (RequireClientCert as its alias RequireAnyClientCert)', (type) => {
    const ca = type === 'NoClientCert' ? '' : ', client_ca_file: tls/ca.crt';
    const c = parseWebConfig(
      `tls_server_config: {cert_file: tls/server.crt, key_file: tls/server.key, client_auth_type: ${type}${ca}}`,
      join(FIXTURES, 'w.yml'),
    );
    expect(c.tls?.clientAuthType).toBe(type === 'RequireClientCert' ? 'RequireAnyClientCert' : type);
  });

  it('keeps users and hashes', () => {
    const c = parseWebConfig(`basic_auth_users:\n  alice: ${ALICE_HASH}\n  bob: ${BOB_HASH_2Y}\n`, 'w.yml');
    expect(c.basicAuthUsers).toEqual(new Map([['alice', ALICE_HASH], ['bob', BOB_HASH_2Y]]));
    expect(c.tls).toBeUndefined();
  });

  it('a missing web config file is a ConfigError', () => {
    expect(() => loadWebConfig(join(tmp, 'nope.yml'))).toThrow(ConfigError);
    expect(() => loadWebConfig(join(tmp, 'nope.yml'))).toThrow(/cannot read web config file: no such file/);
  });
});

describe('web config errors', () => {
  it.each([
    ['unknown top-level key', 'http_server_config: {http2: true}\n', 'web.yml:1:1: http_server_config: unknown key'],
    ['unknown TLS key', 'tls_server_config:\n  cipher_suites: []\n', 'web.yml:2:3: tls_server_config.cipher_suites: unknown key'],
    ['missing cert_file', 'tls_server_config:\n  key_file: tls/server.key\n', 'web.yml:2:3: tls_server_config: missing cert_file'],
    ['missing key_file', 'tls_server_config:\n  cert_file: tls/server.crt\n', 'web.yml:2:3: tls_server_config: missing key_file'],
    [
      'bad client_auth_type',
      'tls_server_config: {cert_file: tls/server.crt, key_file: tls/server.key, client_auth_type: Sometimes}\n',
      'web.yml:1:92: tls_server_config.client_auth_type: "Sometimes" is not one of "NoClientCert", "RequestClientCert", "RequireAnyClientCert", "RequireClientCert", "VerifyClientCertIfGiven", "RequireAndVerifyClientCert"',
    ],
    [
      'bad min_version',
      'tls_server_config: {cert_file: tls/server.crt, key_file: tls/server.key, min_version: TLS14}\n',
      'web.yml:1:87: tls_server_config.min_version: "TLS14" is not one of "TLS10", "TLS11", "TLS12", "TLS13"',
    ],
    [
      'client CA without a policy',
      'tls_server_config:\n  cert_file: tls/server.crt\n  key_file: tls/server.key\n  client_ca_file: tls/ca.crt\n',
      'web.yml:4:3: tls_server_config.client_ca_file: client_ca_file is set but client_auth_type is NoClientCert; set client_auth_type (e.g. RequireAndVerifyClientCert)',
    ],
    [
      'unreadable cert file',
      'tls_server_config:\n  cert_file: tls/missing.crt\n  key_file: tls/server.key\n',
      `web.yml:2:14: tls_server_config.cert_file: cannot read "tls/missing.crt" (${join(TLS, 'missing.crt')}): no such file`,
    ],
    [
      'cert and key mismatch',
      'tls_server_config:\n  cert_file: tls/server.crt\n  key_file: tls/client.key\n',
      'web.yml:2:14: tls_server_config.cert_file: certificate and key are not a valid pair',
    ],
    ['users not a mapping', 'basic_auth_users: [alice]\n', 'web.yml:1:19: basic_auth_users: expected a mapping, got a list'],
    ['hash not a string', 'basic_auth_users:\n  alice: 5\n', 'web.yml:2:10: basic_auth_users.alice: expected a string, got a number'],
  ])('%s', (_what, yaml, message) => {
    expect(errorOf(yaml)).toContain(message);
  });

  it('rejects a plain-text password instead of a bcrypt hash, without echoing it', () => {
    const msg = errorOf('basic_auth_users:\n  alice: wonderland\n');
    expect(msg).toMatch(/^web\.yml:2:10: basic_auth_users\.alice: not a bcrypt hash/);
    expect(msg).not.toContain('wonderland');
  });

  it('rejects a username with a colon', () => {
    expect(errorOf(`basic_auth_users:\n  "a:b": ${ALICE_HASH}\n`)).toContain('web.yml:2:3: basic_auth_users["a:b"]: a basic auth username must be non-empty and must not contain ":"');
  });

  it('reports YAML syntax errors with positions', () => {
    expect(errorOf('basic_auth_users:\n  alice: [\n')).toMatch(/^web\.yml:\d+:\d+: YAML syntax error: /);
  });
});
