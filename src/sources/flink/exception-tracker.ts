import type { z } from 'zod';
import type { exceptionsSchema } from './responses.js';

/**
 * Counts a job's root exceptions from `/jobs/:jid/exceptions` (`exceptionHistory.entries`, every version from 1.13
 * through 2.x; reference/flink.md §1.4). The history holds at most `web.exception-history-size` (16) entries, so the
 * count is kept here: on first sight it is the number of entries listed, afterwards it grows by entries newer than
 * the newest timestamp seen. It never decreases while Flink lists the job.
 */
export class ExceptionTracker {
  private readonly jobs = new Map<string, { count: number; newestTs: number; polledAt: number }>();

  due(jobId: string, nowMs: number, intervalMs: number): boolean {
    const j = this.jobs.get(jobId);
    return !j || nowMs - j.polledAt >= intervalMs;
  }

  count(jobId: string): number | undefined {
    return this.jobs.get(jobId)?.count;
  }

  observe(jobId: string, ex: z.output<typeof exceptionsSchema>, nowMs: number): number {
    // A missing or non-finite timestamp counts as 0: a NaN would poison newestTs and stop all later counting.
    const timestamps = (ex.exceptionHistory?.entries ?? []).map((e) => (e.timestamp !== undefined && Number.isFinite(e.timestamp) ? e.timestamp : 0));
    const prev = this.jobs.get(jobId);
    const newest = timestamps.reduce((a, b) => Math.max(a, b), prev?.newestTs ?? -Infinity);
    const added = prev ? timestamps.filter((t) => t > prev.newestTs).length : timestamps.length;
    const count = (prev?.count ?? 0) + added;
    this.jobs.set(jobId, { count, newestTs: newest, polledAt: nowMs });
    return count;
  }

  retain(listed: ReadonlySet<string>): void {
    for (const id of this.jobs.keys()) if (!listed.has(id)) this.jobs.delete(id);
  }
}
