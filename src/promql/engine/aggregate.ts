import { PromQLEvalError } from '../../errors.js';
import { LabelSet } from '../../model/labels.js';
import { METRIC_NAME_LABEL } from '../../model/names.js';
import {
  type AggregateKernel,
  aggregateKernel,
  clampLimitRatio,
  countValuesLabel,
  goInt64Param,
  limitRatioKeeps,
  selectLimitK,
  selectTopK,
} from '../functions/aggregate-kernels.js';
import type { PromSemantics } from '../semantics.js';
import type { VectorSample } from '../value.js';
import { deleteLabels, keepLabels, setLabel } from './labels.js';
import type { ESample } from './types.js';

/**
 * Aggregation operators on one evaluation step: a port of `rangeEvalAgg`, `aggregation`, `aggregationK` and
 * `aggregationCountValues` of `promql/engine.go` at v0.316.0 (floats only, delayed name removal).
 * Output order is the order in which groups first appear in the input, as in Prometheus.
 */

const SEP = '\u0000';

/** The grouping key of a sample (`generateGroupingKey`): `by` labels, or all but `without` labels and `__name__`. */
function groupingKey(ls: LabelSet, grouping: readonly string[], without: boolean): string {
  const parts: string[] = [];
  if (without) {
    for (let i = 0; i < ls.names.length; i++) {
      const n = ls.names[i] as string;
      if (n === METRIC_NAME_LABEL || grouping.includes(n)) continue;
      parts.push(n, ls.values[i] as string);
    }
  } else {
    for (const n of grouping) parts.push(n, ls.get(n) ?? '');
  }
  return parts.join(SEP);
}

/** The output labels of a group (`generateGroupingLabels`). */
function groupingLabels(ls: LabelSet, grouping: readonly string[], without: boolean): LabelSet {
  if (without) return deleteLabels(ls, [...grouping, METRIC_NAME_LABEL]);
  if (grouping.length > 0) return keepLabels(ls, grouping);
  return LabelSet.from({});
}

/**
 * What one aggregation of a query has already worked out, reused at every step of a range query: the grouping key
 * of each input label set and the output label set of each group. Input label sets are the store's (or the same
 * derived instance at every step), so the keys are found by identity instead of rebuilt; output label sets stay
 * the same instances from step to step, which lets the caches of operators above (binop.ts) hit too.
 */
export interface GroupingCache {
  readonly keys: WeakMap<LabelSet, string>;
  readonly labels: Map<string, LabelSet>;
}

export function newGroupingCache(): GroupingCache {
  return { keys: new WeakMap(), labels: new Map() };
}

/**
 * `sum avg count min max group stddev stdvar quantile` of `vec` grouped by `grouping` (`without` inverts it), with
 * the library's kernels (../functions/aggregate-kernels.ts). `param` is φ for `quantile`. A group's output keeps
 * its name only if none of its inputs had the name's removal pending.
 */
export function aggregate(
  op: 'sum' | 'avg' | 'min' | 'max' | 'count' | 'group' | 'stddev' | 'stdvar' | 'quantile',
  vec: readonly ESample[],
  grouping: readonly string[],
  without: boolean,
  param: number,
  semantics: PromSemantics,
  cache: GroupingCache = newGroupingCache(),
): ESample[] {
  const sorted = [...grouping].sort();
  const groups = new Map<string, { labels: LabelSet; kernel: AggregateKernel; dropName: boolean }>();
  for (const s of vec) {
    let key = cache.keys.get(s.labels);
    if (key === undefined) cache.keys.set(s.labels, (key = groupingKey(s.labels, sorted, without)));
    let g = groups.get(key);
    if (g === undefined) {
      let labels = cache.labels.get(key);
      if (labels === undefined) cache.labels.set(key, (labels = groupingLabels(s.labels, sorted, without)));
      g = { labels, kernel: aggregateKernel(op, semantics, param), dropName: false };
      groups.set(key, g);
    }
    if (s.dropName) g.dropName = true;
    g.kernel.add(s.v);
  }
  return [...groups.values()].map((g) => ({ labels: g.labels, v: g.kernel.result(), dropName: g.dropName }));
}

/**
 * `topk`, `bottomk`, `limitk` with k = `param` per group, and `limit_ratio` with ratio `param` (`aggregationK`);
 * the samples keep their labels. Selection by the library's kernels.
 * @throws PromQLEvalError for a NaN k or one out of int64 range, as Prometheus
 */
export function aggregateK(
  op: 'topk' | 'bottomk' | 'limitk' | 'limit_ratio',
  vec: readonly ESample[],
  grouping: readonly string[],
  without: boolean,
  param: number,
): ESample[] {
  if (op === 'limit_ratio') {
    if (param === 0) return [];
    if (Number.isNaN(param)) throw new PromQLEvalError('Ratio value is NaN');
    const r = clampLimitRatio(param);
    return vec.filter((s) => limitRatioKeeps(r, s.labels));
  }
  if (param < 1) return []; // before the NaN and range checks, as Go's `params.Max() < 1`
  if (Number.isNaN(param)) throw new PromQLEvalError('Parameter value is NaN');
  if (param <= -9223372036854775808) throw new PromQLEvalError(`Scalar value ${param} underflows int64`);
  if (param >= 9223372036854775807) throw new PromQLEvalError(`Scalar value ${param} overflows int64`);
  const k = Math.min(goInt64Param(param), vec.length);
  if (k < 1) return [];
  const sorted = [...grouping].sort();
  const groups = new Map<string, VectorSample[]>();
  const origin = new Map<VectorSample, ESample>();
  for (const s of vec) {
    const key = groupingKey(s.labels, sorted, without);
    let g = groups.get(key);
    if (g === undefined) groups.set(key, (g = []));
    const vs: VectorSample = { labels: s.labels, t: 0, v: s.v };
    origin.set(vs, s);
    g.push(vs);
  }
  const out: ESample[] = [];
  for (const g of groups.values()) {
    const picked = op === 'limitk' ? selectLimitK(g, k) : selectTopK(g, k, op);
    for (const p of picked) out.push(origin.get(p) as ESample);
  }
  return out;
}

/** `count_values("label", v)`: counts per distinct value, written with Go's `FormatFloat(f, 'f', -1, 64)`. */
export function countValues(vec: readonly ESample[], label: string, grouping: readonly string[], without: boolean): ESample[] {
  const g = without ? [...grouping].sort() : [...grouping, label].sort();
  const groups = new Map<string, { labels: LabelSet; count: number }>();
  for (const s of vec) {
    const metric = setLabel(s.labels, label, countValuesLabel(s.v));
    const key = groupingKey(metric, g, without);
    const grp = groups.get(key);
    if (grp === undefined) groups.set(key, { labels: groupingLabels(metric, g, without), count: 1 });
    else grp.count++;
  }
  return [...groups.values()].map((x) => ({ labels: x.labels, v: x.count, dropName: false }));
}
