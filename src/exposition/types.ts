import type { MetricType } from '../model/metadata.js';

/** Exposition formats we write and parse: Prometheus text 0.0.4 and OpenMetrics 1.0 text. */
export type ExpositionFormat = 'text' | 'openmetrics';

/** One sample line of a parsed exposition. */
export interface ParsedSample {
  /** The sample's metric name as written, e.g. `foo_total`, `foo_bucket`. */
  readonly name: string;
  /**
   * Labels in input order, `__name__` excluded. The record inherits no property at all (so `__proto__` and
   * `constructor` are ordinary label names); read it with `labels[name]`, `Object.keys`, `Object.entries`.
   */
  readonly labels: Readonly<Record<string, string>>;
  /** Sample value; `NaN`, `+Inf`, `-Inf` included. */
  readonly value: number;
  /** Unix ms when the line had a timestamp (text: int64 ms as written; OpenMetrics: seconds × 1000). */
  readonly timestampMs?: number;
}

/** One metric family of a parsed exposition, in order of first appearance. */
export interface ParsedFamily {
  /**
   * Family name: the `# TYPE`/`# HELP` name (OpenMetrics counters: without `_total`), or the sample name for
   * untyped samples. Summary/histogram `_sum`, `_count`, `_bucket` samples belong to their base family.
   */
  readonly name: string;
  /** `untyped` when no TYPE line was given (OpenMetrics `unknown` also maps to `untyped`). */
  readonly type: MetricType;
  readonly help?: string;
  /** OpenMetrics `# UNIT` only. */
  readonly unit?: string;
  readonly samples: ParsedSample[];
}
