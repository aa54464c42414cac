/**
 * INTERIM: the few numeric kernels the aggregation operators need, until the function library
 * (src/promql/functions/, branch `functions`) lands its aggregation kernels; then this file goes and
 * ./aggregate.ts calls the library's. Ports of `kahansum.Inc` (`util/kahansum`), `quantile` (`promql/quantile.go`)
 * and `strconv.FormatFloat(f, 'f', -1, 64)`, all at Prometheus v0.316.0.
 */

/** Kahan–Neumaier increment: returns the new sum and compensation (`kahansum.Inc`). */
export function kahanInc(inc: number, sum: number, c: number): [number, number] {
  const t = sum + inc;
  if (t > Number.MAX_VALUE || t < -Number.MAX_VALUE) return [t, 0];
  if (Math.abs(sum) >= Math.abs(inc)) c += sum - t + inc;
  else c += inc - t + sum;
  return [t, c];
}

/** Go's `sort.Sort(vectorByValueHeap)` order: NaN first, then ascending. */
function lessNaNFirst(a: number, b: number): boolean {
  if (Number.isNaN(a)) return true;
  return a < b;
}

/** φ-quantile of `values` by linear interpolation at rank φ·(n−1) (`quantile` in quantile.go). */
export function quantile(q: number, values: number[]): number {
  if (values.length === 0 || Number.isNaN(q)) return NaN;
  if (q < 0) return -Infinity;
  if (q > 1) return Infinity;
  const sorted = [...values].sort((a, b) => (lessNaNFirst(a, b) ? -1 : lessNaNFirst(b, a) ? 1 : 0));
  const n = sorted.length;
  const rank = q * (n - 1);
  const lower = Math.max(0, Math.floor(rank));
  const upper = Math.min(n - 1, lower + 1);
  const weight = rank - Math.floor(rank);
  if (weight === 0) return sorted[lower] as number;
  return (sorted[lower] as number) * (1 - weight) + (sorted[upper] as number) * weight;
}

/** Go's `strconv.FormatFloat(f, 'f', -1, 64)`: shortest round-trip digits, never an exponent. */
export function formatFloatF(f: number): string {
  if (Number.isNaN(f)) return 'NaN';
  if (f === Infinity) return '+Inf';
  if (f === -Infinity) return '-Inf';
  const s = String(f);
  const e = s.indexOf('e');
  if (e < 0) return Object.is(f, -0) ? '-0' : s;
  const neg = s.startsWith('-');
  const mant = s.slice(neg ? 1 : 0, e);
  const exp = Number(s.slice(e + 1));
  const dot = mant.indexOf('.');
  const digits = dot < 0 ? mant : mant.slice(0, dot) + mant.slice(dot + 1);
  const intLen = (dot < 0 ? mant.length : dot) + exp;
  let out: string;
  if (intLen <= 0) out = `0.${'0'.repeat(-intLen)}${digits}`;
  else if (intLen >= digits.length) out = digits + '0'.repeat(intLen - digits.length);
  else out = `${digits.slice(0, intLen)}.${digits.slice(intLen)}`;
  return neg ? `-${out}` : out;
}
