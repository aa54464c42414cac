import type { LabelSet } from '../../model/labels.js';

/**
 * The evaluator's internal values (one evaluation step). They differ from the public `Value` (../value.ts) in
 * one field: `dropName`, Prometheus's `Sample.DropName` / `Series.DropName` of delayed name removal
 * (`EnableDelayedNameRemoval`, on in Prometheus's own test engine): an operation that would remove `__name__`
 * only flags the sample; the name is removed when the query's result is built (`cleanupMetricLabels` in
 * `promql/engine.go` at v0.316.0), so that e.g. `sum by (__name__) (rate(x[5m]))` still groups by the name.
 */
export interface ESample {
  readonly labels: LabelSet;
  readonly v: number;
  /** The stored sample's timestamp (ms) for a bare vector selector's output (what `timestamp()` returns). */
  readonly storedT?: number;
  readonly dropName: boolean;
}

/** One series of a range vector at one step: points oldest first, no staleness markers. Times in ms. */
export interface ESeries {
  readonly labels: LabelSet;
  readonly t: number[];
  readonly v: number[];
  readonly dropName: boolean;
}

export type EValue =
  | { readonly kind: 'scalar'; readonly v: number }
  | { readonly kind: 'string'; readonly v: string }
  | { readonly kind: 'vector'; readonly samples: ESample[] }
  | { readonly kind: 'matrix'; readonly series: ESeries[] };
