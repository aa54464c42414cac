/**
 * Go's pure-Go trigonometric functions (`sin.go`, `tan.go`, `atan.go`, `asin.go` in Go's `src/math`, go1.26;
 * Cephes-derived), ported operation by operation so that `sin`, `cos`, `tan`, `asin`, `acos`, `atan` give
 * Prometheus's (amd64) results bit for bit; V8's fdlibm differs in the last bit for some inputs (sin(10), tan(10),
 * atan(10)). Constant expressions are Go's exactly folded values. Arguments ≥ 2^29 need Go's Payne–Hanek
 * `trigReduce`, which is not ported: there these fall back to `Math`'s functions (a last-bit difference at most).
 */

const PI4A = 7.85398125648498535156e-1;
const PI4B = 3.77489470793079817668e-8;
const PI4C = 2.69515142907905952645e-15;
const FOUR_OVER_PI = 1.2732395447351628;
const PI_2 = 1.5707963267948966;
const PI_4 = 0.7853981633974483;
const REDUCE_THRESHOLD = 2 ** 29;

const S0 = 1.58962301576546568060e-10;
const S1 = -2.50507477628578072866e-8;
const S2 = 2.75573136213857245213e-6;
const S3 = -1.98412698295895385996e-4;
const S4 = 8.33333333332211858878e-3;
const S5 = -1.66666666666666307295e-1;
const C0 = -1.13585365213876817300e-11;
const C1 = 2.08757008419747316778e-9;
const C2 = -2.75573141792967388112e-7;
const C3 = 2.48015872888517045348e-5;
const C4 = -1.38888888888730564116e-3;
const C5 = 4.16666666666665929218e-2;

function sinPoly(z: number, zz: number): number {
  return z + z * zz * (((((S0 * zz + S1) * zz + S2) * zz + S3) * zz + S4) * zz + S5);
}

function cosPoly(zz: number): number {
  return 1.0 - 0.5 * zz + zz * zz * (((((C0 * zz + C1) * zz + C2) * zz + C3) * zz + C4) * zz + C5);
}

/** Octant `j` (0–7 for sin/cos) and the reduced argument `z` for 0 ≤ x < 2^29 (Cody–Waite). */
function reduce(x: number, mod8: boolean): { j: number; z: number } {
  let j = Math.trunc(x * FOUR_OVER_PI);
  let y = j;
  if (j % 2 === 1) {
    j++;
    y++;
  }
  if (mod8) j %= 8;
  return { j, z: x - y * PI4A - y * PI4B - y * PI4C };
}

/** Go's `math.Sin`. */
export function goSin(x: number): number {
  if (x === 0 || x !== x) return x;
  if (x === Infinity || x === -Infinity) return NaN;
  let sign = false;
  if (x < 0) {
    x = -x;
    sign = true;
  }
  if (x >= REDUCE_THRESHOLD) return sign ? -Math.sin(x) : Math.sin(x);
  let { j, z } = reduce(x, true);
  if (j > 3) {
    sign = !sign;
    j -= 4;
  }
  const zz = z * z;
  const y = j === 1 || j === 2 ? cosPoly(zz) : sinPoly(z, zz);
  return sign ? -y : y;
}

/** Go's `math.Cos`. */
export function goCos(x: number): number {
  if (x !== x || x === Infinity || x === -Infinity) return NaN;
  x = Math.abs(x);
  if (x >= REDUCE_THRESHOLD) return Math.cos(x);
  let sign = false;
  let { j, z } = reduce(x, true);
  if (j > 3) {
    j -= 4;
    sign = !sign;
  }
  if (j > 1) sign = !sign;
  const zz = z * z;
  const y = j === 1 || j === 2 ? sinPoly(z, zz) : cosPoly(zz);
  return sign ? -y : y;
}

const TP0 = -1.30936939181383777646e4;
const TP1 = 1.15351664838587416140e6;
const TP2 = -1.79565251976484877988e7;
const TQ1 = 1.36812963470692954678e4;
const TQ2 = -1.32089234440210967447e6;
const TQ3 = 2.50083801823357915839e7;
const TQ4 = -5.38695755929454629881e7;

/** Go's `math.Tan`. */
export function goTan(x: number): number {
  if (x === 0 || x !== x) return x;
  if (x === Infinity || x === -Infinity) return NaN;
  let sign = false;
  if (x < 0) {
    x = -x;
    sign = true;
  }
  if (x >= REDUCE_THRESHOLD) return sign ? -Math.tan(x) : Math.tan(x);
  const { j, z } = reduce(x, false);
  const zz = z * z;
  let y: number;
  if (zz > 1e-14) y = z + z * ((zz * ((TP0 * zz + TP1) * zz + TP2)) / ((((zz + TQ1) * zz + TQ2) * zz + TQ3) * zz + TQ4));
  else y = z;
  if ((j & 2) === 2) y = -1 / y;
  return sign ? -y : y;
}

function xatan(x: number): number {
  const P0 = -8.750608600031904122785e-1;
  const P1 = -1.615753718733365076637e1;
  const P2 = -7.500855792314704667340e1;
  const P3 = -1.228866684490136173410e2;
  const P4 = -6.485021904942025371773e1;
  const Q0 = 2.485846490142306297962e1;
  const Q1 = 1.650270098316988542046e2;
  const Q2 = 4.328810604912902668951e2;
  const Q3 = 4.853903996359136964868e2;
  const Q4 = 1.945506571482613964425e2;
  let z = x * x;
  z = (z * ((((P0 * z + P1) * z + P2) * z + P3) * z + P4)) / (((((z + Q0) * z + Q1) * z + Q2) * z + Q3) * z + Q4);
  return x * z + x;
}

const MOREBITS = 6.123233995736765886130e-17;
const HALF_MOREBITS = 3.061616997868383e-17;
const TAN3PIO8 = 2.41421356237309504880;

function satan(x: number): number {
  if (x <= 0.66) return xatan(x);
  if (x > TAN3PIO8) return PI_2 - xatan(1 / x) + MOREBITS;
  return PI_4 + xatan((x - 1) / (x + 1)) + HALF_MOREBITS;
}

/** Go's `math.Atan`. */
export function goAtan(x: number): number {
  if (x === 0) return x;
  if (x > 0) return satan(x);
  return -satan(-x);
}

/** Go's `math.Asin`. */
export function goAsin(x: number): number {
  if (x === 0) return x;
  let sign = false;
  if (x < 0) {
    x = -x;
    sign = true;
  }
  if (x > 1) return NaN;
  let temp = Math.sqrt(1 - x * x);
  if (x > 0.7) temp = PI_2 - satan(temp / x);
  else temp = satan(x / temp);
  return sign ? -temp : temp;
}

/** Go's `math.Acos`: `Pi/2 − Asin(x)`. */
export function goAcos(x: number): number {
  return PI_2 - goAsin(x);
}
