import { PromQLEvalError } from '../../errors.js';
import type { BinaryOp, VectorMatching } from '../ast.js';
import { COMPARISON_OPS } from '../ast.js';
import type { PromSemantics } from '../semantics.js';
import { deleteLabels, goLabelsString, keepLabels, setLabel, signature, withoutName } from './labels.js';
import type { LabelSet } from '../../model/labels.js';
import { LabelIndex } from '../../store/label-index.js';
import type { ESample } from './types.js';

/**
 * Binary operators on one evaluation step: a port of `scalarBinop`, `vectorElemBinop`, `VectorscalarBinop`,
 * `VectorBinop`, `resultMetric` and `VectorAnd/Or/Unless` of `promql/engine.go` at v0.316.0 (floats only), with
 * delayed name removal (see ./types.ts). Error messages are Prometheus's.
 */

/**
 * Go's `math.Pow`, which differs from `**` on special cases: `x^±0 = 1` for every x (NaN included), `1^y = 1` for
 * every y (NaN and ±Inf included), `(-1)^±Inf = 1`.
 */
export function goPow(x: number, y: number): number {
  if (y === 0 || x === 1) return 1;
  if (x === -1 && (y === Infinity || y === -Infinity)) return 1;
  return x ** y;
}

/** `op` on two floats; comparisons give 1 or 0 (scalar-scalar needs `bool`, which the parser enforces). */
export function scalarBinop(op: BinaryOp, l: number, r: number): number {
  switch (op) {
    case '+': return l + r;
    case '-': return l - r;
    case '*': return l * r;
    case '/': return l / r;
    case '^': return goPow(l, r);
    case '%': return l % r; // Go's math.Mod: sign of the dividend, like JavaScript's %.
    case 'atan2': return Math.atan2(l, r);
    case '==': return l === r ? 1 : 0;
    case '!=': return l !== r ? 1 : 0;
    case '>': return l > r ? 1 : 0;
    case '<': return l < r ? 1 : 0;
    case '>=': return l >= r ? 1 : 0;
    case '<=': return l <= r ? 1 : 0;
    default:
      throw new PromQLEvalError(`operator "${op}" not allowed for Scalar operations`);
  }
}

/** `vectorElemBinop`: the value and whether a comparison keeps the sample (arithmetic always keeps). */
function elemBinop(op: BinaryOp, l: number, r: number): { v: number; keep: boolean } {
  switch (op) {
    case '==': return { v: l, keep: l === r };
    case '!=': return { v: l, keep: l !== r };
    case '>': return { v: l, keep: l > r };
    case '<': return { v: l, keep: l < r };
    case '>=': return { v: l, keep: l >= r };
    case '<=': return { v: l, keep: l <= r };
    default: return { v: scalarBinop(op, l, r), keep: true };
  }
}

/**
 * Arithmetic operators change the metric's meaning, so they drop `__name__` (`changesMetricSchema`). 2.x's
 * `shouldDropMetricName` (v2.42.0) did not list `atan2`, which kept the name there.
 */
function changesMetricSchema(op: BinaryOp, semantics: PromSemantics): boolean {
  if (op === 'atan2') return semantics === '3.x';
  return op === '+' || op === '-' || op === '*' || op === '/' || op === '^' || op === '%';
}

/** Vector op scalar (`swap` = false) or scalar op vector (`swap` = true), `VectorscalarBinop`. */
export function vectorScalarBinop(
  op: BinaryOp,
  vec: readonly ESample[],
  scalar: number,
  swap: boolean,
  returnBool: boolean,
  semantics: PromSemantics,
): ESample[] {
  const out: ESample[] = [];
  const comparison = COMPARISON_OPS.has(op);
  for (const s of vec) {
    const l = swap ? scalar : s.v;
    const r = swap ? s.v : scalar;
    let { v, keep } = elemBinop(op, l, r);
    // A comparison keeps the vector's value whichever side it is on.
    if (comparison && swap) v = r;
    if (returnBool) {
      v = keep ? 1 : 0;
      keep = true;
    }
    if (!keep) continue;
    out.push({ labels: s.labels, v, dropName: s.dropName || changesMetricSchema(op, semantics) || returnBool });
  }
  return out;
}

/**
 * What one vector matching of a query has already worked out, reused at every step of a range query: the match
 * signature of each label set, and the result label set of each (lhs, rhs) pair. Keyed by label-set identity: the
 * store's sets, withoutName's and the aggregations' outputs are the same instances from step to step.
 */
export interface MatchCache {
  readonly sigs: WeakMap<LabelSet, string>;
  readonly results: WeakMap<LabelSet, WeakMap<LabelSet, LabelSet>>;
}

export function newMatchCache(): MatchCache {
  return { sigs: new WeakMap(), results: new WeakMap() };
}

function sigs(vec: readonly ESample[], m: VectorMatching, cache: MatchCache): string[] {
  const out = new Array<string>(vec.length);
  for (let i = 0; i < vec.length; i++) {
    const ls = (vec[i] as ESample).labels;
    let sig = cache.sigs.get(ls);
    if (sig === undefined) cache.sigs.set(ls, (sig = signature(ls, m.on, m.labels)));
    out[i] = sig;
  }
  return out;
}

/** `and`: lhs samples whose match group exists on the right. */
export function vectorAnd(lhs: readonly ESample[], rhs: readonly ESample[], m: VectorMatching, cache: MatchCache = newMatchCache()): ESample[] {
  if (lhs.length === 0 || rhs.length === 0) return [];
  const right = new Set(sigs(rhs, m, cache));
  const ls = sigs(lhs, m, cache);
  return lhs.filter((_, i) => right.has(ls[i] as string));
}

/** `or`: all lhs samples, and the rhs samples whose match group is absent on the left. */
export function vectorOr(lhs: readonly ESample[], rhs: readonly ESample[], m: VectorMatching, cache: MatchCache = newMatchCache()): ESample[] {
  if (lhs.length === 0) return [...rhs];
  if (rhs.length === 0) return [...lhs];
  const left = new Set(sigs(lhs, m, cache));
  const rs = sigs(rhs, m, cache);
  return [...lhs, ...rhs.filter((_, i) => !left.has(rs[i] as string))];
}

/** `unless`: lhs samples whose match group is absent on the right. */
export function vectorUnless(lhs: readonly ESample[], rhs: readonly ESample[], m: VectorMatching, cache: MatchCache = newMatchCache()): ESample[] {
  if (lhs.length === 0 || rhs.length === 0) return [...lhs];
  const right = new Set(sigs(rhs, m, cache));
  const ls = sigs(lhs, m, cache);
  return lhs.filter((_, i) => !right.has(ls[i] as string));
}

/**
 * Arithmetic and comparison between two vectors with one-to-one, many-to-one (`group_left`) or one-to-many
 * (`group_right`) matching, `VectorBinop`. Fill modifiers (experimental) are applied when the AST carries them.
 *
 * @throws PromQLEvalError with Prometheus's messages for duplicate series on the "one" side and for matches that
 *   are not unique.
 */
export function vectorBinop(
  op: BinaryOp,
  lhsIn: readonly ESample[],
  rhsIn: readonly ESample[],
  m: VectorMatching,
  returnBool: boolean,
  semantics: PromSemantics,
  cache: MatchCache = newMatchCache(),
): ESample[] {
  let fillL = m.fillValues.lhs;
  let fillR = m.fillValues.rhs;
  if ((lhsIn.length === 0 && rhsIn.length === 0) || ((lhsIn.length === 0 || rhsIn.length === 0) && fillL === null && fillR === null)) {
    return [];
  }
  let lhs = lhsIn;
  let rhs = rhsIn;
  const oneToMany = m.card === 'one-to-many';
  if (oneToMany) {
    [lhs, rhs] = [rhs, lhs];
    [fillL, fillR] = [fillR, fillL];
  }
  const lsig = sigs(lhs, m, cache);
  const rsig = sigs(rhs, m, cache);

  const rightBySig = new Map<string, ESample>();
  rhs.forEach((rs, i) => {
    const sig = rsig[i] as string;
    const dupl = rightBySig.get(sig);
    if (dupl !== undefined) {
      const matched = m.on ? keepLabels(rs.labels, m.labels) : withoutName(deleteLabels(rs.labels, m.labels));
      let d1 = goLabelsString(rs.labels);
      let d2 = goLabelsString(dupl.labels);
      if (d1 > d2) [d1, d2] = [d2, d1];
      throw new PromQLEvalError(
        `found duplicate series for the match group ${goLabelsString(matched)} on the ${oneToMany ? 'left' : 'right'} hand-side of the operation: [${d1}, ${d2}];many-to-many matching not allowed: matching labels must be unique on one side`,
      );
    }
    rightBySig.set(sig, rs);
  });

  const out: ESample[] = [];
  const matchedOne = new Set<string>();
  // Result label sets per signature, through hashes: `LabelSet.key` on a stored series' labels would stay on it.
  const matchedMany = new Map<string, LabelIndex<{ readonly labels: LabelSet }>>();

  const doBinop = (ls: ESample, rs: ESample, sig: string): void => {
    let fl = ls.v;
    let fr = rs.v;
    if (oneToMany) [fl, fr] = [fr, fl];
    let { v, keep } = elemBinop(op, fl, fr);
    if (returnBool) v = keep ? 1 : 0;
    // resultMetric depends on the pair's label sets only (op, matching and semantics are this call site's).
    let byRight = cache.results.get(ls.labels);
    if (byRight === undefined) cache.results.set(ls.labels, (byRight = new WeakMap()));
    let metric = byRight.get(rs.labels);
    if (metric === undefined) byRight.set(rs.labels, (metric = resultMetric(ls, rs, op, m, semantics)));
    if (m.card === 'one-to-one') {
      if (matchedOne.has(sig)) {
        throw new PromQLEvalError('multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)');
      }
      matchedOne.add(sig);
    } else {
      let inserted = matchedMany.get(sig);
      if (inserted === undefined) matchedMany.set(sig, (inserted = new LabelIndex()));
      if (inserted.get(metric) !== undefined) throw new PromQLEvalError('multiple matches for labels: grouping labels must ensure unique matches');
      inserted.add({ labels: metric });
    }
    if (!keep && !returnBool) return;
    // Go sets DropName from `bool` only: a comparison's filtered lhs keeps its name even if it was flagged.
    out.push({ labels: metric, v, dropName: returnBool });
  };

  lhs.forEach((ls, i) => {
    const sig = lsig[i] as string;
    let rs = rightBySig.get(sig);
    if (rs === undefined) {
      if (fillR === null) return;
      rs = { labels: m.on ? keepLabels(ls.labels, m.labels) : withoutName(deleteLabels(ls.labels, m.labels)), v: fillR, dropName: false };
    }
    doBinop(ls, rs, sig);
  });
  if (fillL !== null) {
    rhs.forEach((rs, i) => {
      const sig = rsig[i] as string;
      if (m.card === 'one-to-one' ? matchedOne.has(sig) : (matchedMany.get(sig)?.size ?? 0) > 0) return;
      const ls: ESample = { labels: m.on ? keepLabels(rs.labels, m.labels) : withoutName(deleteLabels(rs.labels, m.labels)), v: fillL as number, dropName: false };
      doBinop(ls, rs, sig);
    });
  }
  return out;
}

/** The output label set of a matched pair (`resultMetric`). */
function resultMetric(ls: ESample, rs: ESample, op: BinaryOp, m: VectorMatching, semantics: PromSemantics) {
  let lb = ls.labels;
  if (changesMetricSchema(op, semantics)) lb = withoutName(lb);
  if (m.card === 'one-to-one') lb = m.on ? keepLabels(lb, m.labels) : deleteLabels(lb, m.labels);
  for (const name of m.include) lb = setLabel(lb, name, rs.labels.get(name) ?? '');
  return lb;
}
