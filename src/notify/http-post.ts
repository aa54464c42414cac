/**
 * One HTTP destination of the notifier (an Alertmanager's `/api/v2/alerts` or a webhook URL) with the shared
 * HTTP client config (`../config/http-client.ts`: basic auth or authorization, TLS, extra headers) and a per-request
 * timeout. A POST comes back as an outcome, never as an exception:
 * - 2xx: delivered (Prometheus `sendOne`: "Any HTTP status 2xx is OK");
 * - 5xx, 429, a network error or the timeout: retryable (Alertmanager's `notify.Retrier`: 5xx are recoverable);
 * - any other status: refused for good (the payload itself is wrong; sending it again cannot help).
 */
import { Agent, request } from 'undici';
import type { HttpClientConfig } from '../config/http-client.js';
import { NotifyError } from '../errors.js';

/** `User-Agent` of notifications (Prometheus sends `Prometheus/<version>`). */
export const NOTIFY_USER_AGENT = 'flink-prometheus-bridge';

/** What one POST came to; `error` carries the status (0 for network errors and timeouts) and the reason. */
export type PostOutcome = { readonly kind: 'ok' } | { readonly kind: 'retry'; readonly error: NotifyError } | { readonly kind: 'refused'; readonly error: NotifyError };

export class HttpPoster {
  private readonly agent: Agent;
  private readonly headers: Record<string, string>;

  /**
   * @param url the full URL POSTed to
   * @param timeoutMs whole-request timeout (connect, headers, body), ms
   * @param client auth, TLS and extra headers
   */
  constructor(
    readonly url: string,
    private readonly timeoutMs: number,
    client: HttpClientConfig,
  ) {
    const tls = client.tls;
    this.agent = new Agent({
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      // Alertmanager (Go) closes idle connections after its own idle timeout; a short keep-alive here avoids
      // writing a request into a socket the peer is closing (reference prometheus.md §4.2, "connection reset").
      keepAliveTimeout: 4_000,
      ...(tls
        ? { connect: { ca: tls.ca, cert: tls.cert, key: tls.key, servername: tls.serverName, rejectUnauthorized: !tls.insecureSkipVerify, ...(tls.minVersion ? { minVersion: tls.minVersion } : {}) } }
        : {}),
    });
    this.headers = { ...client.headers, 'content-type': 'application/json', 'user-agent': NOTIFY_USER_AGENT };
    if (client.basicAuth) this.headers['authorization'] = `Basic ${Buffer.from(`${client.basicAuth.username}:${client.basicAuth.password}`).toString('base64')}`;
    else if (client.authorization) this.headers['authorization'] = `${client.authorization.type} ${client.authorization.credentials}`;
  }

  /** POSTs a JSON body; never throws. */
  async post(body: string): Promise<PostOutcome> {
    let status: number;
    let text: string;
    try {
      const res = await request(this.url, { method: 'POST', body, headers: this.headers, dispatcher: this.agent, signal: AbortSignal.timeout(this.timeoutMs) });
      status = res.statusCode;
      text = (await res.body.text()).slice(0, 512).trim();
    } catch (e) {
      const why = e instanceof Error && e.name === 'TimeoutError' ? `timeout after ${this.timeoutMs} ms` : e instanceof Error ? e.message : String(e);
      return { kind: 'retry', error: new NotifyError(0, `POST ${redact(this.url)}: ${why}`, { cause: e }) };
    }
    if (status >= 200 && status < 300) return { kind: 'ok' };
    const error = new NotifyError(status, `POST ${redact(this.url)}: unexpected status code ${status}${text ? `: ${text}` : ''}`);
    return status >= 500 || status === 429 ? { kind: 'retry', error } : { kind: 'refused', error };
  }

  /** Closes the connections; a request still in flight is aborted (it then comes back as `retry`). */
  async close(): Promise<void> {
    await this.agent.destroy();
  }
}

/** The URL without its query (webhook URLs often carry tokens there), for messages and logs. */
export function redact(url: string): string {
  const q = url.indexOf('?');
  return q < 0 ? url : `${url.slice(0, q)}?<redacted>`;
}
