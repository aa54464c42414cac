/**
 * The `push` section: the Pushgateway-compatible receiver (`PUT/POST/DELETE /metrics/job/…`) — whether it is on,
 * how long a group lives after its last successful push, whether groups of finished Flink jobs are removed, the
 * admin API, and its limits. This file owns the section's keys, defaults, validation and frozen runtime shape.
 */
import { z } from 'zod';
import { isValidLabelName } from '../../model/names.js';
import { durationMs, nullAsAbsent } from '../fields.js';

/** Defaults of the `push` section, written as in the config file. */
export const PUSH_DEFAULTS = {
  enabled: true,
  group_ttl: '2m',
  remove_finished_jobs: true,
  enable_admin_api: false,
  group_by_body_labels: [] as readonly string[],
  limits: {
    max_body_size: '16MB',
    max_decoded_body_size: '64MB',
    max_groups: 1000,
    max_series_per_group: 100_000,
    max_series_total: 1_000_000,
  },
} as const;

/** `push.limits`, runtime shape (bytes and counts). */
export interface PushLimitsConfig {
  /** Body bytes on the wire (before `Content-Encoding` is undone); more gets 413. */
  readonly maxBodyBytes: number;
  /** Body bytes after decompression; more gets 413 without inflating the rest. */
  readonly maxDecodedBytes: number;
  /** Groups held at once; a push creating one more gets 429. */
  readonly maxGroups: number;
  /** Series one push may bring; more gets 429. */
  readonly maxSeriesPerGroup: number;
  /** Series all groups together may hold; a push exceeding it gets 429. */
  readonly maxSeriesTotal: number;
}

/** `push` section, runtime shape. */
export interface PushConfig {
  readonly enabled: boolean;
  /** A group is removed this long after its last successful push, ms (>= 1 s; the Pushgateway never removes one). */
  readonly groupTtlMs: number;
  /** Remove groups whose `job_id` labels all name jobs the Flink poller sees finished or no longer lists. */
  readonly removeFinishedJobs: boolean;
  /** `PUT /api/v1/admin/wipe` (the Pushgateway's `--web.enable-admin-api`). */
  readonly enableAdminApi: boolean;
  /**
   * Body labels naming the pushing process (e.g. Flink's `host`, `tm_id`); empty = Pushgateway semantics. With
   * them, a push whose job ends in Flink's random 32-hex suffix replaces the group of the same process's earlier
   * suffix instead of adding one (see PushReceiver).
   */
  readonly groupByBodyLabels: readonly string[];
  readonly limits: PushLimitsConfig;
}

const SIZE = /^(\d+)(B|KB|MB|GB|KiB|MiB|GiB)?$/;
const UNIT: Readonly<Record<string, number>> = { B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3 };

/** A byte size: an integer or `<n><unit>` with B, KB, MB, GB (base 2, as Prometheus's `body_size_limit`). */
function byteSize() {
  return z.union([z.int().min(1), z.string()]).transform((v, ctx): number => {
    if (typeof v === 'number') return v;
    const m = SIZE.exec(v.trim());
    if (m === null || Number(m[1]) === 0) {
      ctx.addIssue({ code: 'custom', message: `expected a positive byte size like "16MB" or 1048576, got ${JSON.stringify(v)}` });
      return z.NEVER;
    }
    return Number(m[1]) * (UNIT[m[2] ?? 'B'] ?? 1);
  });
}

const positiveCount = (d: number) => nullAsAbsent(z.int().min(1).prefault(d));
const L = PUSH_DEFAULTS.limits;

export const pushSectionSchema = z.strictObject({
  enabled: nullAsAbsent(z.boolean().prefault(PUSH_DEFAULTS.enabled)),
  group_ttl: nullAsAbsent(durationMs({ min: 1000 }).prefault(PUSH_DEFAULTS.group_ttl)),
  remove_finished_jobs: nullAsAbsent(z.boolean().prefault(PUSH_DEFAULTS.remove_finished_jobs)),
  enable_admin_api: nullAsAbsent(z.boolean().prefault(PUSH_DEFAULTS.enable_admin_api)),
  group_by_body_labels: nullAsAbsent(
    z
      .array(
        z.string().refine((n) => isValidLabelName(n) && !n.startsWith('__') && n !== 'job', {
          message: 'expected a label name (not job, not starting with __), e.g. tm_id',
        }),
      )
      .refine((a) => new Set(a).size === a.length, { message: 'lists a label twice' })
      .prefault([...PUSH_DEFAULTS.group_by_body_labels]),
  ),
  limits: nullAsAbsent(
    z
      .strictObject({
        max_body_size: nullAsAbsent(byteSize().prefault(L.max_body_size)),
        max_decoded_body_size: nullAsAbsent(byteSize().prefault(L.max_decoded_body_size)),
        max_groups: positiveCount(L.max_groups),
        max_series_per_group: positiveCount(L.max_series_per_group),
        max_series_total: positiveCount(L.max_series_total),
      })
      .superRefine((l, ctx) => {
        if (l.max_decoded_body_size < l.max_body_size) {
          ctx.addIssue({ code: 'custom', path: ['max_decoded_body_size'], message: 'is smaller than max_body_size' });
        }
      })
      .prefault({}),
  ),
});

/** The validated `push` section before resolution (durations in ms, sizes in bytes, snake_case). */
export type PushSection = z.output<typeof pushSectionSchema>;

/** The runtime `push` config. */
export function resolvePush(p: PushSection): PushConfig {
  return {
    enabled: p.enabled,
    groupTtlMs: p.group_ttl,
    removeFinishedJobs: p.remove_finished_jobs,
    enableAdminApi: p.enable_admin_api,
    groupByBodyLabels: p.group_by_body_labels,
    limits: {
      maxBodyBytes: p.limits.max_body_size,
      maxDecodedBytes: p.limits.max_decoded_body_size,
      maxGroups: p.limits.max_groups,
      maxSeriesPerGroup: p.limits.max_series_per_group,
      maxSeriesTotal: p.limits.max_series_total,
    },
  };
}
