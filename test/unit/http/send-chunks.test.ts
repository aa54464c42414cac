import { type Server, createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { BufferPool } from '../../../src/http/buffer-pool.js';
import { sendChunks } from '../../../src/http/send-chunks.js';

let server: Server | undefined;
afterEach(async () => {
  await new Promise((r) => server?.close(r) ?? r(undefined));
  server = undefined;
});

/** Serves `handler` on a free port; returns the port. */
async function serve(handler: Parameters<typeof createServer>[1]): Promise<number> {
  server = createServer(handler);
  await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r));
  return (server?.address() as AddressInfo).port;
}

/** Raw GET: status, headers and the undecoded body bytes, or the socket error. */
function get(port: number, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, unknown>; body: Buffer } | Error> {
  return new Promise((resolve) => {
    const req = httpRequest({ host: '127.0.0.1', port, path: '/', headers }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (d: Buffer) => parts.push(d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts) }));
      res.on('error', resolve);
    });
    req.on('error', resolve);
    req.end();
  });
}

/** `n` chunks of `size` bytes, chunk i filled with letter i; counts how many were taken. */
function chunks(n: number, size: number, counter: { taken: number }, failAt = -1): Iterable<Buffer> {
  return {
    *[Symbol.iterator]() {
      for (let i = 0; i < n; i++) {
        if (i === failAt) throw new Error('render failed');
        counter.taken++;
        yield Buffer.alloc(size, 0x61 + (i % 26));
      }
    },
  };
}

const expectedBody = (n: number, size: number): Buffer => Buffer.concat(Array.from({ length: n }, (_, i) => Buffer.alloc(size, 0x61 + (i % 26))));

describe('sendChunks', () => {
  it('sends many chunks in order with chunked encoding and hands each back once written', async () => {
    const counter = { taken: 0 };
    const released: Buffer[] = [];
    const port = await serve((_req, res) => void sendChunks(res, chunks(40, 256 * 1024, counter), { release: (c) => released.push(c) }));
    const r = await get(port);
    if (r instanceof Error) throw r;
    expect(r.headers['transfer-encoding']).toBe('chunked');
    expect(r.body.equals(expectedBody(40, 256 * 1024))).toBe(true);
    expect(counter.taken).toBe(40);
    expect(released).toHaveLength(40);
  });

  it('sends a body of one chunk with Content-Length, and an empty one', async () => {
    const port = await serve((req, res) => void sendChunks(res, chunks(req.headers['x-n'] === '0' ? 0 : 1, 1000, { taken: 0 })));
    const one = await get(port);
    if (one instanceof Error) throw one;
    expect(one.headers['content-length']).toBe('1000');
    expect(one.body.equals(expectedBody(1, 1000))).toBe(true);
    const none = await get(port, { 'x-n': '0' });
    if (none instanceof Error) throw none;
    expect(none.status).toBe(200);
    expect(none.body.length).toBe(0);
  });

  it('gzips when asked, handing back each chunk once compressed', async () => {
    const released: Buffer[] = [];
    const port = await serve((_req, res) => void sendChunks(res, chunks(12, 300 * 1024, { taken: 0 }), { gzip: true, release: (c) => released.push(c) }));
    const r = await get(port);
    if (r instanceof Error) throw r;
    expect(r.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(r.body).equals(expectedBody(12, 300 * 1024))).toBe(true);
    expect(released).toHaveLength(12);
  });

  it('stops rendering when the client goes away', async () => {
    const counter = { taken: 0 };
    let done: Promise<void> | undefined;
    const port = await serve((_req, res) => {
      done = sendChunks(res, chunks(1000, 1024 * 1024, counter));
    });
    await new Promise<void>((resolve) => {
      const req = httpRequest({ host: '127.0.0.1', port, path: '/' }, (res) => {
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      });
      req.end();
    });
    await done;
    // a 1000 MiB answer: what was rendered before the close was noticed is a few socket buffers' worth
    expect(counter.taken).toBeLessThan(100);
  });

  it('propagates a render error after the first chunk, so the caller can drop the connection', async () => {
    let failure: unknown;
    const port = await serve((_req, res) => {
      sendChunks(res, chunks(10, 64 * 1024, { taken: 0 }, 3)).catch((e: unknown) => {
        failure = e;
        res.destroy();
      });
    });
    const r = await get(port);
    expect(r).toBeInstanceOf(Error);
    expect((failure as Error).message).toBe('render failed');
  });
});

describe('BufferPool', () => {
  it('hands back given buffers and ignores views of foreign or grown buffers', () => {
    const pool = new BufferPool(1024, 2);
    const a = pool.take();
    expect(a.length).toBe(1024);
    pool.give(a.subarray(0, 10));
    expect(pool.take().buffer).toBe(a.buffer);
    pool.give(Buffer.allocUnsafe(2048).subarray(0, 10)); // a grown chunk
    pool.give(a.subarray(5, 10)); // not from the first byte
    expect(pool.take().buffer).not.toBe(a.buffer);
    // keeps at most `keep` free buffers
    const bufs = [pool.take(), pool.take(), pool.take()];
    for (const b of bufs) pool.give(b);
    const again = [pool.take(), pool.take(), pool.take()];
    expect(again.filter((b) => bufs.some((x) => x.buffer === b.buffer))).toHaveLength(2);
  });
});
