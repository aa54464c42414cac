/**
 * Metric-name discovery for Flink's metric endpoints. Asking with `get=` for an id Flink does not hold empties the
 * whole aggregated answer (reference/flink.md §1.5, "all-or-nothing"), so the poller first lists the names
 * (the same endpoint without `get`), caches the list per scope, and requests only listed ids.
 */

/** Default of how long a scope counts as young after it went live: lists are re-discovered every cycle meanwhile. */
export const NAMES_SETTLE_MS = 60_000;

/**
 * Per-scope cache of discovered metric names. Keys are caller-chosen scope strings (`jm`, `tm|<id>`, `job|<jid>`,
 * `vertex|<jid>|<vid>`); one cache per poller.
 *
 * A list discovered while its entity is starting can be non-empty but incomplete (Flink's MetricFetcher caught
 * the TaskManager before every task or operator had registered its metrics), so a list is only reused for
 * `refreshMs` once it is *settled*: its scope has been live for at least `settleMs` and the list holds every
 * `expected` id. Until then `get` answers undefined and the caller re-discovers on every cycle, so an id Flink
 * starts to serve is requested in the next cycle. The chase is bounded: a scope live for `refreshMs` or longer is
 * settled whatever it lacks (some Flink version may simply not have an id).
 */
export class MetricNameCache {
  private readonly entries = new Map<string, { names: ReadonlySet<string>; fetchedAt: number; settled: boolean }>();
  private readonly liveSince = new Map<string, number>();

  constructor(
    private refreshMs: number,
    private readonly settleMs = NAMES_SETTLE_MS,
  ) {}

  /** Changes the refresh interval (config reload); cached lists keep their discovery time. */
  setRefreshInterval(ms: number): void {
    this.refreshMs = ms;
  }

  /** Cached names of `scope`; undefined when never fetched, invalidated, not settled or older than the refresh interval. */
  get(scope: string, nowMs: number): ReadonlySet<string> | undefined {
    const e = this.entries.get(scope);
    if (!e || !e.settled || nowMs - e.fetchedAt >= this.refreshMs) return undefined;
    return e.names;
  }

  /**
   * Stores a discovered list (see the class doc for when it is settled). An empty list usually means the
   * JobManager's MetricFetcher has not filled its store yet: it is not cached. Returns the list as a set.
   */
  set(scope: string, names: Iterable<string>, nowMs: number, expected: readonly string[] = []): ReadonlySet<string> {
    const set = new Set(names);
    if (set.size === 0) return set;
    const since = this.liveSince.get(scope) ?? nowMs;
    const age = nowMs - since;
    const settled = age >= this.refreshMs || (age >= this.settleMs && expected.every((id) => set.has(id)));
    this.entries.set(scope, { names: set, fetchedAt: nowMs, settled });
    return set;
  }

  /** The scope's entity is live (TaskManager registered, job polled, vertex RUNNING) at `nowMs`; the first call starts its young period. */
  markLive(scope: string, nowMs: number): void {
    if (!this.liveSince.has(scope)) this.liveSince.set(scope, nowMs);
  }

  /** The scope's entity stopped (e.g. a vertex left RUNNING in a restart): its list is dropped, its next start is young again. */
  markDown(scope: string): void {
    this.liveSince.delete(scope);
    this.entries.delete(scope);
  }

  invalidate(scope: string): void {
    this.entries.delete(scope);
  }

  /** Drops every scope for which `keep(scope)` is false (jobs, vertices, TaskManagers that are gone). */
  retain(keep: (scope: string) => boolean): void {
    for (const scope of this.entries.keys()) if (!keep(scope)) this.entries.delete(scope);
    for (const scope of this.liveSince.keys()) if (!keep(scope)) this.liveSince.delete(scope);
  }

  /** Scopes currently known (cached or live), for housekeeping. */
  scopes(): string[] {
    return [...new Set([...this.entries.keys(), ...this.liveSince.keys()])];
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
