import { BridgeError, PromQLUnsupportedError } from '../../errors.js';
import { LabelSet } from '../../model/labels.js';
import { MemorySeriesStore } from '../../store/memory-series-store.js';
import { Engine } from '../engine/engine.js';
import { formatExpr } from '../parser/index.js';
import { compareLabels } from '../engine/labels.js';
import type { FunctionLookup } from '../engine/function-table.js';
import { compileMatcher } from '../../store/matchers.js';
import type { Expr } from '../ast.js';
import type { Value } from '../value.js';
import { parseScript, type EvalCommand, type LoadCommand } from './script.js';

/**
 * Runs a PromQL test script (./script.ts) against our engine over a fresh in-memory store, as
 * `promql/promqltest/test.go` at v0.316.0 does against Prometheus's: loads go through the store's appender,
 * evals compare with a relative tolerance of 1e-6 (`almost.Equal`), by label set (in order for `ordered`), and an
 * instant eval is run again as a range query over t−1m…t+1m whose middle step must agree (not for `ordered`,
 * `expect range vector`, `expect string`, or queries using start()/end()/range()/step()), and with `@ <t>` pinned on
 * its selectors at other evaluation times (`atModifierTestCases`).
 */

export type EvalStatus = 'pass' | 'fail' | 'skip';

export interface EvalOutcome {
  readonly line: number;
  readonly expr: string;
  readonly status: EvalStatus;
  /** Why it failed, or the skip reason. */
  readonly message?: string;
  /** The engine raised PromQLUnsupportedError (a construct we do not implement). */
  readonly unsupported?: boolean;
  /**
   * The eval reads or expects native histograms: its query names a series loaded with histogram samples (or
   * derived by `load_with_nhcb`), or its expected output holds a histogram.
   */
  readonly nativeHistograms?: boolean;
}

export interface RunOptions {
  readonly compat?: '2' | '3';
  readonly functions?: FunctionLookup;
  /** Delayed `__name__` removal (default: on, as Prometheus's test engine; compat "2" never has it). */
  readonly delayedNameRemoval?: boolean;
  /** A reason to skip this eval (from the skip list), or undefined to run it. */
  readonly skip?: (cmd: EvalCommand) => string | undefined;
}

const SOURCE = 'test';
/** `DefaultMaxSamplesPerQuery` of the upstream test engine. */
const MAX_SAMPLES = 10_000;
const MIN_NORMAL = 2.2250738585072014e-308;

/** `util/almost.Equal`: NaN equals NaN; otherwise relative difference below `eps`. */
export function almostEqual(a: number, b: number, eps = 1e-6): boolean {
  if (Number.isNaN(a) && Number.isNaN(b)) return true;
  if (a === b) return true;
  const absSum = Math.abs(a) + Math.abs(b);
  const diff = Math.abs(a - b);
  if (a === 0 || b === 0 || absSum < MIN_NORMAL) return diff < eps * MIN_NORMAL;
  return diff / Math.min(absSum, Number.MAX_VALUE) < eps;
}

/** Runs every command of `text`; one outcome per eval. A load that fails fails the evals after it. */
export async function runScript(text: string, options: RunOptions = {}): Promise<EvalOutcome[]> {
  const cmds = parseScript(text);
  let store = newStore();
  let engine = newEngine(store, options);
  let loadError: string | undefined;
  let histogramsLoaded = false;
  const histogramNames = new Set<string>();
  const histogramSeries: Record<string, string>[] = [];
  const outcomes: EvalOutcome[] = [];
  for (const cmd of cmds) {
    if (cmd.kind === 'clear') {
      store = newStore();
      engine = newEngine(store, options);
      loadError = undefined;
      histogramsLoaded = false;
      histogramNames.clear();
      histogramSeries.length = 0;
      continue;
    }
    if (cmd.kind === 'load') {
      for (const s of cmd.series) {
        const name = s.labels['__name__'] ?? '';
        if (s.values.some((v) => v.kind === 'histogram')) {
          histogramNames.add(name);
          histogramSeries.push({ ...s.labels });
        }
        if (cmd.withNhcb && name.endsWith('_bucket')) histogramNames.add(name.slice(0, -'_bucket'.length));
      }
      if (histogramNames.size > 0) histogramsLoaded = true;
      try {
        load(store, cmd);
      } catch (err) {
        loadError = `load at line ${cmd.line} failed: ${err instanceof Error ? err.message : String(err)}`;
      }
      continue;
    }
    const nativeHistograms =
      cmd.expected.some((e) => e.values.some((v) => v.kind === 'histogram')) ||
      selectsAny(engine, cmd.expr, histogramSeries) ||
      [...histogramNames].some((n) => new RegExp(`(^|[^a-zA-Z0-9_:])${n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^a-zA-Z0-9_:])`).test(cmd.expr));
    const reason = options.skip?.(cmd);
    if (reason !== undefined) {
      outcomes.push({ line: cmd.line, expr: cmd.expr, status: 'skip', message: reason, nativeHistograms });
      continue;
    }
    if (loadError !== undefined) {
      outcomes.push({ line: cmd.line, expr: cmd.expr, status: 'fail', message: loadError, nativeHistograms });
      continue;
    }
    try {
      const msg = await runEval(engine, cmd);
      outcomes.push(
        msg === undefined
          ? { line: cmd.line, expr: cmd.expr, status: 'pass', nativeHistograms }
          : { line: cmd.line, expr: cmd.expr, status: 'fail', message: msg, nativeHistograms },
      );
    } catch (err) {
      const unsupported = err instanceof PromQLUnsupportedError || (histogramsLoaded && !(err instanceof BridgeError));
      outcomes.push({ line: cmd.line, expr: cmd.expr, status: 'fail', message: err instanceof Error ? err.message : String(err), unsupported, nativeHistograms });
    }
  }
  return outcomes;
}

/** Whether a selector of `expr` matches one of `series` (label records); false when `expr` does not parse. */
function selectsAny(engine: Engine, expr: string, series: readonly Record<string, string>[]): boolean {
  if (series.length === 0) return false;
  let ast: Expr;
  try {
    ast = engine.parse(expr);
  } catch {
    return false;
  }
  let found = false;
  const walk = (e: Expr): void => {
    if (found) return;
    switch (e.type) {
      case 'vectorSelector':
      case 'matrixSelector': {
        const ms = e.matchers.map((m) => compileMatcher(m));
        found = series.some((r) => ms.every((m) => m.matches(r[m.name] ?? '')));
        return;
      }
      case 'subquery':
      case 'parenExpr':
      case 'unaryExpr':
        walk(e.expr);
        return;
      case 'binaryExpr':
        walk(e.lhs);
        walk(e.rhs);
        return;
      case 'aggregation':
        walk(e.expr);
        if (e.param !== null) walk(e.param);
        return;
      case 'call':
        e.args.forEach(walk);
        return;
      default:
        return;
    }
  };
  walk(ast);
  return found;
}

function newStore(): MemorySeriesStore {
  const store = new MemorySeriesStore({ retentionMs: Number.MAX_SAFE_INTEGER });
  store.createSource(SOURCE, { kind: 'free' });
  return store;
}

function newEngine(store: MemorySeriesStore, options: RunOptions): Engine {
  return new Engine({
    store,
    compat: options.compat ?? '3',
    maxSamples: MAX_SAMPLES,
    noStepSubqueryIntervalMs: 60_000,
    ...(options.functions !== undefined ? { functions: options.functions } : {}),
    ...(options.delayedNameRemoval !== undefined ? { delayedNameRemoval: options.delayedNameRemoval } : {}),
    parse: { experimentalFunctions: true, binopFillModifiers: true, unquotedUtf8Names: true },
  });
}

function load(store: MemorySeriesStore, cmd: LoadCommand): void {
  const app = store.appender(SOURCE);
  try {
    // A later line for the same series replaces the earlier one (test.go keys the definitions by label hash).
    const defs = new Map<string, (typeof cmd.series)[number]>();
    for (const s of cmd.series) {
      const key = LabelSet.from(s.labels).key;
      defs.delete(key);
      defs.set(key, s);
    }
    for (const s of defs.values()) {
      const labels = LabelSet.from(s.labels);
      s.values.forEach((v, i) => {
        const t = i * cmd.intervalMs;
        if (v.kind === 'float') app.append(labels, t, v.v);
        else if (v.kind === 'stale') app.appendStale(labels, t);
      });
    }
    app.commit();
  } catch (err) {
    app.rollback();
    throw err;
  }
}

/** Runs one eval; undefined when it passes, else why not. */
async function runEval(engine: Engine, cmd: EvalCommand): Promise<string | undefined> {
  if (cmd.range !== null) {
    let res;
    try {
      res = await engine.rangeQuery(cmd.expr, cmd.range.startMs, cmd.range.endMs, cmd.range.stepMs);
    } catch (err) {
      return checkFailure(cmd, err);
    }
    if (cmd.fail) return 'expected an error, got none';
    return checkAnnotations(cmd, res.warnings, res.infos) ?? compareMatrix(cmd, res.value, cmd.range);
  }
  const own = await runInstant(engine, cmd, cmd.expr, cmd.atMs);
  if (own !== undefined) return own;
  for (const c of atModifierCases(engine, cmd.expr, cmd.atMs)) {
    const bad = await runInstant(engine, cmd, c.expr, c.t);
    if (bad !== undefined) return `with @ ${cmd.atMs / 1000} at ${c.t}ms (${formatExpr(c.expr)}): ${bad}`;
  }
  return undefined;
}

/** One instant query of an eval (the eval's own, or an `@` variant) and its range-mode re-run. */
async function runInstant(engine: Engine, cmd: EvalCommand, expr: string | Expr, t: number): Promise<string | undefined> {
  const opts = { queryText: cmd.expr };
  let res;
  try {
    res = await engine.instantQuery(expr, t, opts);
  } catch (err) {
    return checkFailure(cmd, err);
  }
  if (cmd.fail) return 'expected an error, got none';
  const bad = checkAnnotations(cmd, res.warnings, res.infos) ?? compareValue(cmd, res.value);
  if (bad !== undefined) return bad;
  if (cmd.expectedRangeVector !== undefined || cmd.expectedString !== undefined || /(start|end|range|step)\(\)/.test(cmd.expr)) return undefined;
  // Range mode: t−1m … t+1m at 1m; the middle step must equal the instant result.
  let ranged;
  try {
    ranged = await engine.rangeQuery(expr, t - 60_000, t + 60_000, 60_000, opts);
  } catch (err) {
    return `range mode: ${err instanceof Error ? err.message : String(err)}`;
  }
  if (cmd.ordered) return undefined;
  const vector = [];
  for (const s of ranged.value) {
    for (let i = 0; i < s.points.n; i++) {
      if (s.points.t[i] === t) vector.push({ labels: s.labels, t, v: s.points.v[i] as number });
    }
  }
  const asValue: Value = res.value.type === 'scalar' ? { type: 'scalar', t, v: vector[0]?.v ?? NaN } : { type: 'vector', vector };
  const r = compareValue(cmd, asValue);
  return r === undefined ? undefined : `range mode: ${r}`;
}

// Functions whose result depends on the evaluation time even with step-invariant arguments (functions.go).
const AT_MODIFIER_UNSAFE = new Set([
  'days_in_month', 'day_of_month', 'day_of_week', 'day_of_year', 'end', 'hour', 'minute', 'month', 'year',
  'predict_linear', 'range', 'start', 'step', 'time', 'timestamp',
]);

/**
 * `atModifierTestCases` of test.go: the query with `@ <t>` set on every selector and subquery that has none (not
 * inside a subquery that has one), evaluated at other times (−10t, 0, t/5, t, 10t; for t = 0: −1s, 0, 1s); the
 * result must not change. None when the query uses an @-unsafe function or does not parse.
 */
function atModifierCases(engine: Engine, exprText: string, t: number): { expr: Expr; t: number }[] {
  let ast: Expr;
  try {
    ast = engine.parse(exprText);
  } catch {
    return [];
  }
  let unsafe = false;
  const pin = (e: Expr, frozen: boolean): Expr => {
    switch (e.type) {
      case 'vectorSelector':
      case 'matrixSelector':
        return frozen || e.timestamp !== null ? e : { ...e, timestamp: t, startOrEnd: null };
      case 'subquery': {
        const own = frozen || e.timestamp !== null ? e : { ...e, timestamp: t, startOrEnd: null };
        return { ...own, expr: pin(e.expr, frozen || own.timestamp !== null) };
      }
      case 'parenExpr':
      case 'unaryExpr':
        return { ...e, expr: pin(e.expr, frozen) };
      case 'binaryExpr':
        return { ...e, lhs: pin(e.lhs, frozen), rhs: pin(e.rhs, frozen) };
      case 'aggregation':
        return { ...e, expr: pin(e.expr, frozen), param: e.param === null ? null : pin(e.param, frozen) };
      case 'call':
        if (AT_MODIFIER_UNSAFE.has(e.func.name)) unsafe = true;
        return { ...e, args: e.args.map((a) => pin(a, frozen)) };
      default:
        return e;
    }
  };
  // Go re-parses the printed query; we run the pinned AST itself, so that a printer/parser round-trip difference
  // cannot hide or fake an engine result.
  const pinned = pin(ast, false);
  if (unsafe) return [];
  const times = t === 0 ? [-1000, 0, 1000] : [-10 * t, 0, Math.trunc(t / 5), t, 10 * t];
  return times.map((x) => ({ expr: pinned, t: x }));
}

function checkFailure(cmd: EvalCommand, err: unknown): string | undefined {
  const msg = err instanceof Error ? err.message : String(err);
  if (!cmd.fail) {
    if (err instanceof Error && !(err instanceof BridgeError)) throw err;
    if (err instanceof PromQLUnsupportedError) throw err;
    return `unexpected error: ${msg}`;
  }
  if (cmd.failMessage !== undefined && cmd.failMessage !== msg) return `expected error ${JSON.stringify(cmd.failMessage)}, got ${JSON.stringify(msg)}`;
  if (cmd.failRegexp !== undefined && !cmd.failRegexp.test(msg)) return `expected error matching ${String(cmd.failRegexp)}, got ${JSON.stringify(msg)}`;
  const e = cmd.expectations.find((x) => x.kind === 'fail');
  if (e?.message !== undefined && e.message !== msg) return `expected error ${JSON.stringify(e.message)}, got ${JSON.stringify(msg)}`;
  if (e?.regex !== undefined && !e.regex.test(msg)) return `expected error matching ${String(e.regex)}, got ${JSON.stringify(msg)}`;
  return undefined;
}

function checkAnnotations(cmd: EvalCommand, warnings: readonly string[], infos: readonly string[]): string | undefined {
  if (cmd.warn && warnings.length === 0) return 'expected warnings, got none';
  if (cmd.info && infos.length === 0) return 'expected info annotations, got none';
  for (const [kind, got] of [['warn', warnings], ['info', infos]] as const) {
    const exp = cmd.expectations.filter((e) => e.kind === kind);
    if (exp.length === 0) continue;
    if (got.length === 0) return `expected ${kind} annotations, got none`;
    for (const e of exp) {
      if (e.message !== undefined && !got.includes(e.message)) return `expected ${kind} ${JSON.stringify(e.message)}, got ${JSON.stringify(got)}`;
      if (e.regex !== undefined && !got.some((g) => e.regex?.test(g))) return `expected ${kind} matching ${String(e.regex)}, got ${JSON.stringify(got)}`;
    }
  }
  if (cmd.expectations.some((e) => e.kind === 'no_warn') && warnings.length > 0) return `unexpected warnings ${JSON.stringify(warnings)}`;
  if (cmd.expectations.some((e) => e.kind === 'no_info') && infos.length > 0) return `unexpected infos ${JSON.stringify(infos)}`;
  return undefined;
}

function expectedLabels(cmd: EvalCommand): { labels: LabelSet; values: readonly { kind: string; v?: number }[]; pos: number }[] {
  return cmd.expected.map((e, i) => ({ labels: LabelSet.from(e.labels), values: e.values, pos: i }));
}

function compareValue(cmd: EvalCommand, value: Value): string | undefined {
  switch (value.type) {
    case 'scalar':
      if (cmd.expectedScalar === undefined) return `expected vector or matrix result, but got scalar ${value.v}`;
      return almostEqual(cmd.expectedScalar, value.v) ? undefined : `expected scalar ${cmd.expectedScalar} but got ${value.v}`;
    case 'string':
      return cmd.expectedString === value.v ? undefined : `expected string ${JSON.stringify(cmd.expectedString)} but got ${JSON.stringify(value.v)}`;
    case 'matrix':
      if (cmd.ordered) return 'expected ordered result, but query returned a matrix';
      if (cmd.expectedRangeVector === undefined) return `expected an instant result, got a matrix of ${value.matrix.length} series`;
      return compareMatrix(cmd, value.matrix, cmd.expectedRangeVector);
    case 'vector': {
      if (cmd.expectedScalar !== undefined) return `expected scalar result, but got a vector of ${value.vector.length}`;
      const exp = new Map(expectedLabels(cmd).map((e) => [e.labels.key, e]));
      const seen = new Set<string>();
      for (let pos = 0; pos < value.vector.length; pos++) {
        const s = value.vector[pos] as (typeof value.vector)[number];
        const e = exp.get(s.labels.key);
        if (e === undefined) return `unexpected metric ${s.labels.toString()} in result, has value ${s.v}`;
        if (cmd.ordered && e.pos !== pos) return `expected metric ${s.labels.toString()} at position ${e.pos + 1} but was at ${pos + 1}`;
        const ev = e.values[0];
        if (ev?.kind !== 'float') return `expected ${ev?.kind ?? 'nothing'} for ${s.labels.toString()}, got ${s.v}`;
        if (!almostEqual(ev.v as number, s.v)) return `expected ${ev.v} for ${s.labels.toString()} but got ${s.v}`;
        seen.add(s.labels.key);
      }
      for (const [k, e] of exp) if (!seen.has(k)) return `expected metric ${e.labels.toString()} not found`;
      return undefined;
    }
  }
}

function compareMatrix(
  cmd: EvalCommand,
  matrix: readonly { labels: LabelSet; points: { t: Float64Array; v: Float64Array; n: number } }[],
  grid: { startMs: number; endMs: number; stepMs: number },
): string | undefined {
  if (cmd.expectedScalar !== undefined) return 'expected scalar result, but got matrix';
  const exp = new Map(expectedLabels(cmd).map((e) => [e.labels.key, e]));
  for (let i = 1; i < matrix.length; i++) {
    if (compareLabels((matrix[i - 1] as (typeof matrix)[number]).labels, (matrix[i] as (typeof matrix)[number]).labels) > 0) {
      return 'matrix results should always be sorted by labels';
    }
  }
  const seen = new Set<string>();
  for (const s of matrix) {
    const e = exp.get(s.labels.key);
    if (e === undefined) return `unexpected metric ${s.labels.toString()} in result`;
    seen.add(s.labels.key);
    const want: [number, number][] = [];
    e.values.forEach((v, i) => {
      if (v.kind === 'float') want.push([grid.startMs + i * grid.stepMs, v.v as number]);
    });
    if (e.values.length > 0 && grid.startMs + (e.values.length - 1) * grid.stepMs > grid.endMs) {
      return `expected ${e.values.length} points for ${e.labels.toString()}, but query time range cannot return this many points`;
    }
    if (want.length !== s.points.n) return `expected ${want.length} float points for ${s.labels.toString()}, got ${s.points.n}: ${formatPoints(s.points)}`;
    for (let i = 0; i < want.length; i++) {
      const [wt, wv] = want[i] as [number, number];
      if (s.points.t[i] !== wt) return `point ${i} of ${s.labels.toString()}: expected t=${wt}, got t=${s.points.t[i]} (${formatPoints(s.points)})`;
      if (!almostEqual(wv, s.points.v[i] as number)) return `point ${i} (t=${wt}) of ${s.labels.toString()}: expected ${wv}, got ${s.points.v[i]}`;
    }
  }
  for (const [k, e] of exp) if (!seen.has(k)) return `expected metric ${e.labels.toString()} not found`;
  return undefined;
}

function formatPoints(p: { t: Float64Array; v: Float64Array; n: number }): string {
  const parts: string[] = [];
  for (let i = 0; i < p.n; i++) parts.push(`${p.v[i]} @[${p.t[i]}]`);
  return parts.join(' ');
}
