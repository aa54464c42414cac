/**
 * The remote-write receiver (`POST /api/v1/write`): remote-write 1.0 and 2.0 (rc.4) into the series store, as the
 * `remote-write` source (policy `free`: series end by the staleness markers the sender writes, or by retention).
 * Semantics follow the specs (reference/prometheus.md §1–§2) and Prometheus's `storage/remote/write_handler.go`, stricter
 * where the issue asks for it:
 * - Protocol by Content-Type (`content-type.ts`); anything else 415. Content-Encoding empty or snappy, else 415.
 * - Body limits: the compressed size (the route enforces `maxRequestBytes` while reading) and the decoded size, read
 *   from the snappy header before anything is allocated → 413.
 * - One appender transaction per request: any invalid series refuses the whole request with 400 and a message
 *   naming the series (unsorted or duplicate label names, empty or invalid names, out-of-order samples, native
 *   histograms, series limits, a label set owned by another source); nothing is written then.
 * - A sample equal to the series' newest stored one (same timestamp, same value or both StaleNaN) is accepted and
 *   skipped, like Prometheus (idempotent resends from at-least-once senders).
 * - StaleNaN values become staleness markers (`appendStale`). Empty label values are dropped (an empty value is an
 *   absent label in Prometheus). Exemplars are ignored (0 written).
 * - 2.0 answers carry `X-Prometheus-Remote-Write-{Samples,Histograms,Exemplars}-Written`; metadata (1.0's
 *   `WriteRequest.metadata`, 2.0's per-series `Metadata`) goes into the store's metadata of the source; a type that
 *   conflicts with another source's is skipped, not an error (metadata must not make a sender drop samples).
 */
import { BridgeError, MetadataConflictError, OutOfOrderSampleError, RemoteWriteDecodeError, RemoteWriteInvalidError, RemoteWriteTooLargeError } from '../../errors.js';
import type { RemoteWriteReceiverConfig } from '../../config/sections/remote-write-receiver.js';
import type { Logger } from '../../log/logger.js';
import { LabelSet } from '../../model/labels.js';
import type { MetricMetadata, MetricType } from '../../model/metadata.js';
import { METRIC_NAME_LABEL, isValidMetricName } from '../../model/names.js';
import type { SelfMetrics } from '../../self/metrics.js';
import type { Appender, SeriesRef, SeriesStore } from '../../store/types.js';
import { isSnappyEncoding, protocolOf, type RemoteWriteProtocol } from './content-type.js';
import { decodeWriteRequestV1 } from './decode-v1.js';
import { decodeWriteRequestV2 } from './decode-v2.js';
import { snappyDecode } from './snappy-block.js';
import { WireMetricType, type WireMetadata, type WireRequest, type WireSeries } from './write-request.js';

/** The store source remote-written series belong to. */
export const REMOTE_WRITE_SOURCE = 'remote-write';

export const SAMPLES_WRITTEN_HEADER = 'X-Prometheus-Remote-Write-Samples-Written';
export const HISTOGRAMS_WRITTEN_HEADER = 'X-Prometheus-Remote-Write-Histograms-Written';
export const EXEMPLARS_WRITTEN_HEADER = 'X-Prometheus-Remote-Write-Exemplars-Written';

/** A request as the HTTP layer hands it over. */
export interface ReceiveRequest {
  readonly contentType: string | undefined;
  readonly contentEncoding: string | undefined;
  /** The body as sent (a snappy block). */
  readonly body: Buffer;
}

/** The answer: status, headers and a text body (empty for 204). */
export interface ReceiveResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** Samples written (staleness markers included); 0 unless status is 204. */
  readonly samplesWritten: number;
}

export interface RemoteWriteReceiverOptions {
  readonly store: SeriesStore;
  readonly config: RemoteWriteReceiverConfig;
  readonly logger: Logger;
  readonly self?: SelfMetrics;
  /** Called after each commit with the newest sample timestamp of the request (the app's `sourceCommitted`). */
  readonly onCommit?: (source: string, timestampMs: number) => void;
}

/**
 * Receives decoded remote-write requests into the store. Between requests it keeps only the config and a cache:
 * 1.0 label bytes (`WireSeries.labelKey`) → the series' ref, filled after a commit, so that a sender's series
 * seen before skip decoding checks, label-set building and the store's label lookup (the receive hot path:
 * senders repeat the same series every request). The cache is emptied whenever the store removed any series
 * (`seriesRemovals`; refs are never reused) and when it outgrows `max_series`.
 */
export class RemoteWriteReceiver {
  private config: RemoteWriteReceiverConfig;
  private readonly refs = new Map<string, SeriesRef>();
  private refsRemovals = -1;

  constructor(private readonly opts: RemoteWriteReceiverOptions) {
    this.config = opts.config;
    opts.store.createSource(REMOTE_WRITE_SOURCE, { kind: 'free', maxSeries: opts.config.maxSeries });
  }

  /** Applies a reloaded config (limits and `enabled`); the store keeps the received series. */
  configure(config: RemoteWriteReceiverConfig): void {
    this.config = config;
    this.opts.store.createSource(REMOTE_WRITE_SOURCE, { kind: 'free', maxSeries: config.maxSeries });
  }

  get enabled(): boolean {
    return this.config.enabled;
  }

  get maxRequestBytes(): number {
    return this.config.maxRequestBytes;
  }

  /** Handles one request; never throws (a bug surfaces as a 500 with the error logged). */
  handle(req: ReceiveRequest): ReceiveResponse {
    const protocol = protocolOf(req.contentType);
    const res = this.handleProtocol(protocol, req);
    this.opts.self?.remoteWriteRequests.inc({ protocol: protocol ?? 'unknown', code: String(res.status) });
    return res;
  }

  private handleProtocol(protocol: RemoteWriteProtocol | undefined, req: ReceiveRequest): ReceiveResponse {
    if (protocol === undefined) {
      return this.refuse(undefined, 415, 'unsupported_media_type', `unsupported Content-Type ${JSON.stringify(req.contentType ?? '')}: expected application/x-protobuf (remote-write 1.0) or application/x-protobuf;proto=io.prometheus.write.v2.Request (2.0)`);
    }
    if (!isSnappyEncoding(req.contentEncoding)) {
      return this.refuse(protocol, 415, 'unsupported_media_type', `unsupported Content-Encoding ${JSON.stringify(req.contentEncoding)}: only snappy`);
    }
    let wire: WireRequest;
    try {
      const raw = snappyDecode(req.body, this.config.maxDecodedBytes);
      wire = protocol === '1.0' ? decodeWriteRequestV1(raw) : decodeWriteRequestV2(raw);
    } catch (e) {
      if (e instanceof RemoteWriteTooLargeError) return this.refuse(protocol, 413, 'too_large', e.message);
      if (e instanceof RemoteWriteDecodeError) return this.refuse(protocol, 400, 'decode', e.message);
      return this.internalError(protocol, e);
    }
    try {
      const { written, newestT } = this.write(wire);
      this.opts.self?.samplesIngested.inc({ source: REMOTE_WRITE_SOURCE }, written);
      if (written > 0) this.opts.onCommit?.(REMOTE_WRITE_SOURCE, newestT);
      return { status: 204, headers: writtenHeaders(protocol, written), body: '', samplesWritten: written };
    } catch (e) {
      if (e instanceof RemoteWriteInvalidError) return this.refuse(protocol, 400, e.reason, e.message);
      return this.internalError(protocol, e);
    }
  }

  /** Validates and appends the whole request in one transaction. @throws RemoteWriteInvalidError (nothing written) */
  private write(wire: WireRequest): { written: number; newestT: number } {
    if (wire.series.length > this.config.maxSeriesPerRequest) {
      throw new RemoteWriteInvalidError('too_many_series', `request has ${wire.series.length} series, more than the limit of ${this.config.maxSeriesPerRequest} (remote_write_receiver.max_series_per_request)`);
    }
    const store = this.opts.store;
    if (this.refsRemovals !== store.seriesRemovals || this.refs.size > this.config.maxSeries) {
      this.refs.clear();
      this.refsRemovals = store.seriesRemovals;
    }
    const app = store.appender(REMOTE_WRITE_SOURCE);
    let written = 0;
    let newestT = -Infinity;
    /** New cache entries, added only once the transaction committed (a rolled-back series has no ref). */
    const learned: [string, SeriesRef][] = [];
    try {
      for (const md of wire.metadata) this.setMetadata(app, md.family, md);
      for (const s of wire.series) {
        const known = s.labelKey === undefined || s.histograms > 0 ? undefined : this.refs.get(s.labelKey);
        if (known !== undefined) {
          const n = this.appendKnown(app, known, s);
          if (n >= 0) {
            written += n;
            const last = s.timestamps[s.timestamps.length - 1];
            if (last !== undefined && last > newestT) newestT = last;
            continue;
          }
        }
        const labels = labelSetOf(s);
        if (s.histograms > 0) {
          this.opts.self?.remoteWriteHistogramsRefused.inc(s.histograms);
          throw new RemoteWriteInvalidError('native_histogram', `series ${labels.toString()}: native histograms are not supported (${s.histograms} sent); send classic histograms`);
        }
        if (s.metadata !== undefined) this.setMetadata(app, familyOf(labels.metricName, s.metadata.type), s.metadata);
        let ref: SeriesRef | LabelSet = labels;
        for (let i = 0; i < s.timestamps.length; i++) {
          const t = s.timestamps[i] as number;
          const stale = s.stale[i] as boolean;
          try {
            ref = stale ? app.appendStale(ref, t) : app.append(ref, t, s.values[i] as number);
          } catch (e) {
            if (e instanceof OutOfOrderSampleError && e.reason === 'duplicate' && this.sameAsStored(labels, t, stale, s.values[i] as number)) continue;
            if (e instanceof BridgeError) throw new RemoteWriteInvalidError(storeReason(e), `series ${labels.toString()}: ${e.message}`, { cause: e });
            throw e;
          }
          written++;
          if (t > newestT) newestT = t;
        }
        if (s.labelKey !== undefined && typeof ref === 'number') learned.push([s.labelKey, ref]);
      }
    } catch (e) {
      app.rollback();
      throw e;
    }
    // Throws only for metadata another source committed meanwhile (nothing written): a 500, the sender retries.
    app.commit();
    for (const [key, ref] of learned) this.refs.set(key, ref);
    return { written, newestT };
  }

  /**
   * Appends the samples of a series known by its label bytes. Returns the samples written, or -1 when any sample
   * is not plainly appendable (out of order, a resent duplicate…) before anything of the series was appended: the
   * caller then takes the full path, which has the labels for its checks and messages. Timestamps of a wire series
   * must increase, so checking them first leaves nothing half-appended.
   */
  private appendKnown(app: Appender, ref: SeriesRef, s: WireSeries): number {
    const n = s.timestamps.length;
    for (let i = 1; i < n; i++) if (!((s.timestamps[i] as number) > (s.timestamps[i - 1] as number))) return -1;
    for (let i = 0; i < n; i++) {
      const t = s.timestamps[i] as number;
      try {
        if (s.stale[i] as boolean) app.appendStale(ref, t);
        else app.append(ref, t, s.values[i] as number);
      } catch (e) {
        if (!(e instanceof BridgeError)) throw e;
        if (i === 0) return -1;
        throw new RemoteWriteInvalidError(storeReason(e), `series ${labelSetOf(s).toString()}: ${e.message}`, { cause: e });
      }
    }
    return n;
  }

  /** A resent sample: equal to the stored newest one of the series (timestamp and value, or both staleness markers). */
  private sameAsStored(labels: LabelSet, t: number, stale: boolean, v: number): boolean {
    const stored = this.opts.store.get(labels);
    if (stored === undefined || stored.lastTimestamp !== t) return false;
    return stale ? stored.isStale : !stored.isStale && Object.is(stored.lastValue, v);
  }

  private setMetadata(app: Appender, family: string, md: WireMetadata): void {
    const metadata = toMetadata(family, md);
    if (metadata === undefined) return;
    try {
      app.setMetadata(family, metadata);
    } catch (e) {
      if (!(e instanceof MetadataConflictError)) throw e;
      this.opts.logger.debug({ family }, `remote-write metadata skipped: ${e.message}`);
    }
  }

  private refuse(protocol: RemoteWriteProtocol | undefined, status: number, reason: string, message: string): ReceiveResponse {
    this.opts.self?.remoteWriteRefused.inc({ reason });
    this.opts.logger.debug({ status, reason }, `remote-write request refused: ${message}`);
    return { status, headers: protocol === undefined ? {} : writtenHeaders(protocol, 0), body: `${message}\n`, samplesWritten: 0 };
  }

  private internalError(protocol: RemoteWriteProtocol, e: unknown): ReceiveResponse {
    this.opts.logger.error({ err: e instanceof Error ? e.stack : String(e) }, 'remote-write request failed');
    return { status: 500, headers: writtenHeaders(protocol, 0), body: 'internal error\n', samplesWritten: 0 };
  }
}

/** The 2.0 `*-Written` headers (1.0 answers carry none: 1.0 senders ignore them, 2.0 senders need them). */
function writtenHeaders(protocol: RemoteWriteProtocol, samples: number): Record<string, string> {
  if (protocol === '1.0') return {};
  return { [SAMPLES_WRITTEN_HEADER]: String(samples), [HISTOGRAMS_WRITTEN_HEADER]: '0', [EXEMPLARS_WRITTEN_HEADER]: '0' };
}

/**
 * The label set of a wire series, checked like the spec asks: names non-empty, strictly sorted (which also
 * excludes duplicates), valid; `__name__` present and a valid metric name. Empty values are dropped.
 * @throws RemoteWriteInvalidError (reason `invalid_labels`)
 */
export function labelSetOf(s: WireSeries): LabelSet {
  const l = s.labels;
  const record: Record<string, string> = Object.create(null) as Record<string, string>;
  let prev = '';
  for (let i = 0; i < l.length; i += 2) {
    const name = l[i] as string;
    const value = l[i + 1] as string;
    if (name === '') throw invalidLabels(l, 'empty label name');
    if (i > 0 && name === prev) throw invalidLabels(l, `duplicate label name ${JSON.stringify(name)}`);
    if (i > 0 && name < prev) throw invalidLabels(l, `labels not sorted by name (${JSON.stringify(name)} after ${JSON.stringify(prev)})`);
    record[name] = value;
    prev = name;
  }
  const metricName = record[METRIC_NAME_LABEL];
  if (metricName === undefined || metricName === '') throw invalidLabels(l, 'no metric name (__name__)');
  if (!isValidMetricName(metricName)) throw invalidLabels(l, `invalid metric name ${JSON.stringify(metricName)}`);
  try {
    return LabelSet.from(record);
  } catch (e) {
    throw invalidLabels(l, e instanceof Error ? e.message : String(e));
  }
}

function invalidLabels(l: readonly string[], what: string): RemoteWriteInvalidError {
  return new RemoteWriteInvalidError('invalid_labels', `series ${rawSeriesString(l)}: ${what}`);
}

/** The series as sent, in Prometheus-like notation, for messages about label sets that are not valid. */
function rawSeriesString(l: readonly string[]): string {
  const parts: string[] = [];
  for (let i = 0; i < l.length; i += 2) parts.push(`${l[i] as string}=${JSON.stringify(l[i + 1])}`);
  return `{${parts.join(', ')}}`;
}

function storeReason(e: BridgeError): string {
  if (e instanceof OutOfOrderSampleError) return e.reason;
  switch (e.code) {
    case 'FPB_ERR_SERIES_LIMIT':
      return 'series_limit';
    case 'FPB_ERR_SERIES_CONFLICT':
      return 'conflict';
    default:
      return 'invalid_labels';
  }
}

const TYPE_NAMES: Partial<Record<number, MetricType>> = {
  [WireMetricType.Unknown]: 'untyped',
  [WireMetricType.Counter]: 'counter',
  [WireMetricType.Gauge]: 'gauge',
  [WireMetricType.Histogram]: 'histogram',
  [WireMetricType.Summary]: 'summary',
};

/**
 * The family a 2.0 series' metadata describes: its metric name, without the `_bucket`/`_sum`/`_count` suffix for
 * histograms and summaries (Prometheus attaches the family's metadata to each of its series).
 */
function familyOf(metricName: string, type: number): string {
  if (type === WireMetricType.Histogram || type === WireMetricType.GaugeHistogram || type === WireMetricType.Summary) {
    return metricName.replace(/_(bucket|sum|count)$/, '');
  }
  return metricName;
}

/**
 * Wire metadata → store metadata, or undefined when there is nothing to keep (no type, help or unit) or the family
 * name is not valid. Types without a text-format equivalent (gaugehistogram, info, stateset, unknown numbers) become
 * `untyped`; a unit that is not a suffix of the family name is dropped (OpenMetrics requires it).
 */
function toMetadata(family: string, md: WireMetadata): MetricMetadata | undefined {
  if (!isValidMetricName(family)) return undefined;
  if (md.type === WireMetricType.Unknown && md.help === '' && md.unit === '') return undefined;
  const type = TYPE_NAMES[md.type] ?? 'untyped';
  const unit = md.unit !== '' && (family.endsWith(`_${md.unit}`) || family.includes(`_${md.unit}_`)) ? md.unit : undefined;
  return unit === undefined ? { type, help: md.help } : { type, help: md.help, unit };
}
