import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { FileReader } from '../../../src/config/files.js';
import { httpClientFields, refineHttpClient, resolveHttpClient, type HttpClientFeatures } from '../../../src/config/http-client.js';
import { parseConfig } from '../../../src/config/load.js';
import { configErrorMap, issuesToError, parseYamlSource, validateSource } from '../../../src/config/source.js';
import { ConfigError } from '../../../src/errors.js';

const tmp = mkdtempSync(join(tmpdir(), 'fpb-http-client-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
writeFileSync(join(tmp, 'token'), '  t0ken\n');

/** A section made of nothing but the block, the way remote_write will use it (all features on). */
function sectionOf(features: HttpClientFeatures) {
  return z
    .strictObject({ client: z.strictObject({ url: z.string().optional(), ...httpClientFields('client', features) }).superRefine((b, ctx) => refineHttpClient('client', b, ctx)) });
}
const ALL: HttpClientFeatures = { headers: true, tlsMinVersion: true };

function load(yaml: string, features: HttpClientFeatures = ALL) {
  const source = parseYamlSource(yaml, 'c.yml');
  const file = validateSource(sectionOf(features), source, configErrorMap);
  const reader = new FileReader(tmp);
  const resolved = resolveHttpClient(file.client, ['client'], reader);
  if (reader.issues.length > 0) throw issuesToError(source, reader.issues);
  return resolved;
}

function errorOf(yaml: string, features: HttpClientFeatures = ALL): string {
  try {
    load(yaml, features);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('the HTTP client block', () => {
  it('resolves every part; *_file secrets are read and trimmed', () => {
    expect(
      load('client:\n  authorization: {credentials_file: token}\n  tls_config: {min_version: TLS13, server_name: x}\n  headers: {X-Scope-OrgID: team-a}\n'),
    ).toEqual({
      authorization: { type: 'Bearer', credentials: 't0ken' },
      tls: { serverName: 'x', insecureSkipVerify: false, minVersion: 'TLSv1.3' },
      headers: { 'X-Scope-OrgID': 'team-a' },
    });
    expect(load('client: {}\n')).toEqual({});
  });

  it.each(['proxy_url: http://proxy:3128', 'no_proxy: localhost', 'proxy_from_environment: true', 'proxy_connect_header: {a: [b]}'])(
    'refuses %s with a clear message',
    (kv) => {
      const key = kv.slice(0, kv.indexOf(':'));
      expect(errorOf(`client:\n  ${kv}\n`)).toBe(`c.yml:2:3: client.${key}: HTTP proxies are not supported; client is reached directly (remove ${key})`);
    },
  );

  it.each([
    ['Authorization', 'client.headers.Authorization: set the Authorization header with basic_auth or authorization instead'],
    ['Content-Type', 'client.headers.Content-Type: "Content-Type" is set by the sidecar and cannot be overridden'],
    ['user-agent', 'client.headers.user-agent: "user-agent" is set by the sidecar and cannot be overridden'],
    ['bad name', 'client.headers["bad name"]: "bad name" is not a valid header name'],
  ])('refuses the header %s', (name, message) => {
    expect(errorOf(`client:\n  headers:\n    ${name}: v\n`)).toBe(`c.yml:3:5: ${message}`);
  });

  it('refuses a header value with a line break, without echoing it', () => {
    const msg = errorOf('client:\n  headers:\n    X-Token: "sec\\nret"\n');
    expect(msg).toBe('c.yml:3:14: client.headers.X-Token: must not contain CR, LF or NUL');
  });

  it('parts a section does not enable are errors, not silently ignored', () => {
    const off = { headers: false, tlsMinVersion: false };
    expect(errorOf('client:\n  headers: {X-A: b}\n', off)).toBe('c.yml:2:3: client.headers: not supported in client yet: its HTTP client does not send it');
    expect(errorOf('client:\n  tls_config: {min_version: TLS12}\n', off)).toBe(
      'c.yml:2:16: client.tls_config.min_version: not supported in client yet: its HTTP client does not send it',
    );
  });
});

describe('the flink section uses it', () => {
  it('refuses proxy_url, headers and min_version (its REST client applies none of them)', () => {
    const err = (yaml: string) => {
      try {
        parseConfig(yaml, 'config.yml', { baseDir: tmp });
      } catch (e) {
        return (e as Error).message;
      }
      return 'no error';
    };
    expect(err('flink:\n  proxy_url: http://p:3128\n')).toBe(
      'config.yml:2:3: flink.proxy_url: HTTP proxies are not supported; flink is reached directly (remove proxy_url)',
    );
    expect(err('flink:\n  headers: {X-A: b}\n')).toContain('flink.headers: not supported in flink yet');
    expect(err('flink:\n  tls_config: {min_version: TLS12}\n')).toContain('flink.tls_config.min_version: not supported in flink yet');
  });
});
