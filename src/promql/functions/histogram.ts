import { PromQLEvalError } from '../../errors.js';
import { LabelSet } from '../../model/labels.js';
import { goParseFloat } from '../go-parse-float.js';
import type { Vector, VectorSample } from '../value.js';
import { type Bucket, bucketFraction, bucketQuantile } from './quantile.js';

/**
 * `histogram_quantile` and `histogram_fraction` over CLASSIC histograms (`le` buckets): the bucket grouping of
 * `EvalNodeHelper.resetHistograms` (`promql/engine.go`) and `funcHistogramQuantile` / `funcHistogramFraction`
 * (`promql/functions.go`, Prometheus v0.316.0). Samples whose `le` does not parse with Go's ParseFloat (or is NaN)
 * are ignored (Prometheus adds a warning). Buckets are grouped by the label set without `le` (`__name__`
 * included); each group yields one sample with that label set — the evaluator drops `__name__` as for every
 * function. Output order: groups in order of first appearance (Go iterates a map: unspecified).
 *
 * Native histograms do not exist in this sidecar, so the native-only functions throw {@link nativeOnly}.
 */

/** Non-fatal findings Prometheus reports as annotations (warnings/infos) for these functions. */
export interface HistogramAnnotations {
  /** `le` values that are not numbers ("bucket label "le" is missing or has a malformed value of …"). */
  readonly badBucketLabels: string[];
  /** The quantile φ was outside [0, 1] or NaN ("quantile value should be between 0 and 1"). */
  invalidQuantile: boolean;
  /** Bucket counts were not monotonic and got fixed ("input to histogram_quantile needed to be fixed for monotonicity"). */
  forcedMonotonicity: boolean;
}

interface Group {
  labels: LabelSet;
  t: number;
  buckets: Bucket[];
}

function groupBuckets(vector: Vector, annos: HistogramAnnotations): Group[] {
  const groups = new Map<string, Group>();
  for (const s of vector) {
    const le = s.labels.get('le') ?? '';
    const upperBound = goParseFloat(le);
    if (upperBound === undefined || upperBound !== upperBound) {
      annos.badBucketLabels.push(le);
      continue;
    }
    const record = s.labels.toRecord();
    delete record.le;
    const labels = LabelSet.from(record);
    let g = groups.get(labels.key);
    if (g === undefined) {
      g = { labels, t: s.t, buckets: [] };
      groups.set(labels.key, g);
    }
    g.buckets.push({ upperBound, count: s.v });
  }
  return [...groups.values()];
}

function newAnnotations(): HistogramAnnotations {
  return { badBucketLabels: [], invalidQuantile: false, forcedMonotonicity: false };
}

/**
 * `histogram_quantile(φ, buckets)`: one sample per classic histogram (see {@link bucketQuantile} for the value
 * rules). Returns the vector and the annotations Prometheus would attach.
 */
export function histogramQuantile(q: number, vector: Vector): { vector: Vector; annotations: HistogramAnnotations } {
  const annotations = newAnnotations();
  if (q !== q || q < 0 || q > 1) annotations.invalidQuantile = true;
  const out: VectorSample[] = [];
  for (const g of groupBuckets(vector, annotations)) {
    if (g.buckets.length === 0) continue;
    const r = bucketQuantile(q, g.buckets);
    if (r.forcedMonotonic) annotations.forcedMonotonicity = true;
    out.push({ labels: g.labels, t: g.t, v: r.value });
  }
  return { vector: out, annotations };
}

/** `histogram_fraction(lower, upper, buckets)`: one sample per classic histogram (see {@link bucketFraction}). */
export function histogramFraction(lower: number, upper: number, vector: Vector): { vector: Vector; annotations: HistogramAnnotations } {
  const annotations = newAnnotations();
  const out: VectorSample[] = [];
  for (const g of groupBuckets(vector, annotations)) {
    if (g.buckets.length === 0) continue;
    out.push({ labels: g.labels, t: g.t, v: bucketFraction(lower, upper, g.buckets) });
  }
  return { vector: out, annotations };
}

/** The error for a native-histogram-only function (`histogram_count`, `_sum`, `_avg`, `_stddev`, `_stdvar`). */
export function nativeOnly(name: string): PromQLEvalError {
  return new PromQLEvalError(
    `${name}() works on native histograms only, which this sidecar does not store (its input here can only be float samples; Prometheus would return an empty result)`,
  );
}
