import { PromQLCanceledError, PromQLEvalError, PromQLTimeoutError, PromQLTooManySamplesError, PromQLUnsupportedError } from '../../errors.js';
import { LabelSet } from '../../model/labels.js';
import { LabelIndex } from '../../store/label-index.js';
import type { LabelMatcher, QueriedSeries, Querier } from '../../store/types.js';
import { valueAt } from '../../store/value-at.js';
import type { Aggregation, BinaryExpr, Call, Expr, MatrixSelector, Subquery, VectorSelector } from '../ast.js';
import { exprType } from '../ast.js';
import type { PromSemantics } from '../semantics.js';
import { rangeIndexes } from '../semantics.js';
import { aggregate, aggregateK, countValues, newGroupingCache, type GroupingCache } from './aggregate.js';
import { newMatchCache, scalarBinop, vectorAnd, vectorBinop, vectorOr, vectorScalarBinop, vectorUnless, type MatchCache } from './binop.js';
import { evalDurationMs } from './durations.js';
import type { FunctionLookup } from './function-table.js';
import { histogramFraction, histogramQuantile, histogramQuantiles } from '../functions/histogram.js';
import type { RangeFunction } from '../functions/types.js';
import type { Vector } from '../value.js';
import { compareLabels, withoutName } from './labels.js';
import type { ESample, ESeries, EValue } from './types.js';

/** Everything one query's evaluation needs; built by the Engine (./engine.ts). */
export interface EvalSettings {
  readonly querier: Querier;
  /** The query's start and end (equal for an instant query), ms; what `@ start()` / `@ end()` mean. */
  readonly startMs: number;
  readonly endMs: number;
  /** The range query's step (0 for an instant query), ms; what `step()` means. */
  readonly stepMs: number;
  readonly lookbackMs: number;
  readonly semantics: PromSemantics;
  /** Step of a subquery written without one (`x[5m:]`), ms: Prometheus's global evaluation interval. */
  readonly noStepSubqueryIntervalMs: number;
  readonly maxSamples: number;
  /** Absolute deadline (Date.now() ms) or Infinity. */
  readonly deadlineMs: number;
  readonly signal?: AbortSignal;
  readonly functions: FunctionLookup;
  /**
   * Prometheus's `EnableDelayedNameRemoval`: operations only flag `__name__` for removal and the query's end
   * removes it (./types.ts). Off: removed at once, duplicates checked after every operation.
   */
  readonly delayedNameRemoval: boolean;
  /** The query text, for the positions in annotations ("… (1:10)"); absent when the caller gave an AST. */
  readonly query?: string;
}

const EMPTY_LABELS = LabelSet.from({});
const ENV = 'expression evaluation';

/**
 * The PromQL evaluator: evaluates an expression at one evaluation time `t` (ms), as one step of Prometheus's
 * `evaluator.eval` (`promql/engine.go` at v0.316.0). A range query evaluates every step with the same evaluator;
 * subqueries evaluate their inner expression at their own aligned steps. Results equal Prometheus's per step,
 * because every PromQL construct is step-local (Prometheus's matrix-at-once evaluation is an optimisation).
 *
 * Selects go through one querier per query, cached per selector node. Samples in memory are counted like
 * Prometheus's `currentSamples` (selected points and intermediate results) and checked against `maxSamples`.
 */
export class Evaluator {
  readonly warnings = new Set<string>();
  readonly infos = new Set<string>();
  private readonly selected = new Map<object, QueriedSeries[]>();
  /** Metric names already checked for rate()/increase()'s "might not be a counter" info, by range argument. */
  private readonly counterNamesChecked = new Map<object, Set<string>>();
  /** Per aggregation and per vector matching of the query: label work reused across steps (aggregate.ts, binop.ts). */
  private readonly groupingCaches = new Map<object, GroupingCache>();
  private readonly matchCaches = new Map<object, MatchCache>();

  private groupingCache(node: object): GroupingCache {
    let c = this.groupingCaches.get(node);
    if (c === undefined) this.groupingCaches.set(node, (c = newGroupingCache()));
    return c;
  }

  private matchCache(node: object): MatchCache {
    let c = this.matchCaches.get(node);
    if (c === undefined) this.matchCaches.set(node, (c = newMatchCache()));
    return c;
  }
  private readonly subqueryMemo = new Map<object, Map<number, readonly ESample[]>>();
  /** Reused point buffers of range functions over selectors (Points may be longer than `n`). */
  private bufT = new Float64Array(1024);
  private bufV = new Float64Array(1024);
  private current = 0;
  private checks = 0;

  constructor(private readonly s: EvalSettings) {}

  /**
   * Records a warning or info annotation worded as Prometheus's (`util/annotations`): "PromQL warning: <msg>
   * (<line>:<col>)", the position of `pos` in the query text.
   */
  annotate(kind: 'warn' | 'info', msg: string, pos: { readonly start: number }): void {
    const text = `PromQL ${kind === 'warn' ? 'warning' : 'info'}: ${msg}${this.s.query !== undefined ? ` (${startPos(this.s.query, pos.start)})` : ''}`;
    (kind === 'warn' ? this.warnings : this.infos).add(text);
  }

  /** Samples currently counted (for the range query's bookkeeping). */
  get currentSamples(): number {
    return this.current;
  }

  set currentSamples(n: number) {
    this.current = n;
  }

  /** Counts `n` more samples in memory; throws Prometheus's "too many samples" error past the limit. */
  addSamples(n: number): void {
    this.current += n;
    if (this.current > this.s.maxSamples) throw new PromQLTooManySamplesError('query execution');
  }

  /** Cooperative timeout and cancellation check (cheap: the clock is read every 64 calls). */
  check(): void {
    if (this.s.signal?.aborted === true) throw new PromQLCanceledError(ENV);
    if ((++this.checks & 63) === 0 && Date.now() > this.s.deadlineMs) throw new PromQLTimeoutError(ENV);
  }

  eval(e: Expr, t: number): EValue {
    const v = this.evalNode(e, t);
    if (this.s.delayedNameRemoval || v.kind !== 'vector' || e.type === 'vectorSelector' || e.type === 'parenExpr') return v;
    // Without delayed removal (Prometheus's default, and 2.x), every operation drops the name at once, and a result
    // with two equal label sets is an error right there (rangeEval's ContainsSameLabelset check).
    // By label set through hashes, not `LabelSet.key`: a key built for a stored series would stay on it (~400 B).
    const seen = new LabelIndex<{ readonly labels: LabelSet }>();
    const samples = v.samples.map((s) => {
      const out = s.dropName ? { labels: withoutName(s.labels), v: s.v, dropName: false } : s;
      if (seen.get(out.labels) !== undefined) throw new PromQLEvalError('vector cannot contain metrics with the same labelset');
      seen.add(out);
      return out;
    });
    return { kind: 'vector', samples };
  }

  private evalNode(e: Expr, t: number): EValue {
    this.check();
    switch (e.type) {
      case 'numberLiteral':
        return { kind: 'scalar', v: e.value };
      case 'stringLiteral':
        return { kind: 'string', v: e.value };
      case 'parenExpr':
        return this.eval(e.expr, t);
      case 'unaryExpr': {
        const v = this.eval(e.expr, t);
        if (e.op === '+') return v;
        if (v.kind === 'scalar') return { kind: 'scalar', v: -v.v };
        if (v.kind === 'vector') return { kind: 'vector', samples: v.samples.map((s) => ({ labels: s.labels, v: -s.v, dropName: true })) };
        throw new PromQLEvalError(`unary minus on ${v.kind}`);
      }
      case 'vectorSelector':
        return { kind: 'vector', samples: this.vectorSelector(e, t) };
      case 'matrixSelector': {
        const series = this.matrixSelector(e, t);
        this.addSamples(series.reduce((n, x) => n + x.t.length, 0));
        return { kind: 'matrix', series };
      }
      case 'subquery':
        return { kind: 'matrix', series: this.subquery(e, t) };
      case 'binaryExpr':
        return this.binary(e, t);
      case 'aggregation':
        return { kind: 'vector', samples: this.aggregation(e, t) };
      case 'call':
        return this.call(e, t);
    }
  }

  // ---- selectors ---------------------------------------------------------------------------------------------

  /** The time a selector or subquery reads at: `@` (or start()/end()) instead of `t`, minus the offset. */
  private refTime(e: VectorSelector | MatrixSelector | Subquery, t: number): number {
    let ref = t;
    if (e.timestamp !== null) ref = e.timestamp;
    else if (e.startOrEnd === 'start') ref = this.s.startMs;
    else if (e.startOrEnd === 'end') ref = this.s.endMs;
    const offset = e.offsetExpr !== null ? evalDurationMs(e.offsetExpr, this.s.stepMs, this.s.endMs - this.s.startMs, true) : e.offset;
    return ref - offset;
  }

  private select(node: object, matchers: readonly LabelMatcher[]): QueriedSeries[] {
    let series = this.selected.get(node);
    if (series === undefined) {
      const ms = this.s.semantics === '2.x' ? matchers.map(closedRegex) : matchers;
      // Sorted by label set, as Prometheus's storage returns series; orders ties of topk/sort like Prometheus.
      series = this.s.querier.select(ms).sort((a, b) => compareLabels(a.labels, b.labels));
      this.selected.set(node, series);
    }
    return series;
  }

  private vectorSelector(e: VectorSelector, t: number): ESample[] {
    if (e.anchored || e.smoothed) throw new PromQLUnsupportedError('anchored and smoothed selectors (experimental)');
    const ref = this.refTime(e, t);
    const out: ESample[] = [];
    for (const qs of this.select(e, e.matchers)) {
      const found = valueAt(qs.series, ref, this.s.lookbackMs, this.s.semantics);
      if (found !== undefined) out.push({ labels: qs.labels, v: found.v, storedT: found.t, dropName: false });
    }
    this.addSamples(out.length);
    return out;
  }

  private rangeMs(e: MatrixSelector | Subquery): number {
    return e.rangeExpr !== null ? evalDurationMs(e.rangeExpr, this.s.stepMs, this.s.endMs - this.s.startMs, false) : e.range;
  }

  /** The points of each selected series in `(ref − range, ref]` (2.x: closed), staleness markers skipped. */
  private matrixSelector(e: MatrixSelector, t: number): ESeries[] {
    if (e.anchored || e.smoothed) throw new PromQLUnsupportedError('anchored and smoothed range selectors (experimental)');
    const end = this.refTime(e, t);
    const start = end - this.rangeMs(e);
    const out: ESeries[] = [];
    for (const qs of this.select(e, e.matchers)) {
      const [lo, hi] = rangeIndexes(qs.series, start, end, this.s.semantics);
      if (hi <= lo) continue;
      const ts: number[] = [];
      const vs: number[] = [];
      for (let i = lo; i < hi; i++) {
        if (qs.series.isStaleAt(i)) continue;
        ts.push(qs.series.timestampAt(i));
        vs.push(qs.series.valueAt(i));
      }
      if (ts.length > 0) out.push({ labels: qs.labels, t: ts, v: vs, dropName: false });
    }
    return out;
  }

  /**
   * `expr[range:step]`: the inner expression at every multiple of `step` strictly after `ref − range` (2.x: at or
   * after) up to `ref`, as `subqueryTimeRange` (Go's truncating integer division included).
   */
  private subquery(e: Subquery, t: number): ESeries[] {
    const end = this.refTime(e, t);
    const range = this.rangeMs(e);
    let step = e.stepExpr !== null ? evalDurationMs(e.stepExpr, this.s.stepMs, this.s.endMs - this.s.startMs, false) : e.step;
    if (step === 0) step = this.s.noStepSubqueryIntervalMs;
    const from = end - range;
    let first = step * Math.trunc(from / step);
    if (this.s.semantics === '3.x' ? first <= from : first < from) first += step;
    const byKey = new LabelIndex<{ labels: LabelSet; t: number[]; v: number[]; dropName: boolean }>();
    // The inner expression at an absolute time does not depend on the outer step, and consecutive outer steps
    // share most subquery steps: remember them per node, forgetting the ones older than this window.
    let memo = this.subqueryMemo.get(e);
    if (memo === undefined) this.subqueryMemo.set(e, (memo = new Map()));
    for (const ts of memo.keys()) if (ts < first) memo.delete(ts);
    for (let ts = first; ts <= end; ts += step) {
      let samples = memo.get(ts);
      if (samples === undefined) {
        const v = this.eval(e.expr, ts);
        const vec = v.kind === 'scalar' ? [{ labels: EMPTY_LABELS, v: v.v, dropName: false }] : v.kind === 'vector' ? v.samples : null;
        if (vec === null) throw new PromQLEvalError(`subquery over ${v.kind}`);
        samples = vec;
        memo.set(ts, samples);
      }
      for (const s of samples) {
        let series = byKey.get(s.labels);
        if (series === undefined) byKey.add((series = { labels: s.labels, t: [], v: [], dropName: s.dropName }));
        if (s.dropName) series.dropName = true;
        series.t.push(ts);
        series.v.push(s.v);
      }
      this.addSamples(samples.length);
    }
    return [...byKey.values()];
  }

  // ---- operators -----------------------------------------------------------------------------------------------

  private binary(e: BinaryExpr, t: number): EValue {
    const l = this.eval(e.lhs, t);
    const r = this.eval(e.rhs, t);
    if (l.kind === 'scalar' && r.kind === 'scalar') return { kind: 'scalar', v: scalarBinop(e.op, l.v, r.v) };
    if (l.kind === 'vector' && r.kind === 'vector') {
      const m = e.matching;
      if (m === null) throw new PromQLEvalError('binary operation between two vectors without matching');
      switch (e.op) {
        case 'and':
          return { kind: 'vector', samples: vectorAnd(l.samples, r.samples, m, this.matchCache(e)) };
        case 'or':
          return { kind: 'vector', samples: vectorOr(l.samples, r.samples, m, this.matchCache(e)) };
        case 'unless':
          return { kind: 'vector', samples: vectorUnless(l.samples, r.samples, m, this.matchCache(e)) };
        case '</':
        case '>/':
          throw new PromQLUnsupportedError(`the ${e.op} operator (native histograms)`);
        default:
          return { kind: 'vector', samples: vectorBinop(e.op, l.samples, r.samples, m, e.bool, this.s.semantics, this.matchCache(e)) };
      }
    }
    if (l.kind === 'vector' && r.kind === 'scalar') return { kind: 'vector', samples: vectorScalarBinop(e.op, l.samples, r.v, false, e.bool, this.s.semantics) };
    if (l.kind === 'scalar' && r.kind === 'vector') return { kind: 'vector', samples: vectorScalarBinop(e.op, r.samples, l.v, true, e.bool, this.s.semantics) };
    throw new PromQLEvalError(`binary operation between ${l.kind} and ${r.kind}`);
  }

  private aggregation(e: Aggregation, t: number): ESample[] {
    if (e.op === 'count_values') {
      const label = e.param !== null ? this.eval(e.param, t) : undefined;
      if (label?.kind !== 'string') throw new PromQLEvalError('count_values needs a string parameter');
      if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(label.v)) throw new PromQLEvalError(`invalid label name ${JSON.stringify(label.v)}`);
      return countValues(this.instantVector(e.expr, t), label.v, e.grouping, e.without);
    }
    let param = NaN;
    if (e.param !== null) {
      const p = this.eval(e.param, t);
      if (p.kind !== 'scalar') throw new PromQLEvalError(`${e.op} needs a scalar parameter`);
      param = p.v;
    }
    const vec = this.instantVector(e.expr, t);
    switch (e.op) {
      case 'quantile':
        if (Number.isNaN(param) || param < 0 || param > 1) {
          this.annotate('warn', `quantile value should be between 0 and 1, got ${goFormatG(param)}`, (e.param as Expr).pos);
        }
        return aggregate(e.op, vec, e.grouping, e.without, param, this.s.semantics, this.groupingCache(e));
      case 'topk':
      case 'bottomk':
      case 'limitk':
      case 'limit_ratio':
        return aggregateK(e.op, vec, e.grouping, e.without, param);
      default:
        return aggregate(e.op, vec, e.grouping, e.without, param, this.s.semantics, this.groupingCache(e));
    }
  }

  private instantVector(e: Expr, t: number): ESample[] {
    const v = this.eval(e, t);
    if (v.kind !== 'vector') throw new PromQLEvalError(`expected instant vector, got ${v.kind}`);
    return v.samples;
  }

  private scalarArg(e: Expr, t: number): number {
    const v = this.eval(e, t);
    if (v.kind !== 'scalar') throw new PromQLEvalError(`expected scalar, got ${v.kind}`);
    return v.v;
  }

  // ---- functions -----------------------------------------------------------------------------------------------

  private call(e: Call, t: number): EValue {
    const name = e.func.name;
    const impl = this.s.functions(name);
    if (impl === undefined) throw new PromQLUnsupportedError(`function ${name}`);
    // Go unwraps parentheses around call arguments (PreprocessExpr), which matters for timestamp((x)).
    const args = e.args.map(unwrapParens);
    const ctx = { evalTimeMs: t, semantics: this.s.semantics };
    switch (impl.kind) {
      case 'unsupported':
        throw new PromQLUnsupportedError(`function ${name}: ${impl.reason}`);
      case 'special':
        return this.special(name, args, t);
      case 'scalar':
        return { kind: 'scalar', v: impl.impl(args.map((a) => this.scalarArg(a, t)), ctx) };
      case 'value': {
        const vec = args.length === 0 ? [{ labels: EMPTY_LABELS, v: t / 1000, dropName: false }] : this.instantVector(args[0] as Expr, t);
        const scalars = args.slice(1).map((a) => this.scalarArg(a, t));
        const out: ESample[] = [];
        for (const s of vec) {
          const v = impl.impl(s.v, scalars);
          if (v !== undefined) out.push({ labels: s.labels, v, dropName: !impl.traits.keepsName || s.dropName });
        }
        return { kind: 'vector', samples: out };
      }
      case 'vector': {
        if (name.startsWith('sort') && this.s.startMs !== this.s.endMs) {
          this.annotate('warn', 'sort is ineffective for range queries since results are always ordered by labels', e.pos);
        }
        let vec: ESample[] = [];
        const scalars: number[] = [];
        const strings: string[] = [];
        args.forEach((a, i) => {
          const v = this.eval(a, t);
          if (v.kind === 'vector' && i === args.findIndex((x) => exprType(x) === 'vector')) vec = v.samples;
          else if (v.kind === 'scalar') scalars.push(v.v);
          else if (v.kind === 'string') strings.push(v.v);
        });
        const bare = args.find((x) => exprType(x) === 'vector')?.type === 'vectorSelector';
        const input = vec.map((s) => ({ labels: s.labels, t: bare ? (s.storedT ?? t) : t, v: s.v }));
        const result = this.histogramAnnotations(name, args, input, scalars, strings) ?? impl.impl(input, scalars, strings, ctx);
        const byLabels = new LabelIndex<(typeof vec)[number]>();
        for (const s of vec) {
          // the last sample of a label set wins, as a Map keyed by it would have it
          const earlier = byLabels.get(s.labels);
          if (earlier !== undefined) byLabels.delete(earlier);
          byLabels.add(s);
        }
        const keepsName = impl.traits.keepsName;
        // A relabelled __name__ is a new name: label_replace/label_join into __name__ clear the delayed removal.
        const renamesName = (name === 'label_replace' || name === 'label_join') && strings[0] === '__name__';
        return {
          kind: 'vector',
          samples: result.map((s, i) => ({
            labels: s.labels,
            v: s.v,
            dropName: !keepsName || (!renamesName && (byLabels.get(s.labels)?.dropName ?? vec[i]?.dropName ?? false)),
          })),
        };
      }
      case 'range':
        return this.rangeCall(e, args, impl, t);
    }
  }

  /**
   * histogram_quantile / histogram_fraction: the library computes the annotations Prometheus attaches (invalid
   * quantile, malformed `le`, forced monotonicity), which the registry's vector entry does not pass on; the engine
   * calls the library directly to word and position them. Undefined for other functions.
   */
  private histogramAnnotations(name: string, args: readonly Expr[], input: Vector, scalars: readonly number[], strings: readonly string[]): Vector | undefined {
    let r;
    let quantileArgs: { q: number; pos: Expr['pos'] }[] = [];
    const sem = this.s.semantics;
    switch (name) {
      case 'histogram_quantile':
        r = histogramQuantile(scalars[0] ?? NaN, input, sem);
        quantileArgs = [{ q: scalars[0] ?? NaN, pos: (args[0] as Expr).pos }];
        break;
      case 'histogram_quantiles':
        r = histogramQuantiles(input, strings[0] ?? '', scalars, sem);
        quantileArgs = scalars.map((q, i) => ({ q, pos: (args[i + 2] as Expr).pos }));
        break;
      case 'histogram_fraction':
        r = histogramFraction(scalars[0] ?? NaN, scalars[1] ?? NaN, input);
        break;
      default:
        return undefined;
    }
    const a = r.annotations;
    const vecArg = args.find((x) => exprType(x) === 'vector') as Expr;
    const metric = input.find((s) => s.labels.get('__name__') !== undefined)?.labels.get('__name__') ?? '';
    const forMetric = (m: string): string => (m === '' ? '' : ` for metric name ${JSON.stringify(m)}`);
    for (const { q, pos } of quantileArgs) {
      if (Number.isNaN(q) || q < 0 || q > 1) this.annotate('warn', `quantile value should be between 0 and 1, got ${goFormatG(q)}`, pos);
    }
    for (const le of a.badBucketLabels) {
      this.annotate('warn', `bucket label "le" is missing or has a malformed value of ${JSON.stringify(le)}${forMetric(metric)}`, vecArg.pos);
    }
    if (a.forcedMonotonicity) {
      this.annotate(
        'info',
        `input to histogram_quantile needed to be fixed for monotonicity (see https://prometheus.io/docs/prometheus/latest/querying/functions/#histogram_quantile)${forMetric(metric)}`,
        vecArg.pos,
      );
    }
    return r.vector;
  }

  /** A function over a range vector (`rate`, `*_over_time`, …): per series of the matrix argument. */
  private rangeCall(e: Call, args: Expr[], impl: { readonly impl: RangeFunction; readonly traits: { readonly keepsName: boolean } }, t: number): EValue {
    const matrixIndex = args.findIndex((a) => exprType(a) === 'matrix');
    const arg = args[matrixIndex];
    if (arg === undefined || (arg.type !== 'matrixSelector' && arg.type !== 'subquery')) {
      throw new PromQLEvalError(`function ${e.func.name} needs a range vector argument`);
    }
    const scalars: number[] = [];
    args.forEach((a, i) => {
      if (i !== matrixIndex) scalars.push(this.scalarArg(a, t));
    });
    if (e.func.name === 'integral' && scalars.length > 0) {
      const st = scalars[0] as number;
      if (!Number.isFinite(st) || Math.trunc(st) !== st || st < 0 || st > 2) {
        this.annotate('warn', `strategy should be 0, 1, or 2 (default), using 2, got ${goFormatG(st)}`, (args[1] as Expr).pos);
      }
    }
    if (e.func.name === 'quantile_over_time') {
      const q = scalars[0] ?? NaN;
      if (Number.isNaN(q) || q < 0 || q > 1) this.annotate('warn', `quantile value should be between 0 and 1, got ${goFormatG(q)}`, (args[0] as Expr).pos);
    }
    const end = this.refTime(arg, t);
    const start = end - this.rangeMs(arg);
    const ctx = { rangeStartMs: start, rangeEndMs: end, evalTimeMs: t, semantics: this.s.semantics };
    const out: ESample[] = [];
    const withPoints: LabelSet[] = [];
    if (arg.type === 'matrixSelector') {
      if (arg.anchored || arg.smoothed) throw new PromQLUnsupportedError('anchored and smoothed range selectors (experimental)');
      // Straight from the stored series into reused buffers: no per-series arrays.
      for (const qs of this.select(arg, arg.matchers)) {
        this.check();
        const [lo, hi] = rangeIndexes(qs.series, start, end, this.s.semantics);
        if (hi <= lo) continue;
        if (hi - lo > this.bufT.length) {
          this.bufT = new Float64Array(2 * (hi - lo));
          this.bufV = new Float64Array(2 * (hi - lo));
        }
        let n = 0;
        for (let i = lo; i < hi; i++) {
          if (qs.series.isStaleAt(i)) continue;
          this.bufT[n] = qs.series.timestampAt(i);
          this.bufV[n] = qs.series.valueAt(i);
          n++;
        }
        if (n === 0) continue;
        withPoints.push(qs.labels);
        this.addSamples(n);
        const v = impl.impl({ t: this.bufT, v: this.bufV, n }, ctx, scalars);
        this.current -= n;
        if (v !== undefined) out.push({ labels: qs.labels, v, dropName: !impl.traits.keepsName });
      }
    } else {
      for (const s of this.subquery(arg, t)) {
        this.check();
        withPoints.push(s.labels);
        this.addSamples(s.t.length);
        const v = impl.impl({ t: Float64Array.from(s.t), v: Float64Array.from(s.v), n: s.t.length }, ctx, scalars);
        this.current -= s.t.length;
        if (v !== undefined) out.push({ labels: s.labels, v, dropName: !impl.traits.keepsName || s.dropName });
      }
    }
    if (e.func.name === 'rate' || e.func.name === 'increase') {
      // The info is the same for a name at every step and series: check each name once per query (it cost ~15 % of
      // a range query's CPU when done per series per step).
      let checked = this.counterNamesChecked.get(arg);
      if (checked === undefined) this.counterNamesChecked.set(arg, (checked = new Set()));
      for (const s of withPoints) {
        const metric = s.get('__name__') ?? '';
        if (metric === '' || checked.has(metric)) continue;
        checked.add(metric);
        if (!/_(total|sum|count|bucket)$/.test(metric)) {
          this.annotate('info', `metric might not be a counter, name does not end in _total/_sum/_count/_bucket: ${JSON.stringify(metric)}`, arg.pos);
        }
      }
    }
    return { kind: 'vector', samples: out };
  }

  /** The functions the evaluator implements itself (they need the AST or the query's bounds). */
  private special(name: string, args: Expr[], t: number): EValue {
    switch (name) {
      case 'vector':
        return { kind: 'vector', samples: [{ labels: EMPTY_LABELS, v: this.scalarArg(args[0] as Expr, t), dropName: false }] };
      case 'scalar': {
        const vec = this.instantVector(args[0] as Expr, t);
        return { kind: 'scalar', v: vec.length === 1 ? (vec[0] as ESample).v : NaN };
      }
      case 'start':
        return { kind: 'scalar', v: this.s.startMs / 1000 };
      case 'end':
        return { kind: 'scalar', v: this.s.endMs / 1000 };
      case 'range':
        return { kind: 'scalar', v: (this.s.endMs - this.s.startMs) / 1000 };
      case 'step':
        return { kind: 'scalar', v: this.s.stepMs / 1000 };
      case 'absent': {
        const arg = args[0] as Expr;
        if (this.instantVector(arg, t).length > 0) return { kind: 'vector', samples: [] };
        return { kind: 'vector', samples: [{ labels: absentLabels(arg), v: 1, dropName: false }] };
      }
      case 'absent_over_time': {
        const arg = args[0] as Expr;
        const m = this.eval(arg, t);
        if (m.kind !== 'matrix') throw new PromQLEvalError('absent_over_time needs a range vector');
        if (m.series.some((s) => s.t.length > 0)) return { kind: 'vector', samples: [] };
        return { kind: 'vector', samples: [{ labels: absentLabels(arg), v: 1, dropName: false }] };
      }
      default:
        throw new PromQLUnsupportedError(`function ${name}`);
    }
  }
}

/** Go's `PositionRange.StartPosInput`: "line:column" of a byte offset (1-based; we count UTF-16 units). */
function startPos(query: string, pos: number): string {
  let line = 1;
  let lastBreak = -1;
  for (let i = 0; i < pos && i < query.length; i++) {
    if (query[i] === '\n') {
      lastBreak = i;
      line++;
    }
  }
  return `${line}:${pos - lastBreak}`;
}

/** Go's `%g` for the values annotations print (NaN, ±Inf, shortest digits). */
function goFormatG(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  const s = String(v);
  return s.replace(/e([+-])(\d)$/, 'e$10$2');
}

function unwrapParens(e: Expr): Expr {
  while (e.type === 'parenExpr') e = e.expr;
  return e;
}

/**
 * The labels `absent()` / `absent_over_time()` output (`createLabelsForAbsentFunction` in functions.go): the
 * equality matchers of a direct selector, except a label matched more than once or not by equality; `{}` otherwise.
 */
function absentLabels(arg: Expr): LabelSet {
  if (arg.type !== 'vectorSelector' && arg.type !== 'matrixSelector') return EMPTY_LABELS;
  const r: Record<string, string> = {};
  const has = new Set<string>();
  for (const m of arg.matchers) {
    if (m.name === '__name__') continue;
    if (m.op === '=' && !has.has(m.name)) {
      r[m.name] = m.value;
      has.add(m.name);
    } else {
      delete r[m.name];
    }
  }
  return LabelSet.from(r);
}

/** 2.x regex matchers: `.` does not match a newline (Prometheus 2 anchored `^(?:re)$` without the `s` flag). */
function closedRegex(m: LabelMatcher): LabelMatcher {
  return m.op === '=~' || m.op === '!~' ? { name: m.name, op: m.op, value: `(?-s:${m.value})` } : m;
}
