import { LabelSet } from '../../model/labels.js';
import type { Vector } from '../value.js';

/**
 * `scalar(v)` and `vector(s)`: ports of `funcScalar` and `funcVector` in `promql/functions.go` (Prometheus
 * v0.316.0; v2.42.0 is the same for floats).
 */

/** `scalar(v)`: the value of the only sample, NaN when the vector has none or more than one. */
export function scalarOf(vector: Vector): number {
  return vector.length === 1 ? (vector[0]?.v as number) : NaN;
}

const EMPTY = LabelSet.from({});

/** `vector(s)` at `evalTimeMs`: one sample without labels. */
export function vectorOf(value: number, evalTimeMs: number): Vector {
  return [{ labels: EMPTY, t: evalTimeMs, v: value }];
}
