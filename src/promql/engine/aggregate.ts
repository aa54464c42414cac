import { PromQLEvalError } from '../../errors.js';
import { LabelSet } from '../../model/labels.js';
import { METRIC_NAME_LABEL } from '../../model/names.js';
import type { AggregationOp } from '../ast.js';
import { formatFloatF, kahanInc, quantile } from './interim-kernels.js';
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

interface Group {
  labels: LabelSet;
  value: number;
  mean: number;
  kahanC: number;
  count: number;
  incrementalMean: boolean;
  dropName: boolean;
  values: number[];
}

/**
 * `sum avg count min max group stddev stdvar quantile` of `vec` grouped by `grouping` (`without` inverts it).
 * `param` is φ for `quantile`.
 */
export function aggregate(op: AggregationOp, vec: readonly ESample[], grouping: readonly string[], without: boolean, param: number): ESample[] {
  const sorted = [...grouping].sort();
  const groups = new Map<string, Group>();
  for (const s of vec) {
    const key = groupingKey(s.labels, sorted, without);
    const f = s.v;
    const g = groups.get(key);
    if (g === undefined) {
      const ng: Group = {
        labels: groupingLabels(s.labels, sorted, without),
        value: f,
        mean: f,
        kahanC: 0,
        count: 1,
        incrementalMean: false,
        dropName: s.dropName,
        values: [f],
      };
      if (op === 'stddev' || op === 'stdvar') ng.value = Number.isNaN(f) || !Number.isFinite(f) ? NaN : 0;
      if (op === 'group') ng.value = 1;
      groups.set(key, ng);
      continue;
    }
    if (s.dropName) g.dropName = true;
    switch (op) {
      case 'sum':
        [g.value, g.kahanC] = kahanInc(f, g.value, g.kahanC);
        break;
      case 'avg': {
        g.count++;
        if (!g.incrementalMean) {
          const [nv, nc] = kahanInc(f, g.value, g.kahanC);
          if (nv !== Infinity && nv !== -Infinity) {
            g.value = nv;
            g.kahanC = nc;
            break;
          }
          g.incrementalMean = true;
          g.mean = g.value / (g.count - 1);
          g.kahanC /= g.count - 1;
        }
        const q = (g.count - 1) / g.count;
        [g.mean, g.kahanC] = kahanInc(f / g.count, q * g.mean, q * g.kahanC);
        break;
      }
      case 'group':
        break;
      case 'max':
        if (g.value < f || Number.isNaN(g.value)) g.value = f;
        break;
      case 'min':
        if (g.value > f || Number.isNaN(g.value)) g.value = f;
        break;
      case 'count':
        g.count++;
        break;
      case 'stddev':
      case 'stdvar': {
        g.count++;
        const delta = f - g.mean;
        g.mean += delta / g.count;
        g.value += delta * (f - g.mean);
        break;
      }
      case 'quantile':
        g.values.push(f);
        break;
      default:
        throw new PromQLEvalError(`expected aggregation operator but got "${op}"`);
    }
  }
  const out: ESample[] = [];
  for (const g of groups.values()) {
    let v = g.value;
    switch (op) {
      case 'avg':
        v = g.incrementalMean ? g.mean + g.kahanC : g.value / g.count + g.kahanC / g.count;
        break;
      case 'count':
        v = g.count;
        break;
      case 'stdvar':
        v = g.value / g.count;
        break;
      case 'stddev':
        v = Math.sqrt(g.value / g.count);
        break;
      case 'quantile':
        v = quantile(param, g.values);
        break;
      case 'sum':
        v = g.value + g.kahanC;
        break;
      default:
        break;
    }
    out.push({ labels: g.labels, v, dropName: g.dropName });
  }
  return out;
}

/** Go's `container/heap` over samples with a `less` order (the minimum at index 0). */
class SampleHeap {
  readonly items: ESample[] = [];
  constructor(private readonly less: (a: ESample, b: ESample) => boolean) {}
  push(s: ESample): void {
    this.items.push(s);
    this.up(this.items.length - 1);
  }
  fix0(): void {
    this.down(0, this.items.length);
  }
  private up(j: number): void {
    const h = this.items;
    for (;;) {
      const i = Math.trunc((j - 1) / 2);
      if (i === j || !this.less(h[j] as ESample, h[i] as ESample)) break;
      [h[i], h[j]] = [h[j] as ESample, h[i] as ESample];
      j = i;
    }
  }
  private down(i0: number, n: number): boolean {
    const h = this.items;
    let i = i0;
    for (;;) {
      const j1 = 2 * i + 1;
      if (j1 >= n || j1 < 0) break;
      let j = j1;
      const j2 = j1 + 1;
      if (j2 < n && this.less(h[j2] as ESample, h[j1] as ESample)) j = j2;
      if (!this.less(h[j] as ESample, h[i] as ESample)) break;
      [h[i], h[j]] = [h[j] as ESample, h[i] as ESample];
      i = j;
    }
    return i > i0;
  }
}

const byValue = (a: ESample, b: ESample): boolean => (Number.isNaN(a.v) ? true : a.v < b.v);
const byReverseValue = (a: ESample, b: ESample): boolean => (Number.isNaN(a.v) ? true : a.v > b.v);

/** Go's insertion sort (what `sort.Sort` does for ≤ 12 elements), in `less` order. */
function goSort(items: ESample[], less: (a: ESample, b: ESample) => boolean): void {
  for (let i = 1; i < items.length; i++) {
    for (let j = i; j > 0 && less(items[j] as ESample, items[j - 1] as ESample); j--) {
      [items[j], items[j - 1]] = [items[j - 1] as ESample, items[j] as ESample];
    }
  }
}

/**
 * `topk`, `bottomk`, `limitk` with k = `param` per group (`aggregationK`); the samples keep their labels.
 * @throws PromQLEvalError for a NaN k or one out of int64 range, as Prometheus
 */
export function aggregateK(op: 'topk' | 'bottomk' | 'limitk', vec: readonly ESample[], grouping: readonly string[], without: boolean, param: number): ESample[] {
  if (param < 1) return []; // before the NaN and range checks, as Go's `params.Max() < 1`
  if (Number.isNaN(param)) throw new PromQLEvalError('Parameter value is NaN');
  if (param <= -9223372036854775808) throw new PromQLEvalError(`Scalar value ${param} underflows int64`);
  if (param >= 9223372036854775807) throw new PromQLEvalError(`Scalar value ${param} overflows int64`);
  const k = Math.min(Math.trunc(param), vec.length);
  if (k < 1) return [];
  const sorted = [...grouping].sort();
  const groups = new Map<string, SampleHeap>();
  const less = op === 'bottomk' ? byReverseValue : byValue;
  for (const s of vec) {
    const key = groupingKey(s.labels, sorted, without);
    let h = groups.get(key);
    if (h === undefined) {
      h = new SampleHeap(less);
      groups.set(key, h);
      h.push(s);
      continue;
    }
    const top = h.items[0] as ESample;
    if (op === 'limitk') {
      if (h.items.length < k) h.push(s);
    } else if (h.items.length < k) {
      h.push(s);
    } else if (op === 'topk' ? top.v < s.v || (Number.isNaN(top.v) && !Number.isNaN(s.v)) : top.v > s.v || (Number.isNaN(top.v) && !Number.isNaN(s.v))) {
      h.items[0] = s;
      if (k > 1) h.fix0();
    }
  }
  const out: ESample[] = [];
  for (const h of groups.values()) {
    const items = [...h.items];
    if (op !== 'limitk' && items.length > 1) goSort(items, (a, b) => less(b, a)); // sort.Reverse
    out.push(...items);
  }
  return out;
}

/** `count_values("label", v)`: counts per distinct value, written with Go's `FormatFloat(f, 'f', -1, 64)`. */
export function countValues(vec: readonly ESample[], label: string, grouping: readonly string[], without: boolean): ESample[] {
  const g = without ? [...grouping].sort() : [...grouping, label].sort();
  const groups = new Map<string, { labels: LabelSet; count: number }>();
  for (const s of vec) {
    const metric = setLabel(s.labels, label, formatFloatF(s.v));
    const key = groupingKey(metric, g, without);
    const grp = groups.get(key);
    if (grp === undefined) groups.set(key, { labels: groupingLabels(metric, g, without), count: 1 });
    else grp.count++;
  }
  return [...groups.values()].map((x) => ({ labels: x.labels, v: x.count, dropName: false }));
}
