/**
 * Metric-name discovery for Flink's metric endpoints. Asking with `get=` for an id Flink does not hold empties the
 * whole aggregated answer (reference/flink.md §1.5, "all-or-nothing"), so the poller first lists the names
 * (the same endpoint without `get`), caches the list per scope, and requests only listed ids.
 */

/** Per-scope cache of discovered metric names with a refresh interval. Keys are caller-chosen scope strings. */
export class MetricNameCache {
  private readonly entries = new Map<string, { names: ReadonlySet<string>; fetchedAt: number }>();

  constructor(private readonly refreshMs: number) {}

  /** Cached names of `scope`, or undefined when never fetched, invalidated or older than the refresh interval. */
  get(scope: string, nowMs: number): ReadonlySet<string> | undefined {
    const e = this.entries.get(scope);
    if (!e || nowMs - e.fetchedAt >= this.refreshMs) return undefined;
    return e.names;
  }

  set(scope: string, names: Iterable<string>, nowMs: number): ReadonlySet<string> {
    const set = new Set(names);
    // An empty list usually means the JobManager's MetricFetcher has not filled its store yet; do not cache it.
    if (set.size > 0) this.entries.set(scope, { names: set, fetchedAt: nowMs });
    return set;
  }

  invalidate(scope: string): void {
    this.entries.delete(scope);
  }

  /** Drops every scope for which `keep(scope)` is false (jobs, vertices, TaskManagers that are gone). */
  retain(keep: (scope: string) => boolean): void {
    for (const scope of this.entries.keys()) if (!keep(scope)) this.entries.delete(scope);
  }
}

/**
 * Flink's REST server uses Netty's default 4096-byte initial-line limit (reference/flink.md §1.1), so long `get=`
 * lists are split. Budget for the encoded `get` value of one request, leaving room for the path and `&agg=`.
 */
export const GET_PARAM_BUDGET_BYTES = 3000;

/**
 * Splits metric ids into encoded `get=` values, each at most `budget` bytes. Ids are URL-encoded
 * (`encodeURIComponent` escapes `# $ & + / ; = ? @` that Flink's docs require escaped); ids containing `,` are
 * dropped because Flink splits `get` on commas and cannot address them. An id longer than the budget on its own is
 * sent alone. Returns [] for no ids.
 */
export function chunkMetricIds(ids: Iterable<string>, budget = GET_PARAM_BUDGET_BYTES): string[] {
  const chunks: string[] = [];
  let current = '';
  for (const id of ids) {
    if (id.includes(',')) continue;
    const enc = encodeURIComponent(id);
    if (current !== '' && current.length + 1 + enc.length > budget) {
      chunks.push(current);
      current = '';
    }
    current = current === '' ? enc : `${current},${enc}`;
  }
  if (current !== '') chunks.push(current);
  return chunks;
}
