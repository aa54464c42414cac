import { createServer, type Server } from 'node:http';

/** A forwarder on a fixed port in front of a receiver that comes and goes (a real Prometheus gets a new port per start). */
export interface Forwarder {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Forwards every request (method, path, body, headers but host/length) to `target()` and relays the answer; while
 * `target()` is undefined the connection is destroyed, as a receiver that is down. Binds 127.0.0.1 on a free port.
 */
export async function startForwarder(target: () => string | undefined): Promise<Forwarder> {
  const server: Server = createServer((req, res) => {
    const base = target();
    if (base === undefined) {
      req.socket.destroy();
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && k !== 'host' && k !== 'content-length') headers[k] = v;
      fetch(base + (req.url ?? ''), { method: req.method ?? 'POST', headers, body: Buffer.concat(chunks) })
        .then(async (r) => {
          const out: Record<string, string> = {};
          r.headers.forEach((v, k) => (out[k] = v));
          const body = Buffer.from(await r.arrayBuffer());
          delete out['content-length'];
          delete out['content-encoding'];
          res.writeHead(r.status, out);
          res.end(body);
        })
        .catch(() => req.socket.destroy());
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
