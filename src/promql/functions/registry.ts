import { functionNames, lookupFunction } from '../parser/functions.js';
import type { PromSemantics } from '../semantics.js';
import type { Vector } from '../value.js';
import { changes, resets } from './counter-changes.js';
import { dayOfMonth, dayOfWeek, dayOfYear, daysInMonth, hour, minute, month, year } from './date.js';
import { histogramFraction, histogramQuantile } from './histogram.js';
import { idelta, irate } from './instant-rate.js';
import { labelJoin, labelReplace } from './labels.js';
import { deriv, predictLinear } from './linear-regression.js';
import * as m from './math.js';
import * as ot from './over-time.js';
import { extrapolatedRateOfPoints } from './rate.js';
import { doubleExponentialSmoothing } from './smoothing.js';
import { sortAsc, sortByLabel, sortByLabelDesc, sortDesc } from './sort.js';
import type { FunctionTraits, RangeFunction, ValueFunction } from './types.js';

/**
 * The PromQL function library's dispatch table: every function name of the parser's signature table
 * (parser/functions.ts, 3.16 plus 2.x's `holt_winters`) maps to one entry the evaluator dispatches on.
 * Semantics: `FunctionCalls` in `promql/functions.go` (Prometheus v0.316.0).
 *
 * Kinds, and what the evaluator does with each:
 * - `range`: `impl(points, ctx, scalarArgs)` per series of the (only) matrix argument; undefined = no output
 *   sample. Scalar arguments in call order without the matrix (`quantile_over_time(φ, m)` → `[φ]`).
 * - `value`: `impl(v, scalarArgs)` per sample of the (only) vector argument, labels kept (minus `__name__` unless
 *   `keepsName`); undefined drops the sample. `defaultsToTime`: called without arguments, the function applies
 *   to `evalTimeSeconds(evalTimeMs)` (date.ts) and yields one sample with no labels (the date functions).
 * - `vector`: `impl(vector, scalarArgs, stringArgs, ctx)` on the whole vector argument, for functions whose
 *   output depends on several samples or on labels (sorts, `label_*`, `histogram_*`, `timestamp`).
 * - `scalar`: `impl(scalarArgs, ctx)` → a scalar (`time`, `pi`, `min_of`, `max_of`).
 * - `special`: needs the argument EXPRESSION or the engine's state; the evaluator implements it with the named
 *   helpers (`absent`/`absent_over_time` → labels.ts `absentLabels`; `scalar`, `vector`; `start`/`end`/`range`/
 *   `step` folded to numbers before evaluation, as Go's `foldQueryContextFunctions`).
 * - `unsupported`: a clear error with `reason`, never a wrong answer.
 */

/** What a `vector` function gets besides the vector argument. */
export interface VectorCallContext {
  readonly evalTimeMs: number;
  readonly semantics: PromSemantics;
}

/** A function over a whole instant vector; returns the output vector (labels as they should be, `__name__` aside). */
export type VectorFunction = (
  vector: Vector,
  scalarArgs: readonly number[],
  stringArgs: readonly string[],
  ctx: VectorCallContext,
) => Vector;

/** A function with only scalar arguments and a scalar result. */
export type ScalarFunction = (scalarArgs: readonly number[], ctx: VectorCallContext) => number;

interface Common {
  readonly name: string;
  readonly traits: FunctionTraits;
  /** Experimental in Prometheus 3.16 (needs `--enable-feature=promql-experimental-functions` there). */
  readonly experimental: boolean;
}

export type FunctionEntry =
  | (Common & { readonly kind: 'range'; readonly impl: RangeFunction })
  | (Common & { readonly kind: 'value'; readonly impl: ValueFunction; readonly defaultsToTime: boolean })
  | (Common & { readonly kind: 'vector'; readonly impl: VectorFunction })
  | (Common & { readonly kind: 'scalar'; readonly impl: ScalarFunction })
  | (Common & { readonly kind: 'special'; readonly note: string })
  | (Common & { readonly kind: 'unsupported'; readonly reason: string });

const DROPS = Object.freeze({ keepsName: false });
const KEEPS = Object.freeze({ keepsName: true });

const rate: RangeFunction = (p, ctx) => extrapolatedRateOfPoints(p, ctx, true, true);
const increase: RangeFunction = (p, ctx) => extrapolatedRateOfPoints(p, ctx, true, false);
const delta: RangeFunction = (p, ctx) => extrapolatedRateOfPoints(p, ctx, false, false);

const RANGE: Record<string, RangeFunction> = {
  rate,
  increase,
  delta,
  irate,
  idelta,
  changes,
  resets,
  deriv,
  predict_linear: predictLinear,
  double_exponential_smoothing: doubleExponentialSmoothing,
  holt_winters: doubleExponentialSmoothing,
  avg_over_time: ot.avgOverTime,
  sum_over_time: ot.sumOverTime,
  count_over_time: ot.countOverTime,
  min_over_time: ot.minOverTime,
  max_over_time: ot.maxOverTime,
  first_over_time: ot.firstOverTime,
  last_over_time: ot.lastOverTime,
  ts_of_first_over_time: ot.tsOfFirstOverTime,
  ts_of_last_over_time: ot.tsOfLastOverTime,
  ts_of_min_over_time: ot.tsOfMinOverTime,
  ts_of_max_over_time: ot.tsOfMaxOverTime,
  quantile_over_time: ot.quantileOverTime,
  stddev_over_time: ot.stddevOverTime,
  stdvar_over_time: ot.stdvarOverTime,
  mad_over_time: ot.madOverTime,
  present_over_time: ot.presentOverTime,
};

const VALUE: Record<string, ValueFunction> = {
  abs: m.abs,
  ceil: m.ceil,
  floor: m.floor,
  exp: m.exp,
  sqrt: m.sqrt,
  ln: m.ln,
  log2: m.log2,
  log10: m.log10,
  sgn: m.sgn,
  round: m.round,
  clamp: m.clamp,
  clamp_min: m.clampMin,
  clamp_max: m.clampMax,
  sin: m.sin,
  cos: m.cos,
  tan: m.tan,
  asin: m.asin,
  acos: m.acos,
  atan: m.atan,
  sinh: m.sinh,
  cosh: m.cosh,
  tanh: m.tanh,
  asinh: m.asinh,
  acosh: m.acosh,
  atanh: m.atanh,
  deg: m.deg,
  rad: m.rad,
};

const DATE: Record<string, ValueFunction> = {
  minute,
  hour,
  day_of_week: dayOfWeek,
  day_of_month: dayOfMonth,
  day_of_year: dayOfYear,
  days_in_month: daysInMonth,
  month,
  year,
};

const VECTOR: Record<string, { impl: VectorFunction; keepsName: boolean }> = {
  sort: { impl: (v) => sortAsc(v), keepsName: true },
  sort_desc: { impl: (v) => sortDesc(v), keepsName: true },
  sort_by_label: { impl: (v, _s, labels) => sortByLabel(v, labels), keepsName: true },
  sort_by_label_desc: { impl: (v, _s, labels) => sortByLabelDesc(v, labels), keepsName: true },
  label_replace: {
    impl: (v, _s, [dst = '', repl = '', src = '', re = ''], ctx) => labelReplace(v, dst, repl, src, re, ctx.semantics),
    keepsName: true,
  },
  label_join: {
    impl: (v, _s, [dst = '', sep = '', ...src], ctx) => labelJoin(v, dst, sep, src, ctx.semantics),
    keepsName: true,
  },
  histogram_quantile: { impl: (v, [q = NaN]) => histogramQuantile(q, v).vector, keepsName: false },
  histogram_fraction: { impl: (v, [lower = NaN, upper = NaN]) => histogramFraction(lower, upper, v).vector, keepsName: false },
  // funcTimestamp: the sample's own time in seconds, output at the evaluation time.
  timestamp: { impl: (v, _s, _t, ctx) => v.map((s) => ({ labels: s.labels, t: ctx.evalTimeMs, v: s.t / 1000 })), keepsName: false },
};

const SCALAR: Record<string, ScalarFunction> = {
  time: (_a, ctx) => ctx.evalTimeMs / 1000,
  pi: () => Math.PI,
  max_of: ([a = NaN, b = NaN]) => m.goMax(a, b),
  min_of: ([a = NaN, b = NaN]) => m.goMin(a, b),
};

const SPECIAL: Record<string, string> = {
  absent: 'empty argument → one sample 1 with absentLabels(matchers of a direct selector, else undefined)',
  absent_over_time: 'no series with samples in the range → one sample 1 with absentLabels(the selector matchers)',
  scalar: 'the single sample value of the vector, NaN unless exactly one sample',
  vector: 'one sample with no labels and the scalar value',
  start: 'folded to the query start (seconds) before evaluation',
  end: 'folded to the query end (seconds) before evaluation',
  range: 'folded to end − start (seconds) before evaluation',
  step: 'folded to the step (seconds) before evaluation',
};

const NATIVE_ONLY = 'works on native histograms only, which this sidecar does not store (Prometheus returns an empty result for float input)';

const UNSUPPORTED: Record<string, string> = {
  histogram_count: NATIVE_ONLY,
  histogram_sum: NATIVE_ONLY,
  histogram_avg: NATIVE_ONLY,
  histogram_stddev: NATIVE_ONLY,
  histogram_stdvar: NATIVE_ONLY,
  histogram_quantiles: 'experimental multi-quantile function, not implemented',
  info: 'experimental info() joins with target-info series, not implemented',
  integral: 'experimental integral(), not implemented',
  start_timestamp: 'needs start timestamps (the use-start-timestamps feature), which this sidecar does not store',
};

function build(): ReadonlyMap<string, FunctionEntry> {
  const table = new Map<string, FunctionEntry>();
  for (const name of functionNames('2')) {
    const experimental = lookupFunction(name, '2')?.experimental ?? false;
    const keepsName = name === 'first_over_time' || name === 'last_over_time';
    const common = { name, experimental, traits: keepsName ? KEEPS : DROPS };
    let entry: FunctionEntry;
    const r = RANGE[name];
    const v = VALUE[name];
    const d = DATE[name];
    const vec = VECTOR[name];
    const sc = SCALAR[name];
    if (r !== undefined) entry = { ...common, kind: 'range', impl: r };
    else if (v !== undefined) entry = { ...common, kind: 'value', impl: v, defaultsToTime: false };
    else if (d !== undefined) entry = { ...common, kind: 'value', impl: d, defaultsToTime: true };
    else if (vec !== undefined) entry = { ...common, traits: vec.keepsName ? KEEPS : DROPS, kind: 'vector', impl: vec.impl };
    else if (sc !== undefined) entry = { ...common, kind: 'scalar', impl: sc };
    else if (SPECIAL[name] !== undefined) entry = { ...common, kind: 'special', note: SPECIAL[name] };
    else entry = { ...common, kind: 'unsupported', reason: UNSUPPORTED[name] ?? 'not implemented by this sidecar' };
    table.set(name, Object.freeze(entry));
  }
  return table;
}

const REGISTRY = build();

/**
 * The library's entry for `name` (any name the parser accepts, 3.16 or 2.x), or undefined for a name the parser
 * does not know (the parser has already rejected it).
 */
export function lookupImplementation(name: string): FunctionEntry | undefined {
  return REGISTRY.get(name);
}

/** All entries, for tests and the README's support table. */
export function allImplementations(): FunctionEntry[] {
  return [...REGISTRY.values()];
}
