import type { LabelSet } from '../../model/labels.js';
import { formatGoFloatF } from '../format-go-float.js';
import type { PromSemantics } from '../semantics.js';
import type { VectorSample } from '../value.js';
import { type KahanPair, kahanInc } from './kahan.js';
import { quantile } from './quantile.js';
import { xxhash64 } from './xxhash64.js';

/**
 * The per-group arithmetic of PromQL's aggregation operators, for the evaluator to call once per input sample
 * and once per group at the end: ports of `aggregation` and `aggregationK` in `promql/engine.go` (Prometheus
 * v0.316.0), float samples only, with v2.42.0's arithmetic where `semantics === '2.x'` (plain `+=` sums, the
 * incremental `avg`, `stddev` starting at 0 also for NaN/Inf). Grouping (`by`/`without`), label handling and
 * `count_values` grouping stay in the evaluator.
 */

/** An aggregation over a group's sample values: `add` each value in input order, then read `result()`. */
export interface AggregateKernel {
  add(f: number): void;
  result(): number;
}

/** `sum`: Kahan–Neumaier (3.x, since v2.54); plain `+=` in 2.x. */
export class SumKernel implements AggregateKernel {
  private readonly acc: KahanPair = { sum: 0, c: 0 };
  private seen = false;
  constructor(private readonly semantics: PromSemantics) {}
  add(f: number): void {
    if (!this.seen) {
      this.seen = true;
      this.acc.sum = f;
      return;
    }
    if (this.semantics === '2.x') this.acc.sum += f;
    else kahanInc(f, this.acc.sum, this.acc.c, this.acc);
  }
  result(): number {
    return this.acc.sum + this.acc.c;
  }
}

/**
 * `avg`: a Kahan sum divided by the count, switching to a Kahan incremental mean when the sum overflows (3.x,
 * since v2.55); 2.x: v2.42's incremental mean with its Inf special cases.
 */
export class AvgKernel implements AggregateKernel {
  private count = 0;
  private value = 0;
  private mean = 0;
  private c = 0;
  private incremental = false;
  private readonly tmp: KahanPair = { sum: 0, c: 0 };
  constructor(private readonly semantics: PromSemantics) {}
  add(f: number): void {
    this.count++;
    if (this.count === 1) {
      this.value = f;
      this.mean = f;
      return;
    }
    if (this.semantics === '2.x') {
      const mean = this.mean;
      if (mean === Infinity || mean === -Infinity) {
        const fInf = f === Infinity || f === -Infinity;
        if (fInf && mean > 0 === f > 0) return;
        if (!fInf && f === f) return;
      }
      this.mean += f / this.count - mean / this.count;
      return;
    }
    if (!this.incremental) {
      kahanInc(f, this.value, this.c, this.tmp);
      if (this.tmp.sum !== Infinity && this.tmp.sum !== -Infinity) {
        this.value = this.tmp.sum;
        this.c = this.tmp.c;
        return;
      }
      this.incremental = true;
      this.mean = this.value / (this.count - 1);
      this.c /= this.count - 1;
    }
    const q = (this.count - 1) / this.count;
    kahanInc(f / this.count, q * this.mean, q * this.c, this.tmp);
    this.mean = this.tmp.sum;
    this.c = this.tmp.c;
  }
  result(): number {
    if (this.semantics === '2.x') return this.mean;
    if (this.incremental) return this.mean + this.c;
    return this.value / this.count + this.c / this.count;
  }
}

/** `min`/`max`: a NaN is replaced by any later value, so the result is NaN only when all inputs are NaN. */
export class MinMaxKernel implements AggregateKernel {
  private value = NaN;
  private seen = false;
  constructor(private readonly op: 'min' | 'max') {}
  add(f: number): void {
    if (!this.seen) {
      this.seen = true;
      this.value = f;
      return;
    }
    const v = this.value;
    if (this.op === 'max' ? v < f || v !== v : v > f || v !== v) this.value = f;
  }
  result(): number {
    return this.value;
  }
}

/** `count`: the number of samples. */
export class CountKernel implements AggregateKernel {
  private n = 0;
  add(): void {
    this.n++;
  }
  result(): number {
    return this.n;
  }
}

/** `group`: 1. */
export class GroupKernel implements AggregateKernel {
  add(): void {}
  result(): number {
    return 1;
  }
}

/**
 * `stddev`/`stdvar`: population statistics by Welford's method (no compensation, as Go). In 3.x a NaN or ±Inf
 * FIRST value makes the result NaN (v2.42 starts at 0 regardless).
 */
export class VarianceKernel implements AggregateKernel {
  private count = 0;
  private mean = 0;
  private value = 0;
  constructor(
    private readonly op: 'stddev' | 'stdvar',
    private readonly semantics: PromSemantics,
  ) {}
  add(f: number): void {
    this.count++;
    if (this.count === 1) {
      this.mean = f;
      const nonFinite = f !== f || f === Infinity || f === -Infinity;
      this.value = this.semantics === '3.x' && nonFinite ? NaN : 0;
      return;
    }
    const delta = f - this.mean;
    this.mean += delta / this.count;
    this.value += delta * (f - this.mean);
  }
  result(): number {
    const variance = this.value / this.count;
    return this.op === 'stddev' ? Math.sqrt(variance) : variance;
  }
}

/** `quantile(φ, …)`: interpolation at rank φ·(n−1); φ < 0 → −Inf, φ > 1 → +Inf, NaN → NaN. */
export class QuantileKernel implements AggregateKernel {
  private readonly values: number[] = [];
  constructor(private readonly q: number) {}
  add(f: number): void {
    this.values.push(f);
  }
  result(): number {
    return quantile(this.q, this.values);
  }
}

/** The kernel of a simple (value-producing) aggregation operator; `param` is `quantile`'s φ. */
export function aggregateKernel(
  op: 'sum' | 'avg' | 'min' | 'max' | 'count' | 'group' | 'stddev' | 'stdvar' | 'quantile',
  semantics: PromSemantics,
  param = NaN,
): AggregateKernel {
  switch (op) {
    case 'sum':
      return new SumKernel(semantics);
    case 'avg':
      return new AvgKernel(semantics);
    case 'min':
    case 'max':
      return new MinMaxKernel(op);
    case 'count':
      return new CountKernel();
    case 'group':
      return new GroupKernel();
    case 'stddev':
    case 'stdvar':
      return new VarianceKernel(op, semantics);
    case 'quantile':
      return new QuantileKernel(param);
  }
}

// ---- topk / bottomk / limitk / limit_ratio -------------------------------------------------------------------

/** Go's `int64(f)` for the k parameter (amd64): truncation, MinInt64 for NaN and values out of range. */
export function goInt64Param(f: number): number {
  if (f !== f || f >= 9223372036854775808 || f < -9223372036854775808) return -9223372036854775808;
  return Math.trunc(f);
}

type Less = (a: VectorSample, b: VectorSample) => boolean;
/** `vectorByValueHeap.Less`: NaN lowest, then ascending (the top of topk's min-heap). */
const byValue: Less = (a, b) => a.v !== a.v || a.v < b.v;
/** `vectorByReverseValueHeap.Less`: NaN lowest, then descending (bottomk's max-heap). */
const byReverseValue: Less = (a, b) => a.v !== a.v || a.v > b.v;

// container/heap, as Go: up / down / Push / Fix.
function up(h: VectorSample[], j: number, less: Less): void {
  while (true) {
    const i = ((j - 1) / 2) | 0;
    if (i === j || !less(h[j] as VectorSample, h[i] as VectorSample)) break;
    [h[i], h[j]] = [h[j] as VectorSample, h[i] as VectorSample];
    j = i;
  }
}

function down(h: VectorSample[], i0: number, n: number, less: Less): boolean {
  let i = i0;
  while (true) {
    const j1 = 2 * i + 1;
    if (j1 >= n || j1 < 0) break;
    let j = j1;
    const j2 = j1 + 1;
    if (j2 < n && less(h[j2] as VectorSample, h[j1] as VectorSample)) j = j2;
    if (!less(h[j] as VectorSample, h[i] as VectorSample)) break;
    [h[i], h[j]] = [h[j] as VectorSample, h[i] as VectorSample];
    i = j;
  }
  return i > i0;
}

function heapPush(h: VectorSample[], s: VectorSample, less: Less): void {
  h.push(s);
  up(h, h.length - 1, less);
}

function heapFix(h: VectorSample[], i: number, less: Less): void {
  if (!down(h, i, h.length, less)) up(h, i, less);
}

/**
 * Go's `sort.Sort(sort.Reverse(h))` for the final topk/bottomk order. Go's pdqsort uses insertion sort (stable)
 * below 13 elements, which this reproduces exactly; for larger groups ties between equal values may be ordered
 * differently from Prometheus (where the order of ties is unspecified anyway).
 */
function sortReverse(h: VectorSample[], less: Less): void {
  const rless = (a: VectorSample, b: VectorSample): boolean => less(b, a);
  if (h.length <= 12) {
    for (let i = 1; i < h.length; i++) {
      for (let j = i; j > 0 && rless(h[j] as VectorSample, h[j - 1] as VectorSample); j--) {
        [h[j], h[j - 1]] = [h[j - 1] as VectorSample, h[j] as VectorSample];
      }
    }
    return;
  }
  h.sort((a, b) => (rless(a, b) ? -1 : rless(b, a) ? 1 : 0));
}

/**
 * `topk(k, …)` / `bottomk(k, …)` over one group's samples in input order, as `aggregationK` selects them: a
 * min-heap (topk) / max-heap (bottomk) of size k where NaN ranks lowest for both, then sorted best first.
 * `k` is the already converted `int64(param)` capped at the input size by the caller (k < 1: empty).
 */
export function selectTopK(samples: readonly VectorSample[], k: number, op: 'topk' | 'bottomk'): VectorSample[] {
  if (k < 1) return [];
  const less = op === 'topk' ? byValue : byReverseValue;
  const heap: VectorSample[] = [];
  for (const s of samples) {
    if (heap.length < k) {
      heapPush(heap, s, less);
      continue;
    }
    const top = heap[0] as VectorSample;
    const replace =
      op === 'topk' ? top.v < s.v || (top.v !== top.v && s.v === s.v) : top.v > s.v || (top.v !== top.v && s.v === s.v);
    if (replace) {
      heap[0] = s;
      if (k > 1) heapFix(heap, 0, less);
    }
  }
  if (heap.length > 1) sortReverse(heap, less);
  return heap;
}

/**
 * `limitk(k, …)` (experimental): the first k samples of the group in input order, output in Go's heap order
 * (each is `heap.Push`ed, which sifts by value).
 */
export function selectLimitK(samples: readonly VectorSample[], k: number): VectorSample[] {
  if (k < 1) return [];
  const heap: VectorSample[] = [];
  for (const s of samples) {
    if (heap.length >= k) break;
    if (heap.length === 0) heap.push(s);
    else heapPush(heap, s, byValue);
  }
  return heap;
}

/** UTF-8 bytes `name 0xff value 0xff …` of a label set, the input of Go's `labels.Labels.Hash`. */
function labelsHashInput(labels: LabelSet): Uint8Array {
  const parts: Buffer[] = [];
  const sep = Buffer.from([0xff]);
  for (let i = 0; i < labels.names.length; i++) {
    parts.push(Buffer.from(labels.names[i] as string, 'utf8'), sep, Buffer.from(labels.values[i] as string, 'utf8'), sep);
  }
  return Buffer.concat(parts);
}

/** Go's `labels.Labels.Hash()` (xxhash64 of the label bytes), as an unsigned BigInt. */
export function labelsHash(labels: LabelSet): bigint {
  return xxhash64(labelsHashInput(labels));
}

/** `HashRatioSampler.SampleOffset`: `float64(hash) / float64(MaxUint64)`, in [0, 1]. */
export function ratioSampleOffset(labels: LabelSet): number {
  return Number(labelsHash(labels)) / 18446744073709551615;
}

/**
 * `limit_ratio(r, …)` (experimental): whether a series is kept. `r` is clamped to [−1, 1] by the caller as Go does
 * (r = 0 keeps nothing); r ≥ 0 keeps offsets < r, r < 0 keeps offsets ≥ 1 + r, so `limit_ratio(r)` and
 * `limit_ratio(-(1-r))` are complements.
 */
export function limitRatioKeeps(ratio: number, labels: LabelSet): boolean {
  const offset = ratioSampleOffset(labels);
  return ratio >= 0 ? offset < ratio : offset >= 1 + ratio;
}

/** Go's clamp of the `limit_ratio` parameter: below −1 → −1, above 1 → 1 (0 → nothing selected, caller's check). */
export function clampLimitRatio(r: number): number {
  return r < -1 ? -1 : r > 1 ? 1 : r;
}

/** The label value `count_values` writes: Go's `strconv.FormatFloat(v, 'f', -1, 64)`. */
export function countValuesLabel(v: number): string {
  return formatGoFloatF(v);
}
