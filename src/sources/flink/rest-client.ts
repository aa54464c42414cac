import { Agent, request, errors as undiciErrors } from 'undici';
import pLimit, { type LimitFunction } from 'p-limit';
import pRetry, { AbortError } from 'p-retry';
import { FlinkConnectError, FlinkHttpError, FlinkResponseError, FlinkTimeoutError, BridgeError } from '../../errors.js';

/** What the client needs to know; a subset of `BridgeConfig.flink`. */
export interface FlinkRestClientOptions {
  readonly restUrl: string;
  readonly timeoutMs: number;
  readonly concurrency: number;
  readonly retries: number;
  readonly retryBackoffMs: number;
  readonly basicAuth?: { readonly username: string; readonly password: string };
  readonly authorization?: { readonly type: string; readonly credentials: string };
  readonly tls?: {
    readonly ca?: string;
    readonly cert?: string;
    readonly key?: string;
    readonly serverName?: string;
    readonly insecureSkipVerify: boolean;
  };
  /** Largest body accepted, bytes; bigger answers are a FlinkResponseError. Default 64 MiB. */
  readonly maxBodyBytes?: number;
}

/**
 * Outcome label of one HTTP attempt for `flink_bridge_rest_requests_total{endpoint,code}`:
 * the HTTP status as a string, or `timeout`, `connect`, `invalid` (2xx with an unusable body).
 */
export type RequestOutcome = string;

/** Receives one call per HTTP attempt (retries included). Implemented by the self-metrics. */
export interface RestRequestObserver {
  onRequest(endpoint: string, outcome: RequestOutcome, durationSeconds: number): void;
}

const RETRYABLE_STATUS = new Set([502, 503, 504]);
const MAX_BACKOFF_MS = 5_000;

/**
 * Client for the Flink REST API: bounded concurrency, a timeout per attempt covering headers and body,
 * retries with exponential backoff for transient failures (connect errors, timeouts, 502/503/504), basic or
 * bearer auth, and TLS for a Flink behind a proxy.
 *
 * `getJson(path, endpoint)` resolves to the parsed JSON body (`unknown`: callers validate shapes) and rejects with
 * FlinkHttpError (non-2xx), FlinkTimeoutError, FlinkConnectError or FlinkResponseError (not JSON, too large).
 * `endpoint` is a low-cardinality name such as `/jobs/:jid` used in errors and self-metrics.
 */
export class FlinkRestClient {
  private readonly base: string;
  private readonly agent: Agent;
  private readonly limit: LimitFunction;
  private readonly headers: Record<string, string>;
  private readonly maxBodyBytes: number;
  private requestsInCycle = 0;

  constructor(
    private readonly options: FlinkRestClientOptions,
    private readonly observer: RestRequestObserver = { onRequest() {} },
  ) {
    this.base = options.restUrl.replace(/\/+$/, '');
    this.maxBodyBytes = options.maxBodyBytes ?? 64 * 1024 * 1024;
    const tls = options.tls;
    this.agent = new Agent({
      connections: options.concurrency,
      connectTimeout: options.timeoutMs,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      keepAliveTimeout: 30_000,
      connect: tls
        ? {
            ca: tls.ca,
            cert: tls.cert,
            key: tls.key,
            servername: tls.serverName,
            rejectUnauthorized: !tls.insecureSkipVerify,
          }
        : undefined,
    });
    this.limit = pLimit(options.concurrency);
    this.headers = { accept: 'application/json', 'user-agent': 'flink-prometheus-bridge' };
    if (options.basicAuth) {
      const token = Buffer.from(`${options.basicAuth.username}:${options.basicAuth.password}`).toString('base64');
      this.headers.authorization = `Basic ${token}`;
    } else if (options.authorization) {
      this.headers.authorization = `${options.authorization.type} ${options.authorization.credentials}`;
    }
  }

  /** Number of HTTP attempts since the last `resetRequestCount()` (retries included). */
  get requestCount(): number {
    return this.requestsInCycle;
  }

  resetRequestCount(): void {
    this.requestsInCycle = 0;
  }

  /** GET `path` (starting with `/`, query included) and parse JSON. See the class docstring for errors. */
  getJson(path: string, endpoint: string): Promise<unknown> {
    return this.limit(() =>
      pRetry(() => this.attempt(path, endpoint), {
        retries: this.options.retries,
        factor: 2,
        minTimeout: this.options.retryBackoffMs,
        maxTimeout: MAX_BACKOFF_MS,
        randomize: false,
      }),
    );
  }

  async close(): Promise<void> {
    await this.agent.close();
  }

  private async attempt(path: string, endpoint: string): Promise<unknown> {
    const started = performance.now();
    this.requestsInCycle++;
    let outcome: RequestOutcome = 'connect';
    try {
      const { statusCode, body } = await request(this.base + path, {
        method: 'GET',
        dispatcher: this.agent,
        headers: this.headers,
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      outcome = String(statusCode);
      const text = await readLimited(body, this.maxBodyBytes, endpoint);
      if (statusCode < 200 || statusCode >= 300) {
        const err = new FlinkHttpError(endpoint, statusCode, snippet(text));
        throw RETRYABLE_STATUS.has(statusCode) ? err : new AbortError(err);
      }
      try {
        return parseJsonBody(text, endpoint);
      } catch (e) {
        outcome = 'invalid';
        throw new AbortError(e as FlinkResponseError);
      }
    } catch (e) {
      if (e instanceof AbortError) throw e;
      if (e instanceof BridgeError) {
        if (e instanceof FlinkResponseError) outcome = 'invalid';
        if (e instanceof FlinkTimeoutError) outcome = 'timeout';
        throw e;
      }
      const mapped = mapTransportError(e, endpoint, this.options.timeoutMs);
      outcome = mapped instanceof FlinkTimeoutError ? 'timeout' : 'connect';
      throw mapped;
    } finally {
      this.observer.onRequest(endpoint, outcome, (performance.now() - started) / 1000);
    }
  }
}

/**
 * The JSON of a 2xx body: any JSON value (callers validate shapes); throws FlinkResponseError for HTML (a proxy's
 * error page), a truncated or otherwise invalid body, never anything else.
 */
export function parseJsonBody(text: string, endpoint: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    const what = /^\s*</.test(text) ? 'HTML instead of JSON' : `invalid JSON (${(e as Error).message})`;
    throw new FlinkResponseError(endpoint, `${what}: ${snippet(text)}`);
  }
}

async function readLimited(body: AsyncIterable<Buffer>, max: number, endpoint: string): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > max) throw new AbortError(new FlinkResponseError(endpoint, `body larger than ${max} bytes`));
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function snippet(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > 200 ? `${oneLine.slice(0, 200)}…` : oneLine;
}

function mapTransportError(e: unknown, endpoint: string, timeoutMs: number): BridgeError {
  const err = e as { name?: string; code?: string; message?: string };
  if (
    err.name === 'TimeoutError' ||
    err.name === 'AbortError' ||
    e instanceof undiciErrors.HeadersTimeoutError ||
    e instanceof undiciErrors.BodyTimeoutError ||
    e instanceof undiciErrors.ConnectTimeoutError
  ) {
    return new FlinkTimeoutError(endpoint, timeoutMs, { cause: e });
  }
  if (err.code === 'UND_ERR_SOCKET' || err.code === 'ECONNRESET') {
    // A connection dropped mid-body is a truncated answer; retry it like a connect failure.
    return new FlinkConnectError(endpoint, `connection closed early (${err.message ?? err.code})`, { cause: e });
  }
  return new FlinkConnectError(endpoint, err.message ?? String(e), { cause: e });
}
