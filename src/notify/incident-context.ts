/**
 * Incident context (issue 9 §3): when an alert whose labels carry a `job_id` starts firing, what the on-call needs
 * at that moment, captured once — the job's latest root exceptions, the last failed checkpoint and its reason, the
 * vertices ranked by back-pressure and busy ratio (the likely bottleneck), restarts in the last hour. No anchor
 * does this; the shape is ours. Sources: the Flink REST API (`/jobs/:jid/exceptions`, `/jobs/:jid/checkpoints`,
 * Flink's `JobExceptionsInfoWithHistory` and `CheckpointingStatistics.FailedCheckpointStatistics`) and the store
 * (the poller's `flink_task_backpressured_max_ratio`, `flink_task_busy_max_ratio`, `flink_job_restarts_total`).
 * Bounded: at most {@link MAX_EXCEPTIONS} exceptions of at most {@link MAX_TEXT} characters, {@link MAX_VERTICES}
 * vertices. Never throws: what could not be fetched is listed in `errors`.
 */
import type { LabelRecord } from '../model/labels.js';
import type { CapturedContext, IncidentContextProvider } from '../rules/types.js';
import type { RestGetter } from '../sources/flink/poll-outcome.js';
import { valueAt } from '../store/value-at.js';
import type { SeriesStore, StoredSeries } from '../store/types.js';

export const MAX_EXCEPTIONS = 3;
export const MAX_VERTICES = 3;
export const MAX_TEXT = 300;
const HOUR_MS = 3_600_000;

/** One root exception of the job's exception history (newest first). */
export interface ContextException {
  readonly timestampMs: number | undefined;
  readonly exceptionName: string;
  /** The first line of the stack trace (the message), cut to {@link MAX_TEXT} characters. */
  readonly message: string;
  readonly taskName: string | undefined;
  /** `host:port` of the TaskManager (`endpoint`, `location` before Flink 1.19). */
  readonly location: string | undefined;
}

/** The last failed checkpoint (Flink's `latest.failed`). */
export interface ContextCheckpoint {
  readonly id: number;
  readonly failureTimestampMs: number | undefined;
  readonly reason: string;
}

/** A vertex of the job with its busiest / most back-pressured subtask (ratios 0..1, Flink's *TimeMsPerSecond / 1000). */
export interface ContextVertex {
  readonly taskId: string;
  readonly taskName: string;
  readonly backpressuredRatio: number | undefined;
  readonly busyRatio: number | undefined;
}

/** What was captured for one firing alert. */
export interface IncidentContext {
  readonly jobId: string;
  readonly jobName: string | undefined;
  /** Unix ms of the capture (the evaluation that made the alert fire). */
  readonly capturedAtMs: number;
  readonly rootExceptions: readonly ContextException[];
  readonly lastFailedCheckpoint: ContextCheckpoint | undefined;
  /** Ranked by back-pressure, then busy ratio, highest first. */
  readonly vertices: readonly ContextVertex[];
  /** Increase of `flink_job_restarts_total` over the last hour (counter resets handled), undefined without data. */
  readonly restartsLastHour: number | undefined;
  /** What could not be fetched, e.g. `exceptions: HTTP 404`. */
  readonly errors: readonly string[];
}

export interface IncidentContextOptions {
  /** The poller's REST client (bounded concurrency, timeouts, auth). */
  readonly rest: RestGetter;
  readonly store: SeriesStore;
  /** Lookback for the store reads, ms (the query lookback delta). */
  readonly lookbackMs: number;
}

/** Collects {@link IncidentContext} from the Flink REST API and the store. */
export class IncidentContextCollector implements IncidentContextProvider {
  constructor(private readonly opts: IncidentContextOptions) {}

  /** For the rule evaluator: the context with its `flink_context` summary, or undefined without a `job_id`. */
  async capture(labels: LabelRecord, tMs: number): Promise<CapturedContext | undefined> {
    const c = await this.collect(labels, tMs);
    return c === undefined ? undefined : { summary: summarizeIncidentContext(c), details: { ...c } };
  }

  /** The context for an alert with these labels at `tMs`, or undefined when the labels carry no job id. */
  async collect(labels: LabelRecord, tMs: number): Promise<IncidentContext | undefined> {
    const jobId = labels['job_id'];
    if (jobId === undefined || !/^[0-9a-f]{32}$/.test(jobId)) return undefined;
    const errors: string[] = [];
    const [rootExceptions, lastFailedCheckpoint] = await Promise.all([
      this.exceptions(jobId).catch((e: unknown) => {
        errors.push(`exceptions: ${message(e)}`);
        return [];
      }),
      this.failedCheckpoint(jobId).catch((e: unknown) => {
        errors.push(`checkpoints: ${message(e)}`);
        return undefined;
      }),
    ]);
    return {
      jobId,
      jobName: labels['job_name'],
      capturedAtMs: tMs,
      rootExceptions,
      lastFailedCheckpoint,
      vertices: this.vertices(jobId, tMs),
      restartsLastHour: this.restarts(jobId, tMs),
      errors,
    };
  }

  private async exceptions(jobId: string): Promise<ContextException[]> {
    const body = await this.opts.rest.getJson(`/jobs/${jobId}/exceptions?maxExceptions=${MAX_EXCEPTIONS}`, '/jobs/:jid/exceptions');
    const entries = record(record(body)?.['exceptionHistory'])?.['entries'];
    if (!Array.isArray(entries)) return [];
    return entries.slice(0, MAX_EXCEPTIONS).map((raw): ContextException => {
      const e = record(raw) ?? {};
      const stack = str(e['stacktrace']) ?? '';
      const name = str(e['exceptionName']) ?? 'unknown exception';
      return {
        timestampMs: num(e['timestamp']),
        exceptionName: name,
        message: cut((stack.split('\n', 1)[0] ?? '').trim() || name),
        taskName: str(e['taskName']),
        location: str(e['endpoint']) ?? str(e['location']),
      };
    });
  }

  private async failedCheckpoint(jobId: string): Promise<ContextCheckpoint | undefined> {
    const body = await this.opts.rest.getJson(`/jobs/${jobId}/checkpoints`, '/jobs/:jid/checkpoints');
    const failed = record(record(record(body)?.['latest'])?.['failed']);
    const id = num(failed?.['id']);
    if (failed === undefined || id === undefined) return undefined;
    return { id, failureTimestampMs: num(failed['failure_timestamp']), reason: cut(str(failed['failure_message']) ?? 'no failure message') };
  }

  private vertices(jobId: string, tMs: number): ContextVertex[] {
    const byTask = new Map<string, { taskName: string; backpressuredRatio: number | undefined; busyRatio: number | undefined }>();
    const read = (family: string, key: 'backpressuredRatio' | 'busyRatio') => {
      for (const s of this.jobSeries(family, jobId)) {
        const taskId = s.labels.get('task_id');
        if (taskId === undefined) continue;
        const v = valueAt(s, tMs, this.opts.lookbackMs)?.v;
        const entry = byTask.get(taskId) ?? { taskName: s.labels.get('task_name') ?? taskId, backpressuredRatio: undefined, busyRatio: undefined };
        entry[key] = v;
        byTask.set(taskId, entry);
      }
    };
    read('flink_task_backpressured_max_ratio', 'backpressuredRatio');
    read('flink_task_busy_max_ratio', 'busyRatio');
    const rank = (x: number | undefined) => (x === undefined || Number.isNaN(x) ? -1 : x);
    return [...byTask]
      .map(([taskId, e]) => ({ taskId, ...e }))
      .sort((a, b) => rank(b.backpressuredRatio) - rank(a.backpressuredRatio) || rank(b.busyRatio) - rank(a.busyRatio) || a.taskName.localeCompare(b.taskName))
      .slice(0, MAX_VERTICES);
  }

  /** `increase`-like: the sum of the counter's rises over (t − 1 h, t], a drop counted as a reset. */
  private restarts(jobId: string, tMs: number): number | undefined {
    let total: number | undefined;
    for (const s of this.jobSeries('flink_job_restarts_total', jobId)) {
      const [start, end] = s.rangeIndexes(tMs - HOUR_MS, tMs);
      let prev: number | undefined;
      let sum = 0;
      for (let i = start; i < end; i++) {
        if (s.isStaleAt(i)) continue;
        const v = s.valueAt(i);
        if (prev !== undefined) sum += v >= prev ? v - prev : v;
        prev = v;
      }
      if (prev !== undefined) total = (total ?? 0) + sum;
    }
    return total;
  }

  private jobSeries(family: string, jobId: string): StoredSeries[] {
    return this.opts.store.select([
      { name: '__name__', op: '=', value: family },
      { name: 'job_id', op: '=', value: jobId },
    ]);
  }
}

/**
 * The `flink_context` annotation: one short paragraph, most telling facts first, e.g.
 * `3 restarts in the last hour. Last exception 2026-12-03T07:01:02Z java.lang.RuntimeException: boom (Map (1/2) on
 * 10.0.0.7:3012). Last failed checkpoint #12 at …: Checkpoint expired before completing. Most back-pressured:
 * Window (0.92 back-pressured, 0.40 busy); busiest: Sink (0.98 busy).`
 */
export function summarizeIncidentContext(c: IncidentContext): string {
  const parts: string[] = [];
  if (c.restartsLastHour !== undefined) parts.push(`${c.restartsLastHour} restart${c.restartsLastHour === 1 ? '' : 's'} in the last hour.`);
  const ex = c.rootExceptions[0];
  if (ex !== undefined) {
    const where = [ex.taskName, ex.location === undefined ? undefined : `on ${ex.location}`].filter((x) => x !== undefined).join(' ');
    parts.push(`Last exception${ex.timestampMs === undefined ? '' : ` ${iso(ex.timestampMs)}`}: ${ex.message}${where === '' ? '' : ` (${where})`}.`);
  } else if (!c.errors.some((e) => e.startsWith('exceptions:'))) parts.push('No root exception in the job history.');
  const cp = c.lastFailedCheckpoint;
  if (cp !== undefined) parts.push(`Last failed checkpoint #${cp.id}${cp.failureTimestampMs === undefined ? '' : ` at ${iso(cp.failureTimestampMs)}`}: ${cp.reason}.`);
  const top = c.vertices[0];
  if (top !== undefined) {
    const ratio = (x: number | undefined) => (x === undefined ? 'n/a' : x.toFixed(2));
    parts.push(`Likely bottleneck: ${top.taskName} (${ratio(top.backpressuredRatio)} back-pressured, ${ratio(top.busyRatio)} busy).`);
  }
  if (c.errors.length > 0) parts.push(`Not available: ${c.errors.join('; ')}.`);
  return parts.join(' ');
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function cut(s: string): string {
  return s.length <= MAX_TEXT ? s : `${s.slice(0, MAX_TEXT - 1)}…`;
}

function record(x: unknown): Record<string, unknown> | undefined {
  return typeof x === 'object' && x !== null && !Array.isArray(x) ? (x as Record<string, unknown>) : undefined;
}

function str(x: unknown): string | undefined {
  return typeof x === 'string' && x !== '' ? x : undefined;
}

/** Flink writes longs as numbers, sometimes as strings (exception history `timestamp` in the recorded fixtures). */
function num(x: unknown): number | undefined {
  const n = typeof x === 'number' ? x : typeof x === 'string' && x.trim() !== '' ? Number(x) : NaN;
  return Number.isFinite(n) ? n : undefined;
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
