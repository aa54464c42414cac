import type { ValueFunction } from './types.js';

/**
 * The per-sample value functions (`abs`, `ceil`, `floor`, `exp`, `sqrt`, `ln`, `log2`, `log10`, `sgn`, `round`,
 * `clamp*`, trigonometric and hyperbolic functions, `deg`, `rad`) and Go's `math.Pow` for the `^` operator.
 * Ports of `simpleFloatFunc` users, `funcRound`, `clamp` and `funcSgn` in `promql/functions.go` (Prometheus
 * v0.316.0; v2.42.0 is the same).
 *
 * Bit-exactness: JavaScript's `Math` functions and Go's `math` package implement the same IEEE special cases but
 * not always the same last-bit rounding of transcendental functions (exp, ln, sin, …): results may differ by an
 * ulp. Checked against Go 1.26 on amd64 (the Prometheus 3.16 build): `log2` and `log10` are Go's formulas on top of
 * `Log` (ported below: `Math.log2(3)` and `Math.log10(20)` differ from Go in the last bit); `ln` agrees with
 * `Math.log` for normal numbers, but Go's assembly `Log` differs for subnormal inputs (Go: ln(5e-324) =
 * −709.0895657128241). Known last-bit differences from V8's fdlibm: `exp`, `sin`, `tan`, `atan` for some inputs
 * (test/unit/promql/functions/value-functions.test.ts lists the observed ones); well inside PromQL's 1e-9 relative
 * comparison but not bit-identical.
 */

// Go folds constant expressions exactly and rounds once: `1/Ln2` and `1/Ln10` as float64. (Computing 1/LN10 in
// double arithmetic gives 0.43429448190325176, one ulp lower, and log10(1000) = 2.9999999999999996.)
const INV_LN2 = 1.4426950408889634;
const INV_LN10 = 0.4342944819032518;

/**
 * Go's `math.Frexp`: `x = frac · 2^exp` with |frac| in [0.5, 1); (x, 0) for ±0, ±Inf, NaN.
 */
export function frexp(x: number): { frac: number; exp: number } {
  if (x === 0 || x !== x || x === Infinity || x === -Infinity) return { frac: x, exp: 0 };
  const buf = new DataView(new ArrayBuffer(8));
  let exp = 0;
  let y = x;
  // Normalise subnormals first, as Go's `normalize` does.
  if (Math.abs(y) < 2.2250738585072014e-308) {
    y *= 2 ** 52;
    exp = -52;
  }
  buf.setFloat64(0, y);
  const hi = buf.getUint32(0);
  exp += ((hi >>> 20) & 0x7ff) - 1022;
  buf.setUint32(0, (hi & ~(0x7ff << 20)) | (1022 << 20));
  return { frac: buf.getFloat64(0), exp };
}

/** Go's `math.Log10`: `Log(x) · (1/Ln10)`. */
export function goLog10(x: number): number {
  return Math.log(x) * INV_LN10;
}

/** Go's `math.Log2`: exact for powers of two, else `Log(frac)·(1/Ln2) + exp`. */
export function goLog2(x: number): number {
  const { frac, exp } = frexp(x);
  // Make sure exact powers of two give an exact answer. Don't depend on Log(0.5)*(1/Ln2)+exp being exactly exp-1.
  if (frac === 0.5) return exp - 1;
  return Math.log(frac) * INV_LN2 + exp;
}


/**
 * Go's `math.Pow(x, y)`, which differs from JavaScript's `**` in two special cases: `Pow(1, y)` is 1 for every y
 * (NaN and ±Inf included) and `Pow(-1, ±Inf)` is 1; JavaScript gives NaN for both. Everything else agrees.
 */
export function goPow(x: number, y: number): number {
  if (y === 0 || x === 1) return 1;
  if (x === -1 && (y === Infinity || y === -Infinity)) return 1;
  return x ** y;
}

function simple(f: (v: number) => number): ValueFunction {
  return (v) => f(v);
}

export const abs = simple(Math.abs);
export const ceil = simple(Math.ceil);
export const floor = simple(Math.floor);
export const exp = simple(Math.exp);
export const sqrt = simple(Math.sqrt);
export const ln = simple(Math.log);
export const log2 = simple(goLog2);
export const log10 = simple(goLog10);
export const sin = simple(Math.sin);
export const cos = simple(Math.cos);
export const tan = simple(Math.tan);
export const asin = simple(Math.asin);
export const acos = simple(Math.acos);
export const atan = simple(Math.atan);
export const sinh = simple(Math.sinh);
export const cosh = simple(Math.cosh);
export const tanh = simple(Math.tanh);
export const asinh = simple(Math.asinh);
export const acosh = simple(Math.acosh);
export const atanh = simple(Math.atanh);
/** `rad`: `v · (π/180)` (Go multiplies by the folded constant). */
export const rad = simple((v) => v * (Math.PI / 180));
/** `deg`: `v · (180/π)`. */
export const deg = simple((v) => v * (180 / Math.PI));

/** `sgn`: −1, 1, or the value itself for ±0 and NaN. */
export const sgn: ValueFunction = (v) => (v < 0 ? -1 : v > 0 ? 1 : v);

/**
 * `round(v, to = 1)`: `floor(v · (1/to) + 0.5) / (1/to)`, so halves round up (`round(-2.5)` = −2, unlike Go's
 * `math.Round`). `args = [to]` or `[]`.
 */
export const round: ValueFunction = (v, args) => {
  const toNearest = args.length >= 1 ? (args[0] as number) : 1;
  const toNearestInverse = 1.0 / toNearest;
  return Math.floor(v * toNearestInverse + 0.5) / toNearestInverse;
};

/**
 * `clamp(v, min, max)`: `max(min, min(max, v))` with Go's `math.Max`/`math.Min` (NaN wins, +0 > −0); drops every
 * sample when max < min. `args = [min, max]`.
 */
export const clamp: ValueFunction = (v, args) => {
  const minVal = args[0] as number;
  const maxVal = args[1] as number;
  if (maxVal < minVal) return undefined;
  return goMax(minVal, goMin(maxVal, v));
};

/** `clamp_max(v, max)`: `args = [max]`. */
export const clampMax: ValueFunction = (v, args) => clamp(v, [-Infinity, args[0] as number]);
/** `clamp_min(v, min)`: `args = [min]`. */
export const clampMin: ValueFunction = (v, args) => clamp(v, [args[0] as number, Infinity]);

/** Go's `math.Max`: +Inf wins over NaN, then NaN wins, +0 beats −0. */
export function goMax(x: number, y: number): number {
  if (x === Infinity || y === Infinity) return Infinity;
  if (x !== x || y !== y) return NaN;
  if (x === 0 && x === y) return Object.is(x, -0) ? y : x;
  return x > y ? x : y;
}

/** Go's `math.Min`: −Inf wins over NaN, then NaN wins, −0 beats +0. */
export function goMin(x: number, y: number): number {
  if (x === -Infinity || y === -Infinity) return -Infinity;
  if (x !== x || y !== y) return NaN;
  if (x === 0 && x === y) return Object.is(x, -0) ? x : y;
  return x < y ? x : y;
}
