import type { LabelSet } from '../model/labels.js';

/**
 * The values a PromQL expression evaluates to (`promql/value.go` at Prometheus v0.316.0), floats only (native
 * histograms are out of scope). Times are Unix milliseconds, values float64. A staleness marker never appears
 * in a value: selectors drop stale samples (instant selectors: the series is absent; range selectors: the marker
 * is skipped), exactly as Prometheus does.
 */

/** One element of an instant vector: a series' label set and its value at the evaluation time `t`. */
export interface VectorSample {
  readonly labels: LabelSet;
  /** Evaluation time (ms); for `timestamp(<selector>)` inputs the stored sample time, as Prometheus. */
  readonly t: number;
  readonly v: number;
}

/** An instant vector: at most one sample per label set (the engine enforces it). */
export type Vector = VectorSample[];

/**
 * The float points of one series inside a range, oldest first, strictly increasing timestamps, no staleness
 * markers. `t`/`v` may be longer than `n` (reused buffers): only `[0, n)` is meaningful.
 */
export interface Points {
  readonly t: Float64Array;
  readonly v: Float64Array;
  readonly n: number;
}

/** One element of a range vector (matrix) or of a range query's result. */
export interface RangeSeries {
  readonly labels: LabelSet;
  readonly points: Points;
}

export type Matrix = RangeSeries[];

/** What an expression evaluates to; `string` only for string literals. */
export type Value =
  | { readonly type: 'scalar'; readonly t: number; readonly v: number }
  | { readonly type: 'string'; readonly t: number; readonly v: string }
  | { readonly type: 'vector'; readonly vector: Vector }
  | { readonly type: 'matrix'; readonly matrix: Matrix };
