import { readFileSync } from 'node:fs';
import https from 'node:https';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FlinkRestClient } from '../../../../src/sources/flink/rest-client.js';

// A real HTTP server on 127.0.0.1 that misbehaves the ways a Flink behind a proxy can.
let server: http.Server;
let base: string;
const hits = new Map<string, number>();
let lastAuth: string | undefined;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const path = req.url ?? '';
    hits.set(path, (hits.get(path) ?? 0) + 1);
    lastAuth = req.headers.authorization;
    if (path === '/ok') return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"a":1}');
    if (path === '/html') return void res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>proxy login</body></html>');
    if (path === '/500') return void res.writeHead(500).end('{"errors":["Internal server error."]}');
    if (path === '/404') return void res.writeHead(404).end('{"errors":["Not found."]}');
    if (path === '/503-then-ok') {
      if ((hits.get(path) ?? 0) <= 2) return void res.writeHead(503).end('busy');
      return void res.writeHead(200).end('[1,2]');
    }
    if (path === '/truncated') {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
      res.write('{"jobs":[{"jid":"ab');
      setTimeout(() => res.destroy(), 20);
      return;
    }
    if (path === '/hang') return; // never answers
    res.writeHead(418).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

function client(extra: Partial<ConstructorParameters<typeof FlinkRestClient>[0]> = {}, seen: string[] = []) {
  return new FlinkRestClient(
    { restUrl: base, timeoutMs: 500, concurrency: 2, retries: 2, retryBackoffMs: 10, ...extra },
    { onRequest: (endpoint, outcome) => seen.push(`${endpoint} ${outcome}`) },
  );
}

describe('FlinkRestClient', () => {
  it('parses JSON and counts the attempt with its status', async () => {
    const seen: string[] = [];
    const c = client({}, seen);
    await expect(c.getJson('/ok', '/ok')).resolves.toEqual({ a: 1 });
    expect(seen).toEqual(['/ok 200']);
    expect(c.requestCount).toBe(1);
    await c.close();
  });

  it('rejects HTML with FPB_ERR_FLINK_RESPONSE and does not retry it', async () => {
    const seen: string[] = [];
    const c = client({}, seen);
    await expect(c.getJson('/html', '/html')).rejects.toMatchObject({ code: 'FPB_ERR_FLINK_RESPONSE', message: expect.stringContaining('HTML instead of JSON') });
    expect(seen).toEqual(['/html invalid']);
    await c.close();
  });

  it('rejects 500 with FPB_ERR_FLINK_HTTP without retrying, 404 likewise', async () => {
    const c = client();
    await expect(c.getJson('/500', '/500')).rejects.toMatchObject({ code: 'FPB_ERR_FLINK_HTTP', status: 500 });
    await expect(c.getJson('/404', '/404')).rejects.toMatchObject({ code: 'FPB_ERR_FLINK_HTTP', status: 404 });
    expect(hits.get('/500')).toBe(1);
    await c.close();
  });

  it('retries 503 with backoff and then succeeds', async () => {
    const seen: string[] = [];
    const c = client({}, seen);
    await expect(c.getJson('/503-then-ok', '/x')).resolves.toEqual([1, 2]);
    expect(seen).toEqual(['/x 503', '/x 503', '/x 200']);
    await c.close();
  });

  it('turns a truncated body into a connect/response error, never a partial value', async () => {
    const c = client({ retries: 0 });
    const err = await c.getJson('/truncated', '/truncated').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: expect.stringMatching(/^FPB_ERR_FLINK_(CONNECT|RESPONSE)$/) });
    await c.close();
  });

  it('times out a hanging request with FPB_ERR_FLINK_TIMEOUT after the retries', async () => {
    const seen: string[] = [];
    const c = client({ timeoutMs: 150, retries: 1 }, seen);
    await expect(c.getJson('/hang', '/hang')).rejects.toMatchObject({ code: 'FPB_ERR_FLINK_TIMEOUT' });
    expect(seen).toEqual(['/hang timeout', '/hang timeout']);
    await c.close();
  });

  it('reports an unreachable API as FPB_ERR_FLINK_CONNECT', async () => {
    const c = new FlinkRestClient({ restUrl: 'http://127.0.0.1:1', timeoutMs: 500, concurrency: 1, retries: 0, retryBackoffMs: 10 });
    await expect(c.getJson('/overview', '/overview')).rejects.toMatchObject({ code: 'FPB_ERR_FLINK_CONNECT' });
    await c.close();
  });

  it('sends basic auth and bearer credentials', async () => {
    const a = client({ basicAuth: { username: 'u', password: 'p w' } });
    await a.getJson('/ok', '/ok');
    expect(lastAuth).toBe(`Basic ${Buffer.from('u:p w').toString('base64')}`);
    await a.close();
    const b = client({ authorization: { type: 'Bearer', credentials: 'tok' } });
    await b.getJson('/ok', '/ok');
    expect(lastAuth).toBe('Bearer tok');
    await b.close();
  });
});

describe('FlinkRestClient over TLS (a Flink behind an HTTPS proxy requiring client certificates)', () => {
  const tlsDir = new URL('../../config/fixtures/tls/', import.meta.url);
  const pem = (f: string) => readFileSync(new URL(f, tlsDir), 'utf8');
  let httpsServer: https.Server;
  let httpsUrl: string;

  beforeAll(async () => {
    httpsServer = https.createServer(
      { cert: pem('server.crt'), key: pem('server.key'), ca: pem('ca.crt'), requestCert: true, rejectUnauthorized: true },
      (_req, res) => void res.writeHead(200, { 'content-type': 'application/json' }).end('{"tls":true}'),
    );
    await new Promise<void>((r) => httpsServer.listen(0, '127.0.0.1', r));
    httpsUrl = `https://127.0.0.1:${(httpsServer.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    httpsServer.closeAllConnections();
    await new Promise<void>((r) => httpsServer.close(() => r()));
  });

  it('verifies the server with the configured CA and presents the client certificate', async () => {
    const c = new FlinkRestClient({
      restUrl: httpsUrl,
      timeoutMs: 2000,
      concurrency: 1,
      retries: 0,
      retryBackoffMs: 10,
      tls: { ca: pem('ca.crt'), cert: pem('client.crt'), key: pem('client.key'), insecureSkipVerify: false },
    });
    await expect(c.getJson('/overview', '/overview')).resolves.toEqual({ tls: true });
    await c.close();
  });

  it('refuses a server its CA did not sign, and a server that wants a client certificate we lack', async () => {
    const noCa = new FlinkRestClient({ restUrl: httpsUrl, timeoutMs: 2000, concurrency: 1, retries: 0, retryBackoffMs: 10, tls: { insecureSkipVerify: false } });
    await expect(noCa.getJson('/overview', '/overview')).rejects.toMatchObject({ code: 'FPB_ERR_FLINK_CONNECT' });
    await noCa.close();
    const noCert = new FlinkRestClient({ restUrl: httpsUrl, timeoutMs: 2000, concurrency: 1, retries: 0, retryBackoffMs: 10, tls: { ca: pem('ca.crt'), insecureSkipVerify: false } });
    await expect(noCert.getJson('/overview', '/overview')).rejects.toMatchObject({ code: 'FPB_ERR_FLINK_CONNECT' });
    await noCert.close();
  });
});
