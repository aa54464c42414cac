/** Prometheus metric types as written in `# TYPE` (text 0.0.4 names; OpenMetrics `unknown` = `untyped`). */
export type MetricType = 'counter' | 'gauge' | 'summary' | 'histogram' | 'untyped';

/**
 * Family metadata for `# HELP` / `# TYPE` (and OpenMetrics `# UNIT`), as Prometheus keeps it per metric family
 * (`metadata.Metadata` in prometheus/model/metadata).
 */
export interface MetricMetadata {
  readonly type: MetricType;
  readonly help: string;
  /** OpenMetrics unit, e.g. 'seconds', 'bytes'; must be a suffix of the family name. */
  readonly unit?: string;
}
