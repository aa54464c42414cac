/**
 * One `remote_write` target: tails the store's change feed, writes every sample (after `global.external_labels`
 * and `write_relabel_configs`) to a durable segment log before it counts as accepted, and sends the log in order
 * to the receiver. Semantics follow Prometheus's `storage/remote/queue_manager.go` where they apply:
 * - External labels are added first (a series' own label wins), then write relabelling; a dropped series is counted.
 * - A batch is up to `max_samples_per_send` samples of whole log records, sent once full or when its first sample
 *   waited `batch_send_deadline`.
 * - 2xx: the batch's end is saved as the log position (acknowledged). 5xx, 429 with `retry_on_http_429`, network
 *   errors and timeouts: retried without limit, backoff from `min_backoff` doubling up to `max_backoff`, a
 *   `Retry-After` (seconds or HTTP date) wins. Any other 4xx (and 429 without retry): the batch is dropped, counted
 *   by status, logged once per status, and acknowledged (a receiver's "duplicate/out of order" 400 after a
 *   crash-resend is final).
 * - 2.0 (`protobuf_message: io.prometheus.write.v2.Request`): a 415, or a 2xx without the `*-Written` headers for a
 *   batch with samples, means a 1.0 receiver: the queue falls back to 1.0 for good (logged) and resends the batch.
 * - Delivery is at least once: after a crash, records after the last saved position are sent again.
 * One log, sent in order by one sender: `min_shards`/`max_shards`/`capacity` are accepted for compatibility and
 * do not change that (README).
 */
import { join } from 'node:path';
import { Agent, request } from 'undici';
import type { RemoteWriteConfig } from '../../config/sections/remote-write.js';
import type { Logger } from '../../log/logger.js';
import type { LabelSet } from '../../model/labels.js';
import type { MetricType } from '../../model/metadata.js';
import type { SelfMetrics } from '../../self/metrics.js';
import type { FeedEvent, SeriesStore } from '../../store/types.js';
import { decodeWriteRequestV1 } from '../../sources/remote-write/decode-v1.js';
import { snappyEncode } from '../../sources/remote-write/snappy-block.js';
import { emptySeries, type WireMetadata, type WireSeries } from '../../sources/remote-write/write-request.js';
import { encodeRequestV2, encodeWriteRequestV1 } from './encode.js';
import { compileRelabel, relabel, type CompiledRelabel } from '../../model/relabel.js';
import { comparePositions, SegmentLog, type LogPosition, type LogRecord } from './segment-log.js';

export interface RemoteWriteQueueOptions {
  readonly config: RemoteWriteConfig;
  readonly externalLabels: Readonly<Record<string, string>>;
  /** `--storage.path`; the log lives in `<storagePath>/remote-write/<name>/`. */
  readonly storagePath: string;
  readonly store: SeriesStore;
  readonly logger: Logger;
  readonly self?: SelfMetrics;
}

/** What one send attempt came to. */
type Outcome = { kind: 'ok' } | { kind: 'retry'; afterMs?: number; why: string } | { kind: 'drop'; reason: string; why: string } | { kind: 'fallback' };

const USER_AGENT = 'flink-prometheus-bridge';

export class RemoteWriteQueue {
  private readonly log: SegmentLog;
  private readonly rules: CompiledRelabel[];
  /** Series ref → final labels as flat sorted pairs, or null when relabelling dropped it. */
  private readonly labels = new Map<number, string[] | null>();
  private unsubscribe: (() => void) | undefined;
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private protocol: '1.0' | '2.0';
  private readonly agent: Agent;
  private readonly loggedReasons = new Set<string>();
  private readonly metricLabels: { remote_name: string; url: string };
  private stopTimer: (() => void) | undefined;
  private metadataTimer: NodeJS.Timeout | undefined;
  private metadataRun: Promise<void> | undefined;

  constructor(private readonly opts: RemoteWriteQueueOptions) {
    const c = opts.config;
    this.metricLabels = { remote_name: c.name, url: c.url };
    this.rules = c.writeRelabelConfigs.map(compileRelabel);
    this.protocol = c.protobufMessage === 'io.prometheus.write.v2.Request' ? '2.0' : '1.0';
    this.log = SegmentLog.open(join(opts.storagePath, 'remote-write', c.name), {
      maxDiskBytes: c.queue.maxDiskBytes,
      onDrop: (records, samples) => {
        this.count('dropped', 'disk_limit', samples);
        opts.logger.warn({ remote: c.name, records, samples }, 'remote-write log above queue_config.max_disk_bytes: oldest unsent samples dropped');
      },
    });
    if (this.log.cutBytes > 0) opts.logger.warn({ remote: c.name, bytes: this.log.cutBytes }, 'remote-write log: torn tail cut on open');
    const tls = c.tls;
    this.agent = new Agent({
      headersTimeout: c.remoteTimeoutMs,
      bodyTimeout: c.remoteTimeoutMs,
      ...(tls
        ? { connect: { ca: tls.ca, cert: tls.cert, key: tls.key, servername: tls.serverName, rejectUnauthorized: !tls.insecureSkipVerify, ...(tls.minVersion ? { minVersion: tls.minVersion } : {}) } }
        : {}),
    });
    opts.self?.remoteStorageShards.set(this.metricLabels, 1);
    this.updateGauges();
  }

  /** Subscribes to the change feed (series already stored are looked up first) and starts sending. */
  start(): void {
    if (this.running) return;
    this.running = true;
    for (const s of this.opts.store.select([{ name: '__name__', op: '=~', value: '.+' }])) this.labels.set(s.id, this.finalLabels(s.labels));
    this.unsubscribe = this.opts.store.feed.subscribe((batch) => this.onFeed(batch));
    this.loop = this.sendLoop();
    const md = this.opts.config.metadata;
    if (md.send && md.sendIntervalMs > 0) {
      this.metadataTimer = setInterval(() => {
        this.metadataRun ??= this.sendMetadata().finally(() => (this.metadataRun = undefined));
      }, md.sendIntervalMs);
      this.metadataTimer.unref();
    }
  }

  /** Stops tailing and sending (an attempt in flight is abandoned: its records are sent again next start). */
  async stop(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.running = false;
    this.wake?.();
    this.stopTimer?.();
    if (this.metadataTimer) clearInterval(this.metadataTimer);
    this.metadataTimer = undefined;
    await this.loop;
    await this.metadataRun;
    this.log.close();
    await this.agent.close();
  }

  private finalLabels(ls: LabelSet): string[] | null {
    const record: Record<string, string> = Object.create(null) as Record<string, string>;
    for (const [k, v] of Object.entries(this.opts.externalLabels)) record[k] = v;
    for (let i = 0; i < ls.names.length; i++) record[ls.names[i] as string] = ls.values[i] as string;
    const out = this.rules.length === 0 ? record : relabel(record, this.rules);
    if (out === undefined) return null;
    const names = Object.keys(out).filter((n) => out[n] !== '').sort();
    if (names.length === 0) return null;
    return names.flatMap((n) => [n, out[n] as string]);
  }

  /** Feed listener: runs inside the store's commit; the samples are on disk when it returns. */
  private onFeed(batch: readonly FeedEvent[]): void {
    const bySeries = new Map<number, WireSeries>();
    let samples = 0;
    let relabelDropped = 0;
    const dropped: number[] = [];
    for (const e of batch) {
      if (e.kind === 'series') {
        this.labels.set(e.ref, this.finalLabels(e.labels));
        continue;
      }
      if (e.kind === 'dropped') {
        dropped.push(e.ref);
        continue;
      }
      const labels = this.labels.get(e.ref);
      if (labels === null || labels === undefined) {
        relabelDropped++;
        continue;
      }
      let s = bySeries.get(e.ref);
      if (s === undefined) {
        s = { ...emptySeries(), labels };
        bySeries.set(e.ref, s);
      }
      s.timestamps.push(e.t);
      s.values.push(e.kind === 'sample' ? e.v : Number.NaN);
      s.stale.push(e.kind === 'stale');
      samples++;
    }
    for (const ref of dropped) this.labels.delete(ref);
    if (relabelDropped > 0) this.count('dropped', 'relabel', relabelDropped);
    if (samples === 0) return;
    // Records of at most max_samples_per_send samples, so that a batch is whole records.
    const max = this.opts.config.queue.maxSamplesPerSend;
    let chunk: WireSeries[] = [];
    let inChunk = 0;
    const flush = () => {
      if (inChunk === 0) return;
      this.log.append(encodeWriteRequestV1(chunk), inChunk);
      chunk = [];
      inChunk = 0;
    };
    for (const s of bySeries.values()) {
      const n = s.timestamps.length;
      let i = 0;
      while (i < n) {
        const take = Math.min(max - inChunk, n - i);
        chunk.push({ ...emptySeries(), labels: s.labels, timestamps: s.timestamps.slice(i, i + take), values: s.values.slice(i, i + take), stale: s.stale.slice(i, i + take) });
        inChunk += take;
        i += take;
        if (inChunk >= max) flush();
      }
    }
    flush();
    this.updateGauges();
    this.wake?.();
  }

  private async sendLoop(): Promise<void> {
    const q = this.opts.config.queue;
    let batch: WireSeries[] = [];
    let samples = 0;
    let end: LogPosition | undefined;
    let firstAt = 0;
    /** A record read that did not fit into the batch being built: the first of the next one. */
    let held: LogRecord | undefined;
    /**
     * After a crash: where the batch in flight then ended. The first batch is rebuilt to end exactly there, whatever
     * is on disk after it (segment-log.ts `markInFlight` says why).
     */
    let resumeEnd = this.log.inFlightAtOpen;
    while (this.running) {
      const resumed = resumeEnd !== undefined && end !== undefined && comparePositions(end, resumeEnd) >= 0;
      let r: LogRecord | undefined;
      if (resumeEnd !== undefined ? !resumed : samples < q.maxSamplesPerSend) {
        r = held ?? this.log.next();
        held = undefined;
        if (resumeEnd === undefined && r !== undefined && samples > 0 && samples + r.weight > q.maxSamplesPerSend) {
          held = r;
          r = undefined;
        }
      }
      if (r !== undefined) {
        if (samples === 0) firstAt = Date.now();
        const decoded = decodeWriteRequestV1(r.payload).series;
        for (const s of decoded) batch.push(s);
        samples += r.weight;
        end = r.end;
        continue;
      }
      const due = resumed || samples >= q.maxSamplesPerSend || held !== undefined || (samples > 0 && Date.now() - firstAt >= q.batchSendDeadlineMs);
      if (!due) {
        await this.sleep(samples > 0 ? q.batchSendDeadlineMs - (Date.now() - firstAt) : q.batchSendDeadlineMs, true);
        continue;
      }
      resumeEnd = undefined;
      if (end) this.log.markInFlight(end);
      const delivered = await this.deliver(batch, samples);
      if (!delivered) break; // stopped during retries
      if (end) this.log.ack(end, samples);
      this.updateGauges();
      batch = [];
      samples = 0;
      end = undefined;
    }
  }

  /** Sends one batch until it is acknowledged or dropped; false when the queue stopped first. */
  private async deliver(batch: WireSeries[], samples: number): Promise<boolean> {
    const q = this.opts.config.queue;
    let backoff = q.minBackoffMs;
    while (this.running) {
      const outcome = await this.attempt(batch, samples);
      if (outcome.kind === 'ok') {
        this.count('sent', '', samples);
        let newest = -Infinity;
        for (const s of batch) for (const t of s.timestamps) if (t > newest) newest = t;
        if (newest > -Infinity) this.opts.self?.remoteStorageHighestSent.set(this.metricLabels, newest / 1000);
        return true;
      }
      if (outcome.kind === 'fallback') {
        this.protocol = '1.0';
        this.opts.logger.warn({ remote: this.opts.config.name }, 'the receiver does not speak remote-write 2.0 (415, or 2xx without X-Prometheus-Remote-Write-*-Written): falling back to 1.0');
        continue;
      }
      if (outcome.kind === 'drop') {
        this.count('failed', outcome.reason, samples);
        if (!this.loggedReasons.has(outcome.reason)) {
          this.loggedReasons.add(outcome.reason);
          this.opts.logger.error({ remote: this.opts.config.name, reason: outcome.reason }, `remote-write batch dropped (not retryable; logged once per reason): ${outcome.why}`);
        }
        return true;
      }
      this.count('retried', '', samples);
      this.opts.logger.debug({ remote: this.opts.config.name, backoffMs: outcome.afterMs ?? backoff }, `remote-write send failed, retrying: ${outcome.why}`);
      await this.sleep(outcome.afterMs ?? backoff, false);
      backoff = Math.min(backoff * 2, q.maxBackoffMs);
    }
    return false;
  }

  /**
   * Remote-write 1.0 metadata (`metadata_config`, Prometheus 3.16 storage/remote/queue_manager.go
   * `AppendWatcherMetadata`/`sendMetadataWithBackoff`): every `send_interval`, the metadata of every family in the
   * store, `max_samples_per_send` entries per request, as WriteRequests without series. Recoverable failures are
   * retried with the queue's backoff until the next interval; not written to the durable log (the next interval
   * sends it all again). Remote-write 2.0 carries metadata with each series instead, so nothing is sent then.
   */
  async sendMetadata(): Promise<void> {
    if (this.protocol !== '1.0' || !this.running) return;
    const md = this.opts.config.metadata;
    const q = this.opts.config.queue;
    const all: WireMetadata[] = [];
    for (const family of this.opts.store.familyNames()) {
      const m = this.opts.store.metadata(family);
      if (m !== undefined) all.push({ type: METRIC_TYPE_NUMBER[m.type], family, help: m.help, unit: m.unit ?? '' });
    }
    const deadline = Date.now() + md.sendIntervalMs;
    for (let i = 0; i < all.length && this.running; i += md.maxSamplesPerSend) {
      const chunk = all.slice(i, i + md.maxSamplesPerSend);
      const raw = encodeWriteRequestV1([], chunk);
      let backoff = q.minBackoffMs;
      for (;;) {
        const outcome = await this.post(raw, false, chunk.length);
        if (outcome.kind === 'ok' || outcome.kind === 'fallback') {
          this.opts.self?.remoteStorageMetadata.inc({ ...this.metricLabels, outcome: 'sent' }, chunk.length);
          break;
        }
        if (outcome.kind === 'drop' || !this.running || Date.now() + backoff > deadline) {
          this.opts.self?.remoteStorageMetadata.inc({ ...this.metricLabels, outcome: 'failed' }, chunk.length);
          this.opts.logger.debug({ remote: this.opts.config.name }, `remote-write metadata request failed: ${outcome.kind === 'drop' || outcome.kind === 'retry' ? outcome.why : ''}`);
          return;
        }
        this.opts.self?.remoteStorageMetadata.inc({ ...this.metricLabels, outcome: 'retried' }, chunk.length);
        await new Promise((r) => setTimeout(r, outcome.afterMs ?? backoff).unref());
        backoff = Math.min(backoff * 2, q.maxBackoffMs);
      }
    }
  }

  private attempt(batch: WireSeries[], samples: number): Promise<Outcome> {
    const v2 = this.protocol === '2.0';
    const raw = v2 ? encodeRequestV2(batch, (s) => this.metadataOf(s)) : encodeWriteRequestV1(batch);
    return this.post(raw, v2, samples);
  }

  /** One POST of an encoded request; classifies the answer (Prometheus's recoverable-error rules). */
  private async post(raw: Buffer, v2: boolean, samples: number): Promise<Outcome> {
    const c = this.opts.config;
    const headers: Record<string, string> = {
      ...c.headers,
      'content-encoding': 'snappy',
      'content-type': v2 ? 'application/x-protobuf;proto=io.prometheus.write.v2.Request' : 'application/x-protobuf',
      'user-agent': USER_AGENT,
      'x-prometheus-remote-write-version': v2 ? '2.0.0' : '0.1.0',
    };
    if (c.basicAuth) headers['authorization'] = `Basic ${Buffer.from(`${c.basicAuth.username}:${c.basicAuth.password}`).toString('base64')}`;
    else if (c.authorization) headers['authorization'] = `${c.authorization.type} ${c.authorization.credentials}`;
    let status: number;
    let resHeaders: Record<string, string | string[] | undefined>;
    let text = '';
    try {
      const res = await request(c.url, { method: 'POST', body: snappyEncode(raw), headers, dispatcher: this.agent, signal: AbortSignal.timeout(c.remoteTimeoutMs) });
      status = res.statusCode;
      resHeaders = res.headers;
      text = (await res.body.text()).slice(0, 1024);
    } catch (e) {
      return { kind: 'retry', why: e instanceof Error ? e.message : String(e) };
    }
    if (status >= 200 && status < 300) {
      if (v2 && samples > 0 && resHeaders['x-prometheus-remote-write-samples-written'] === undefined) return { kind: 'fallback' };
      return { kind: 'ok' };
    }
    if (v2 && status === 415) return { kind: 'fallback' };
    const why = `HTTP ${status}: ${text.trim()}`;
    if (status >= 500 || (status === 429 && c.queue.retryOnHttp429)) return { kind: 'retry', why, ...retryAfter(resHeaders['retry-after']) };
    return { kind: 'drop', reason: String(status), why };
  }

  private metadataOf(s: WireSeries) {
    let name = '';
    for (let i = 0; i < s.labels.length; i += 2) if (s.labels[i] === '__name__') name = s.labels[i + 1] as string;
    const md = this.opts.store.metadata(name) ?? this.opts.store.metadata(name.replace(/_(bucket|sum|count)$/, ''));
    if (md === undefined) return undefined;
    return { type: METRIC_TYPE_NUMBER[md.type], family: '', help: md.help, unit: md.unit ?? '' };
  }

  private count(outcome: string, reason: string, samples: number): void {
    this.opts.self?.remoteStorageSamples.inc({ ...this.metricLabels, outcome, reason }, samples);
  }

  private updateGauges(): void {
    const self = this.opts.self;
    if (!self) return;
    self.remoteStoragePendingSamples.set(this.metricLabels, this.log.pendingWeight);
    self.remoteStorageBytesOnDisk.set(this.metricLabels, this.log.bytesOnDisk);
    self.remoteStoragePendingBytes.set(this.metricLabels, this.log.pendingBytes);
  }

  /** Waits `ms` (unref'd); an append (when `wakeOnAppend`) or stop ends the wait early. */
  private sleep(ms: number, wakeOnAppend: boolean): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = undefined;
        this.stopTimer = undefined;
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      if (wakeOnAppend) this.wake = done;
      this.stopTimer = done;
    });
  }
}

/** MetricMetadata.MetricType (1.0) and Metadata.MetricType (2.0) share these numbers (proto/). */
const METRIC_TYPE_NUMBER: Readonly<Record<MetricType, number>> = { untyped: 0, counter: 1, gauge: 2, histogram: 3, summary: 5 };

/** `Retry-After` in seconds or as an HTTP date (Prometheus `retryAfterDuration`). */
function retryAfter(h: string | string[] | undefined): { afterMs?: number } {
  const v = Array.isArray(h) ? h[0] : h;
  if (v === undefined || v.trim() === '') return {};
  if (/^\d+$/.test(v.trim())) return { afterMs: Number(v.trim()) * 1000 };
  const date = Date.parse(v);
  return Number.isNaN(date) ? {} : { afterMs: Math.max(0, date - Date.now()) };
}
