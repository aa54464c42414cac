/**
 * The `remote_write` section: a list of remote-write targets with Prometheus's keys (`config/config.go`
 * `RemoteWriteConfig`, v0.316.0), plus `queue_config.max_disk_bytes` for the sidecar's durable segment log. This
 * file owns the keys, defaults, validation and the frozen runtime shape (`RemoteWriteConfig`).
 *
 * ```yaml
 * remote_write:
 *   - url: https://mimir.example/api/v1/push
 *     name: mimir                               # default: a hash of the url; names the log directory
 *     protobuf_message: prometheus.WriteRequest # or io.prometheus.write.v2.Request (falls back to 1.0, see README)
 *     remote_timeout: 30s
 *     headers: {X-Scope-OrgID: team-a}
 *     basic_auth / authorization / tls_config   # the shared HTTP client block (../http-client.ts)
 *     write_relabel_configs: [...]              # every Prometheus action, RE2 regexes
 *     queue_config: {capacity: 10000, min_shards: 1, max_shards: 50, max_samples_per_send: 2000,
 *                    batch_send_deadline: 5s, min_backoff: 30ms, max_backoff: 5s, retry_on_http_429: false,
 *                    max_disk_bytes: 1073741824}
 *     metadata_config: {send: true, send_interval: 1m, max_samples_per_send: 2000}
 * ```
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { RelabelConfig } from '../../model/relabel.js';
import { relabelSchema, toRelabel } from '../relabel.js';
import { durationMs, httpUrl, nullAsAbsent } from '../fields.js';
import { httpClientFields, refineHttpClient, resolveHttpClient, type HttpClientConfig } from '../http-client.js';
import type { FileReader } from '../files.js';

export const PROTOBUF_MESSAGES = ['prometheus.WriteRequest', 'io.prometheus.write.v2.Request'] as const;
export type ProtobufMessage = (typeof PROTOBUF_MESSAGES)[number];

/** Prometheus's `DefaultRemoteWriteConfig` / `DefaultQueueConfig` / `DefaultMetadataConfig`, plus `max_disk_bytes`. */
export const REMOTE_WRITE_DEFAULTS = {
  remote_timeout: '30s',
  protobuf_message: 'prometheus.WriteRequest' as ProtobufMessage,
  queue_config: {
    capacity: 10_000,
    min_shards: 1,
    max_shards: 50,
    max_samples_per_send: 2000,
    batch_send_deadline: '5s',
    min_backoff: '30ms',
    max_backoff: '5s',
    retry_on_http_429: false,
    // 1 GiB: about 10 M samples of a typical series at ~100 bytes each (README "durability")
    max_disk_bytes: 1024 * 1024 * 1024,
  },
  metadata_config: { send: true, send_interval: '1m', max_samples_per_send: 2000 },
} as const;

export interface QueueConfig {
  readonly capacity: number;
  readonly minShards: number;
  readonly maxShards: number;
  readonly maxSamplesPerSend: number;
  readonly batchSendDeadlineMs: number;
  readonly minBackoffMs: number;
  readonly maxBackoffMs: number;
  readonly retryOnHttp429: boolean;
  /** Size limit of the segment log, bytes; above it the oldest segments are dropped (counted). */
  readonly maxDiskBytes: number;
}

export interface MetadataSendConfig {
  readonly send: boolean;
  readonly sendIntervalMs: number;
  readonly maxSamplesPerSend: number;
}

/** One `remote_write` entry, runtime shape. */
export interface RemoteWriteConfig extends HttpClientConfig {
  readonly url: string;
  /** Unique among the entries; names the log directory and the `remote_name` label of self-metrics. */
  readonly name: string;
  readonly protobufMessage: ProtobufMessage;
  readonly remoteTimeoutMs: number;
  readonly writeRelabelConfigs: readonly RelabelConfig[];
  readonly queue: QueueConfig;
  readonly metadata: MetadataSendConfig;
}

const Q = REMOTE_WRITE_DEFAULTS.queue_config;
const queueSchema = z
  .strictObject({
    capacity: nullAsAbsent(z.int().min(1).prefault(Q.capacity)),
    min_shards: nullAsAbsent(z.int().min(1).prefault(Q.min_shards)),
    max_shards: nullAsAbsent(z.int().min(1).prefault(Q.max_shards)),
    max_samples_per_send: nullAsAbsent(z.int().min(1).prefault(Q.max_samples_per_send)),
    batch_send_deadline: nullAsAbsent(durationMs({ min: 1 }).prefault(Q.batch_send_deadline)),
    min_backoff: nullAsAbsent(durationMs({ min: 1 }).prefault(Q.min_backoff)),
    max_backoff: nullAsAbsent(durationMs({ min: 1 }).prefault(Q.max_backoff)),
    retry_on_http_429: nullAsAbsent(z.boolean().prefault(Q.retry_on_http_429)),
    max_disk_bytes: nullAsAbsent(z.int().min(1024 * 1024).prefault(Q.max_disk_bytes)),
  })
  .superRefine((q, ctx) => {
    if (q.min_shards > q.max_shards) ctx.addIssue({ code: 'custom', path: ['min_shards'], message: `${q.min_shards} is more than max_shards (${q.max_shards})` });
    if (q.min_backoff > q.max_backoff) ctx.addIssue({ code: 'custom', path: ['min_backoff'], message: 'is longer than max_backoff' });
  });

const M = REMOTE_WRITE_DEFAULTS.metadata_config;
const metadataSchema = z.strictObject({
  send: nullAsAbsent(z.boolean().prefault(M.send)),
  send_interval: nullAsAbsent(durationMs({ min: 1000 }).prefault(M.send_interval)),
  max_samples_per_send: nullAsAbsent(z.int().min(1).prefault(M.max_samples_per_send)),
});

const entrySchema = z
  .strictObject({
    url: httpUrl,
    name: nullAsAbsent(z.string().regex(/^[a-zA-Z0-9_.-]+$/, 'must match [a-zA-Z0-9_.-]+ (it names a directory)').optional()),
    protobuf_message: nullAsAbsent(z.enum(PROTOBUF_MESSAGES).prefault(REMOTE_WRITE_DEFAULTS.protobuf_message)),
    remote_timeout: nullAsAbsent(durationMs({ min: 1 }).prefault(REMOTE_WRITE_DEFAULTS.remote_timeout)),
    write_relabel_configs: nullAsAbsent(z.array(relabelSchema).prefault([])),
    queue_config: nullAsAbsent(queueSchema.prefault({})),
    metadata_config: nullAsAbsent(metadataSchema.prefault({})),
    ...httpClientFields('remote_write', { headers: true, tlsMinVersion: true }),
  })
  .superRefine((e, ctx) => refineHttpClient('remote_write', e, ctx));

export const remoteWriteSectionSchema = z.array(entrySchema).superRefine((entries, ctx) => {
  const seen = new Map<string, number>();
  entries.forEach((e, i) => {
    const name = nameOf(e);
    const prev = seen.get(name);
    if (prev !== undefined) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `duplicate remote_write name ${JSON.stringify(name)} (also remote_write[${prev}])` });
    else seen.set(name, i);
  });
});

export type RemoteWriteSection = z.output<typeof remoteWriteSectionSchema>;

/** The name of an entry: `name`, else the first 6 hex digits of sha256(url) like Prometheus's generated names. */
function nameOf(e: { name?: string | undefined; url: string }): string {
  return e.name ?? createHash('sha256').update(e.url).digest('hex').slice(0, 6);
}

/** The runtime `remote_write` list; secrets and certificates read by `reader` (problems recorded there). */
export function resolveRemoteWrite(section: RemoteWriteSection, reader: FileReader): RemoteWriteConfig[] {
  return section.map((e, i) => {
    const q = e.queue_config;
    return {
      url: e.url,
      name: nameOf(e),
      protobufMessage: e.protobuf_message,
      remoteTimeoutMs: e.remote_timeout,
      writeRelabelConfigs: e.write_relabel_configs.map(toRelabel),
      queue: {
        capacity: q.capacity,
        minShards: q.min_shards,
        maxShards: q.max_shards,
        maxSamplesPerSend: q.max_samples_per_send,
        batchSendDeadlineMs: q.batch_send_deadline,
        minBackoffMs: q.min_backoff,
        maxBackoffMs: q.max_backoff,
        retryOnHttp429: q.retry_on_http_429,
        maxDiskBytes: q.max_disk_bytes,
      },
      metadata: { send: e.metadata_config.send, sendIntervalMs: e.metadata_config.send_interval, maxSamplesPerSend: e.metadata_config.max_samples_per_send },
      ...resolveHttpClient(e, ['remote_write', i], reader),
    };
  });
}
