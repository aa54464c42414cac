import { PromQLCanceledError, PromQLEvalError } from '../../errors.js';
import { LabelSet } from '../../model/labels.js';
import { LabelIndex } from '../../store/label-index.js';
import type { Querier, SeriesStore } from '../../store/types.js';
import { DEFAULT_LOOKBACK_MS } from '../../store/value-at.js';
import type { Expr } from '../ast.js';
import { parseExpr, type ParseOptions } from '../parser/index.js';
import type { Matrix, Value, Vector } from '../value.js';
import { Evaluator } from './evaluator.js';
import { lookupImplementation } from '../functions/registry.js';
import type { FunctionLookup } from './function-table.js';
import { compareLabels, withoutName } from './labels.js';
import { findMinMaxTime } from './time-range.js';
import type { EValue } from './types.js';

/** Engine-wide settings (Prometheus's `EngineOpts` and `--query.*` flags). */
export interface EngineOptions {
  /** Where samples are read: one querier per query. */
  readonly store: Pick<SeriesStore, 'querier'>;
  /** `'3'` (default): Prometheus 3.16 semantics; `'2'`: 2.x (closed windows, lookback, regex `.`, holt_winters, …). */
  readonly compat?: '2' | '3';
  /** `query.lookback_delta`, ms; default 5 minutes. */
  readonly lookbackDeltaMs?: number;
  /** `query.timeout`, ms; default 2 minutes (Prometheus's default). */
  readonly timeoutMs?: number;
  /** `query.max_samples`; default 50 000 000 (Prometheus's default). */
  readonly maxSamples?: number;
  /** Step of subqueries written without one (`x[5m:]`), ms; Prometheus uses the global evaluation interval (1m). */
  readonly noStepSubqueryIntervalMs?: number;
  /** The function library; default: src/promql/functions/registry.ts `lookupImplementation`. */
  readonly functions?: FunctionLookup;
  /**
   * Prometheus's `--enable-feature=promql-delayed-name-removal`: `__name__` is removed at the end of the query, so
   * that e.g. `label_replace(rate(x[5m]), "n", "$1", "__name__", "(.+)")` still sees it. Default: off, as a
   * Prometheus 3.16 server (and `promtool test rules`); Prometheus's own test engine, and so our test-script runner,
   * turn it on. Always off for compat "2" (2.x has no such feature).
   */
  readonly delayedNameRemoval?: boolean;
  /** Parser feature switches (experimental functions, fill modifiers, unquoted UTF-8 names). */
  readonly parse?: Omit<ParseOptions, 'compat'>;
}

/** Per-query settings that override the engine's. */
export interface QueryOptions {
  readonly lookbackDeltaMs?: number;
  readonly timeoutMs?: number;
  /** Aborting cancels the query at its next check ("query was canceled in expression evaluation"). */
  readonly signal?: AbortSignal;
  /** When the query is given as an AST: the text it was parsed from, for the positions in annotations. */
  readonly queryText?: string;
}

/** A query's result and its annotations (Prometheus's warnings and infos), deduplicated, in first-seen order. */
export interface QueryResult<V> {
  readonly value: V;
  readonly warnings: readonly string[];
  readonly infos: readonly string[];
}

const DEFAULT_TIMEOUT_MS = 120_000;
const DEFAULT_MAX_SAMPLES = 50_000_000;
/** A range query yields to the event loop this often (ms), so that cancellation and other work can run. */
const YIELD_EVERY_MS = 10;

/**
 * The PromQL engine: instant and range queries over the series store with Prometheus's semantics
 * (`promql/engine.go` at v0.316.0 for compat "3", v2.42.0 where compat "2" differs). Floats only: native histograms
 * and the experimental features we do not implement raise `PromQLUnsupportedError` (`FPB_ERR_PROMQL_UNSUPPORTED`).
 *
 * `__name__` removal is delayed to the end of the query, as in Prometheus's test engine
 * (`EnableDelayedNameRemoval`): results equal Prometheus's default except where that flag changes them.
 *
 * Errors (all `BridgeError`s): `PromQLParseError` for a bad query; `PromQLEvalError` where Prometheus returns an
 * execution error, with its message; `PromQLTooManySamplesError`, `PromQLTimeoutError`, `PromQLCanceledError`
 * for the limits.
 */
export class Engine {
  private readonly compat: '2' | '3';

  constructor(private readonly options: EngineOptions) {
    this.compat = options.compat ?? '3';
  }

  /** Parses with the engine's compat and feature switches. @throws PromQLParseError */
  parse(query: string): Expr {
    return parseExpr(query, { ...this.options.parse, compat: this.compat });
  }

  /**
   * Evaluates `query` at `tMs` (Unix ms). A vector's samples carry `t = tMs`; a matrix (a bare range selector or
   * subquery) its points' own times, series sorted by label set.
   */
  async instantQuery(query: Expr | string, tMs: number, opts: QueryOptions = {}): Promise<QueryResult<Value>> {
    const expr = typeof query === 'string' ? this.parse(query) : query;
    const ev = this.evaluator(expr, tMs, tMs, 0, opts, typeof query === 'string' ? query : opts.queryText);
    const v = ev.eval(expr, tMs);
    return { value: toValue(v, tMs), warnings: [...ev.warnings], infos: [...ev.infos] };
  }

  /**
   * Evaluates `query` at `startMs`, `startMs + stepMs`, … ≤ `endMs`. The result has one series per label set
   * (sorted by label set) with the points of the steps where it had a value; a scalar expression gives one series
   * without labels.
   *
   * @throws PromQLEvalError for a non-positive step, or an expression of type string or range vector
   */
  async rangeQuery(query: Expr | string, startMs: number, endMs: number, stepMs: number, opts: QueryOptions = {}): Promise<QueryResult<Matrix>> {
    const expr = typeof query === 'string' ? this.parse(query) : query;
    if (!(stepMs > 0)) throw new PromQLEvalError('zero or negative query resolution step widths are not accepted. Try a positive integer');
    if (endMs < startMs) throw new PromQLEvalError('end timestamp must not be before start time');
    const ev = this.evaluator(expr, startMs, endMs, stepMs, opts, typeof query === 'string' ? query : opts.queryText);
    // By label set through hashes, not `LabelSet.key`: a key built for a stored series would stay on it (~400 B).
    const series = new LabelIndex<{ labels: LabelSet; t: number[]; v: number[] }>();
    let lastYield = Date.now();
    let kept = 0;
    for (let t = startMs; t <= endMs; t += stepMs) {
      ev.currentSamples = kept;
      const v = ev.eval(expr, t);
      let samples;
      if (v.kind === 'scalar') samples = [{ labels: EMPTY_LABELS, v: v.v, dropName: false }];
      else if (v.kind === 'vector') samples = v.samples;
      else {
        throw new PromQLEvalError(`invalid expression type "${v.kind === 'matrix' ? 'range vector' : 'string'}" for range query, must be Scalar or instant Vector`);
      }
      for (const s of samples) {
        const labels = s.dropName ? withoutName(s.labels) : s.labels;
        let out = series.get(labels);
        if (out === undefined) series.add((out = { labels, t: [], v: [] }));
        if (out.t[out.t.length - 1] === t) throw new PromQLEvalError('vector cannot contain metrics with the same labelset');
        out.t.push(t);
        out.v.push(s.v);
      }
      kept += samples.length;
      ev.addSamples(0);
      if (Date.now() - lastYield >= YIELD_EVERY_MS) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        if (opts.signal?.aborted === true) throw new PromQLCanceledError('expression evaluation');
        lastYield = Date.now();
      }
    }
    const matrix: Matrix = [...series.values()]
      .sort((a, b) => compareLabels(a.labels, b.labels))
      .map((s) => ({ labels: s.labels, points: { t: Float64Array.from(s.t), v: Float64Array.from(s.v), n: s.t.length } }));
    return { value: matrix, warnings: [...ev.warnings], infos: [...ev.infos] };
  }

  private evaluator(expr: Expr, startMs: number, endMs: number, stepMs: number, opts: QueryOptions, query: string | undefined): Evaluator {
    if (opts.signal?.aborted === true) throw new PromQLCanceledError('expression evaluation');
    const lookbackMs = opts.lookbackDeltaMs ?? this.options.lookbackDeltaMs ?? DEFAULT_LOOKBACK_MS;
    const range = findMinMaxTime(expr, { startMs, endMs, stepMs, lookbackMs });
    const querier: Querier = this.options.store.querier(range?.mint ?? startMs, range?.maxt ?? startMs);
    const timeoutMs = opts.timeoutMs ?? this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    return new Evaluator({
      querier,
      startMs,
      endMs,
      stepMs,
      lookbackMs,
      semantics: this.compat === '2' ? '2.x' : '3.x',
      noStepSubqueryIntervalMs: this.options.noStepSubqueryIntervalMs ?? 60_000,
      maxSamples: this.options.maxSamples ?? DEFAULT_MAX_SAMPLES,
      deadlineMs: Date.now() + timeoutMs,
      ...(opts.signal !== undefined ? { signal: opts.signal } : {}),
      functions: this.options.functions ?? lookupImplementation,
      delayedNameRemoval: this.compat === '3' && (this.options.delayedNameRemoval ?? false),
      ...(query !== undefined ? { query } : {}),
    });
  }
}

const EMPTY_LABELS = LabelSet.from({});

/**
 * The end of an instant query (`cleanupMetricLabels`): delayed `__name__` removal, then the duplicate check for a
 * vector, or the merge of series that became equal for a matrix (an error if they overlap in time).
 */
function toValue(v: EValue, t: number): Value {
  switch (v.kind) {
    case 'scalar':
      return { type: 'scalar', t, v: v.v };
    case 'string':
      return { type: 'string', t, v: v.v };
    case 'vector': {
      const out: Vector = [];
      const seen = new LabelIndex<{ labels: LabelSet }>();
      for (const s of v.samples) {
        const labels = s.dropName ? withoutName(s.labels) : s.labels;
        if (seen.get(labels) !== undefined) throw new PromQLEvalError('vector cannot contain metrics with the same labelset');
        const sample = { labels, t, v: s.v };
        seen.add(sample);
        out.push(sample);
      }
      return { type: 'vector', vector: out };
    }
    case 'matrix': {
      const merged = new LabelIndex<{ labels: LabelSet; pts: [number, number][] }>();
      for (const s of v.series) {
        const labels = s.dropName ? withoutName(s.labels) : s.labels;
        let m = merged.get(labels);
        if (m === undefined) merged.add((m = { labels, pts: [] }));
        for (let i = 0; i < s.t.length; i++) m.pts.push([s.t[i] as number, s.v[i] as number]);
      }
      const matrix: Matrix = [];
      for (const m of merged.values()) {
        m.pts.sort((a, b) => a[0] - b[0]);
        for (let i = 1; i < m.pts.length; i++) {
          if ((m.pts[i] as [number, number])[0] === (m.pts[i - 1] as [number, number])[0]) {
            throw new PromQLEvalError('vector cannot contain metrics with the same labelset');
          }
        }
        matrix.push({
          labels: m.labels,
          points: { t: Float64Array.from(m.pts, (p) => p[0]), v: Float64Array.from(m.pts, (p) => p[1]), n: m.pts.length },
        });
      }
      matrix.sort((a, b) => compareLabels(a.labels, b.labels));
      return { type: 'matrix', matrix };
    }
  }
}
