import type { PromSemantics } from '../semantics.js';
import type { Points } from '../value.js';

/**
 * The contracts between the PromQL evaluator (src/promql/engine/) and the function library
 * (src/promql/functions/). Functions are pure: they never read the store, never see labels unless their
 * signature says so, and never throw except the typed `PromQLEvalError` where Prometheus returns an error.
 *
 * Semantics: `promql/functions.go` at Prometheus v0.316.0 (3.x) and v2.42.0 where `semantics === '2.x'` differs.
 */

/** Where a range function is evaluated: the selector's bounds (after `offset`/`@`) and the evaluation time. */
export interface RangeContext {
  /** Range start (exclusive in 3.x, inclusive in 2.x; the points are already selected accordingly), ms. */
  readonly rangeStartMs: number;
  /** Range end = evaluation time − offset (or the `@` time), ms. */
  readonly rangeEndMs: number;
  /** The step's evaluation time, ms (what `predict_linear` extrapolates to and `*_over_time` outputs at). */
  readonly evalTimeMs: number;
  readonly semantics: PromSemantics;
}

/**
 * A function over one series' range points (`rate`, `*_over_time`, `deriv`, `predict_linear`, `changes`, …).
 * `args` are the scalar arguments besides the range vector, in call order (e.g. `quantile_over_time(φ, m)` →
 * `[φ]`, `predict_linear(m, s)` → `[s]`, `double_exponential_smoothing(m, sf, tf)` → `[sf, tf]`).
 * Returns undefined where Prometheus outputs no sample for the series (e.g. fewer than two points for `rate`).
 */
export type RangeFunction = (points: Points, ctx: RangeContext, args: readonly number[]) => number | undefined;

/**
 * A function applied to every sample value of an instant vector (`abs`, `ceil`, `clamp`, `round`, `exp`, `ln`,
 * the trigonometric functions, `sgn`, the date functions with an argument, …). `args` as for RangeFunction
 * (e.g. `clamp(v, min, max)` → `[min, max]`, `round(v, to)` → `[to]` or `[]`). Returns undefined to drop the
 * sample (e.g. `clamp` with max < min drops everything).
 */
export type ValueFunction = (value: number, args: readonly number[]) => number | undefined;

/** Whether a function keeps `__name__` on its output (Prometheus drops it except for these). */
export interface FunctionTraits {
  /** `last_over_time`, `first_over_time`, `label_replace`, `label_join`, `sort*` keep the metric name. */
  readonly keepsName: boolean;
}
