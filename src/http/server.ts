import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { Express } from 'express';
import type { ClientAuthType } from '../config/web-config.js';
import { clientCertVerdict, tlsListenerOptions } from './client-cert-policy.js';

/** How long `close()` waits for in-flight requests before cutting their connections. */
const CLOSE_GRACE_MS = 5_000;

/** TLS material and client-certificate policy for the listener (`--web.config.file` `tls_server_config`). */
export interface ServerTls {
  /** PEM server certificate (chain) and key. */
  readonly cert: string;
  readonly key: string;
  /** PEM CA bundle client certificates are verified against (`client_ca_file`). */
  readonly ca?: string;
  readonly minVersion?: string;
  /** exporter-toolkit `client_auth_type`, enforced as in Go `crypto/tls` (see `client-cert-policy.ts`). */
  readonly clientAuthType: ClientAuthType;
}

/** Options of `startServer`. */
export interface ServerOptions {
  /** Called for each TLS connection closed by the client-certificate policy (for a log line); no secrets. */
  readonly onClientRejected?: (reason: string, remoteAddress: string | undefined) => void;
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
 *
 * With TLS, `tls.clientAuthType` is enforced on every connection before a byte of HTTP is read. What a rejected client
 * sees: for `RequireAndVerifyClientCert` OpenSSL fails the handshake itself (no certificate: a TLS
 * `certificate_required`/`handshake_failure` alert, like Go); otherwise, and for an unverified certificate, the
 * handshake completes on the client's side and the server then closes the connection without an HTTP answer (the
 * client reads `ECONNRESET` / "socket hang up" / EOF). Go would send a TLS alert instead; Node offers no way to send
 * one after its own handshake, and in both cases no request reaches a handler.
 */
export function startServer(
  app: Express,
  host: string,
  port: number,
  tls?: ServerTls,
  options: ServerOptions = {},
): Promise<RunningServer> {
  let server: http.Server | https.Server;
  if (tls) {
    const s = https.createServer(
      {
        cert: tls.cert,
        key: tls.key,
        ca: tls.ca,
        ...tlsListenerOptions(tls.clientAuthType),
        minVersion: tls.minVersion as https.ServerOptions['minVersion'],
      },
      app,
    );
    const policy = tls.clientAuthType;
    if (policy !== 'NoClientCert') {
      // prepend: decide before the HTTP layer attaches its parser to the socket, so nothing is read from a rejected one.
      s.prependListener('secureConnection', (socket: TLSSocket) => {
        const verdict = clientCertVerdict(policy, {
          presented: Object.keys(socket.getPeerCertificate()).length > 0,
          authorized: socket.authorized,
          ...(socket.authorizationError !== undefined ? { authorizationError: String(socket.authorizationError) } : {}),
        });
        if (!verdict.ok) {
          options.onClientRejected?.(verdict.reason, socket.remoteAddress);
          socket.destroy();
        }
      });
    }
    server = s;
  } else {
    server = http.createServer(app);
  }
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
