/**
 * Basic auth through the real web config and the real app: the web config YAML is parsed, `App` wires the check in
 * front of every route, and requests go over a real socket (plain HTTP here; TLS policies are covered by
 * test/regression/web-client-cert-policy-not-enforced.test.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { App } from '../../../src/app.js';
import { defaultConfig } from '../../../src/config/load.js';
import { parseWebConfig } from '../../../src/config/web-config.js';
import { nullLogger } from '../../../src/log/logger.js';

const tmp = mkdtempSync(join(tmpdir(), 'fpb-auth-'));
let app: App;
let base: string;

beforeAll(async () => {
  const webConfig = parseWebConfig(`basic_auth_users:\n  prometheus: ${bcrypt.hashSync('s3cret', 4)}\n`, join(tmp, 'web.yml'));
  app = new App({
    // Nothing listens on port 1: polls fail at once, which does not matter to the HTTP layer.
    config: defaultConfig({ restUrl: 'http://127.0.0.1:1' }),
    listenAddress: { host: '127.0.0.1', port: 0 },
    webConfig,
    enableLifecycle: false,
    storagePath: tmp,
    logger: nullLogger,
  });
  await app.start();
  base = `http://127.0.0.1:${app.address?.port ?? 0}`;
});
afterAll(async () => {
  await app.stop();
  rmSync(tmp, { recursive: true, force: true });
});

const get = (path: string, auth?: string) => fetch(`${base}${path}`, auth !== undefined ? { headers: { authorization: auth } } : {});
const basic = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('basic auth from --web.config.file', () => {
  it.each(['/metrics', '/-/healthy', '/'])('%s: the right credentials get in', async (path) => {
    expect((await get(path, basic('prometheus', 's3cret'))).status).toBe(200);
  });

  it.each([
    ['missing', undefined],
    ['wrong password', basic('prometheus', 's3cret!')],
    ['unknown user', basic('grafana', 's3cret')],
    ['another scheme', 'Bearer s3cret'],
  ])('%s credentials: 401 with WWW-Authenticate: Basic, nothing of the body leaks', async (_what, auth) => {
    const res = await get('/metrics', auth);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Basic');
    expect(await res.text()).toBe('Unauthorized\n');
  });
});
