import type { Registry } from 'prom-client';
import { LabelSet } from '../model/labels.js';
import { METRIC_NAME_LABEL } from '../model/names.js';
import type { MetricType } from '../model/metadata.js';
import type { SeriesStore, SnapshotSample } from '../store/types.js';
import type { SelfMetrics } from './metrics.js';

/** The store source of the sidecar's own `flink_bridge_*` metrics (scrape semantics, like Prometheus's self-scrape). */
export const SELF_SOURCE = 'self';

/** One family as prom-client's `getMetricsAsJSON` returns it (the type is not exported by prom-client). */
type JsonFamily = Awaited<ReturnType<Registry['getMetricsAsJSON']>>[number];
/** One value of a family; histograms add `metricName` (`…_bucket`, `…_sum`, `…_count`). */
type JsonValue = JsonFamily['values'][number] & { readonly metricName?: string };

/**
 * Copies the sidecar's own metrics from their prom-client registry into the series store as one snapshot of the
 * `self` source, so that `/metrics`, PromQL, rules and remote-write see them like any other series (Prometheus
 * scrapes itself for the same reason). Metadata (HELP/TYPE) is declared per family under the `self` source.
 *
 * prom-client stays the instrumentation library (counters, gauges, histograms, the process collector); this is
 * the one place its values leave it, and where the store's own counters (series, samples, refused samples) are read. Histogram families are stored as their `_bucket`/`_sum`/`_count` series
 * with `le` as written by prom-client's text output (`String(bound)`, `+Inf`).
 */
export class SelfSource {
  private readonly declared = new Set<string>();
  /** The store's refusal counts already added to the self-metric counter, by reason. */
  private readonly rejectedSeen = new Map<string, number>();
  private lastCollectMs = -Infinity;

  private readonly registry: Registry;

  constructor(
    private readonly self: SelfMetrics,
    private readonly store: SeriesStore,
  ) {
    this.registry = self.registry;
  }

  /**
   * Takes one snapshot at `timestampMs` (Unix ms). A call not newer than the previous one does nothing (two
   * collections in the same millisecond). Never throws for metric values; resolves to the number of samples
   * appended.
   */
  async collect(timestampMs: number): Promise<number> {
    // Two collections in one millisecond (a scrape and the timer): the second would only be refused as a duplicate.
    if (!(timestampMs > this.lastCollectMs)) return 0;
    this.lastCollectMs = timestampMs;
    // The store's own state is read here, at collection time, not tracked on the hot append path.
    this.self.storeSeries.set(this.store.seriesCount);
    this.self.storeSamples.set(this.store.sampleCount);
    for (const [reason, n] of Object.entries(this.store.rejected)) {
      const seen = this.rejectedSeen.get(reason) ?? 0;
      // inc by 0 too: every reason has its series from the start, so the series set does not change on a first refusal
      this.self.storeRejected.inc({ reason }, Math.max(0, n - seen));
      this.rejectedSeen.set(reason, n);
    }
    const families = await this.registry.getMetricsAsJSON();
    const samples: SnapshotSample[] = [];
    for (const family of families) {
      this.declare(family);
      for (const v of family.values as JsonValue[]) {
        const labels = toLabelSet(v.metricName ?? family.name, v);
        if (labels !== undefined) samples.push({ labels, value: v.value });
      }
    }
    return this.store.appendSnapshot(SELF_SOURCE, timestampMs, samples).appended;
  }

  private declare(family: JsonFamily): void {
    if (this.declared.has(family.name)) return;
    this.declared.add(family.name);
    this.store.setMetadata(SELF_SOURCE, family.name, { type: metricType(family.type), help: family.help });
  }
}

function metricType(type: unknown): MetricType {
  switch (String(type)) {
    case 'counter':
      return 'counter';
    case 'gauge':
      return 'gauge';
    case 'histogram':
      return 'histogram';
    case 'summary':
      return 'summary';
    default:
      return 'untyped';
  }
}

function toLabelSet(name: string, v: JsonValue): LabelSet | undefined {
  const record: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [k, value] of Object.entries(v.labels)) {
    if (value !== undefined) record[k] = String(value);
  }
  record[METRIC_NAME_LABEL] = name;
  return LabelSet.from(record);
}
