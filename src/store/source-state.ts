import type { MemorySeries } from './memory-series.js';
import type { SourcePolicy } from './types.js';

/** The policy a source gets when it writes before {@link SeriesStore.createSource} was called for it. */
export const DEFAULT_SOURCE_POLICY: SourcePolicy = Object.freeze({ kind: 'scrape' });

/**
 * What the store keeps per source: its policy, the series it owns and when it last committed.
 *
 * `series` may hold removed series until {@link compact} (removal is batched by the GC); `live` counts the
 * non-removed ones (the series-limit check). A dropped source keeps this record, inactive, while it still owns
 * stale series, so a source re-created under the same name finds them again.
 */
export class SourceState {
  policy: SourcePolicy;
  active = true;
  readonly series: MemorySeries[] = [];
  live = 0;
  /** Clock time (ms) of the last commit; the TTL of `pinned` sources counts from here. */
  lastCommitMs: number;

  constructor(
    readonly name: string,
    policy: SourcePolicy,
    nowMs: number,
  ) {
    this.policy = policy;
    this.lastCommitMs = nowMs;
  }

  /** Drops removed series from {@link series}. */
  compact(): void {
    if (this.series.length === this.live) return;
    let w = 0;
    for (const s of this.series) if (!s.removed) this.series[w++] = s;
    this.series.length = w;
  }
}

/** Validates a policy given to `createSource`. @throws RangeError for a non-positive ttl or limit. */
export function checkPolicy(policy: SourcePolicy): SourcePolicy {
  if (policy.kind !== 'scrape' && policy.kind !== 'pinned' && policy.kind !== 'free') {
    throw new RangeError(`unknown source policy ${JSON.stringify(policy.kind)}`);
  }
  if (policy.ttlMs !== undefined && !(policy.ttlMs > 0)) throw new RangeError(`ttlMs must be > 0, got ${policy.ttlMs}`);
  if (policy.maxSeries !== undefined && !(policy.maxSeries >= 0)) {
    throw new RangeError(`maxSeries must be >= 0, got ${policy.maxSeries}`);
  }
  return Object.freeze({ ...policy });
}
