import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';

/** How long `close()` waits for in-flight requests before cutting their connections. */
const CLOSE_GRACE_MS = 5_000;

/** TLS material for the listener (from `--web.config.file` `tls_server_config`). */
export interface ServerTls {
  readonly cert: string;
  readonly key: string;
  readonly ca?: string;
  readonly requestCert?: boolean;
  readonly rejectUnauthorized?: boolean;
  readonly minVersion?: string;
}

export interface RunningServer {
  readonly address: { host: string; port: number };
  /** Stops accepting, ends idle keep-alive sockets, waits up to 5 s for in-flight requests, then cuts them. */
  close(): Promise<void>;
}

/**
 * Starts HTTP or HTTPS on `host:port` (port 0 picks a free one). Keep-alive is raised to 120 s: Prometheus (Go)
 * reuses scrape connections, and Node's 5 s default closes sockets Go is about to reuse (reference/prometheus.md
 * §4.2). Rejects with the listen error (e.g. EADDRINUSE).
 */
export function startServer(app: Express, host: string, port: number, tls?: ServerTls): Promise<RunningServer> {
  const server = tls
    ? https.createServer(
        {
          cert: tls.cert,
          key: tls.key,
          ca: tls.ca,
          requestCert: tls.requestCert ?? false,
          rejectUnauthorized: tls.rejectUnauthorized ?? false,
          minVersion: tls.minVersion as https.ServerOptions['minVersion'],
        },
        app,
      )
    : http.createServer(app);
  server.keepAliveTimeout = 120_000;
  server.headersTimeout = 125_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const a = server.address() as AddressInfo;
      resolve({
        address: { host: a.address, port: a.port },
        close: () =>
          new Promise<void>((res) => {
            // In-flight requests get a grace period; a client that never reads its response cannot hold shutdown.
            const force = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
            server.close(() => {
              clearTimeout(force);
              res();
            });
            server.closeIdleConnections();
          }),
      });
    });
  });
}
