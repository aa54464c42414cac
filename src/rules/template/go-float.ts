/**
 * `strconv.FormatFloat(v, fmt, prec, 64)` for `e`, `f` and `g` with an explicit precision (Go 1.26
 * `strconv/ftoa.go`): the exact decimal value of the double, rounded half-to-even at the requested digit, as Go's
 * `decimal.Round` does (JavaScript's `toFixed`/`toPrecision` round exact ties away from zero: Go prints
 * `%.0f` of 2.5 as `2`, JavaScript `3`). The shortest forms (precision −1) are in src/promql/format-go-float.ts.
 */

/** Decimal digits without trailing zeros and the decimal point position: v = 0.d1d2… × 10^dp. */
interface Digits {
  d: string;
  dp: number;
}

const buf = new DataView(new ArrayBuffer(8));

/** The exact decimal expansion of a finite, non-negative double. */
function exactDigits(x: number): Digits {
  if (x === 0) return { d: '', dp: 0 };
  buf.setFloat64(0, x);
  const hi = buf.getUint32(0);
  const lo = buf.getUint32(4);
  const bexp = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let e: number;
  if (bexp === 0) e = -1074;
  else {
    mant |= 1n << 52n;
    e = bexp - 1075;
  }
  let s: string;
  let dp: number;
  if (e >= 0) {
    s = (mant << BigInt(e)).toString();
    dp = s.length;
  } else {
    s = (mant * 5n ** BigInt(-e)).toString();
    dp = s.length + e;
  }
  const t = s.replace(/0+$/, '');
  return { d: t, dp };
}

/** Go's `decimal.Round(nd)`: keep `nd` digits, half-to-even on exact ties. */
function roundDigits(a: Digits, nd: number): Digits {
  if (nd < 0 || nd >= a.d.length) {
    if (nd < 0) return { d: '', dp: 0 };
    return a;
  }
  const c = a.d.charCodeAt(nd) - 48;
  let up: boolean;
  if (c === 5 && nd + 1 === a.d.length) up = nd > 0 && (a.d.charCodeAt(nd - 1) - 48) % 2 === 1;
  else up = c >= 5;
  if (!up) {
    const d = a.d.slice(0, nd).replace(/0+$/, '');
    return { d, dp: d === '' ? 0 : a.dp };
  }
  let i = nd - 1;
  while (i >= 0 && a.d[i] === '9') i--;
  if (i < 0) return { d: '1', dp: a.dp + 1 };
  const d = a.d.slice(0, i) + String.fromCharCode(a.d.charCodeAt(i) + 1);
  return { d, dp: a.dp };
}

/** The shortest round-trip digits (what Go's shortest mode picks; JavaScript picks the same digits). */
function shortestDigits(x: number): Digits {
  if (x === 0) return { d: '', dp: 0 };
  const s = x.toExponential();
  const e = s.indexOf('e');
  return { d: s.slice(0, e).replace('.', ''), dp: Number(s.slice(e + 1)) + 1 };
}

function fmtE(neg: boolean, digs: Digits, prec: number, upper: boolean): string {
  let out = neg ? '-' : '';
  out += digs.d.length === 0 ? '0' : (digs.d[0] as string);
  if (prec > 0) {
    out += '.';
    const rest = digs.d.slice(1, 1 + prec);
    out += rest + '0'.repeat(prec - rest.length);
  }
  out += upper ? 'E' : 'e';
  let exp = digs.dp - 1;
  if (digs.d.length === 0) exp = 0;
  out += exp < 0 ? '-' : '+';
  const a = Math.abs(exp);
  out += a < 10 ? `0${a}` : String(a);
  return out;
}

function fmtF(neg: boolean, digs: Digits, prec: number): string {
  let out = neg ? '-' : '';
  if (digs.dp > 0) {
    const m = Math.min(digs.d.length, digs.dp);
    out += digs.d.slice(0, m) + '0'.repeat(digs.dp - m);
  } else out += '0';
  if (prec > 0) {
    out += '.';
    for (let i = 1; i <= prec; i++) {
      const j = digs.dp + i - 1;
      out += j >= 0 && j < digs.d.length ? (digs.d[j] as string) : '0';
    }
  }
  return out;
}

/** Mantissa (with the implicit bit) and unbiased exponent: |v| = mant × 2^(exp − 52). */
function decompose(x: number): { mant: bigint; exp: number } {
  buf.setFloat64(0, x);
  const hi = buf.getUint32(0);
  const lo = buf.getUint32(4);
  let exp = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  if (exp === 0) exp++;
  else mant |= 1n << 52n;
  return { mant, exp: exp - 1023 };
}

/** strconv's `fmtX`: `%x` / `%X` of a float (`0x1.8p+01`), `prec` hex digits after the point or −1 = shortest. */
function fmtX(neg: boolean, x: number, prec: number, upper: boolean): string {
  let { mant, exp } = decompose(x);
  if (mant === 0n) exp = 0;
  mant <<= 8n; // leading 1 (if any) at bit 60
  while (mant !== 0n && (mant & (1n << 60n)) === 0n) {
    mant <<= 1n;
    exp--;
  }
  if (prec >= 0 && prec < 15) {
    const shift = BigInt(prec * 4);
    const extra = (mant << shift) & ((1n << 60n) - 1n);
    mant >>= 60n - shift;
    if ((extra | (mant & 1n)) > 1n << 59n) mant++;
    mant <<= 60n - shift;
    if ((mant & (1n << 61n)) !== 0n) {
      mant >>= 1n;
      exp++;
    }
  }
  const hex = upper ? '0123456789ABCDEF' : '0123456789abcdef';
  let out = `${neg ? '-' : ''}0${upper ? 'X' : 'x'}${(mant >> 60n) & 1n}`;
  mant = (mant << 4n) & ((1n << 64n) - 1n);
  if (prec < 0 && mant !== 0n) {
    out += '.';
    while (mant !== 0n) {
      out += hex[Number((mant >> 60n) & 15n)];
      mant = (mant << 4n) & ((1n << 64n) - 1n);
    }
  } else if (prec > 0) {
    out += '.';
    for (let i = 0; i < prec; i++) {
      out += hex[Number((mant >> 60n) & 15n)];
      mant = (mant << 4n) & ((1n << 64n) - 1n);
    }
  }
  out += upper ? 'P' : 'p';
  out += exp < 0 ? '-' : '+';
  const e = Math.abs(exp);
  out += e < 10 ? `0${e}` : String(e);
  return out;
}

/**
 * `strconv.FormatFloat(v, verb, prec, 64)` for verb `e`, `E`, `f`, `g`, `G`, `x`, `X`, `b`; `prec` −1 = shortest.
 * Specials as strconv: `NaN`, `+Inf`, `-Inf`.
 */
export function formatFloat(v: number, verb: 'e' | 'E' | 'f' | 'g' | 'G' | 'x' | 'X' | 'b', prec: number): string {
  if (v !== v) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  const neg = v < 0 || Object.is(v, -0);
  const x = Math.abs(v);
  if (verb === 'x' || verb === 'X') return fmtX(neg, x, prec, verb === 'X');
  if (verb === 'b') {
    const { mant, exp } = decompose(x);
    const e = exp - 52;
    return `${neg ? '-' : ''}${mant}p${e >= 0 ? '+' : '-'}${Math.abs(e)}`;
  }
  const shortest = prec < 0;
  let digs: Digits;
  if (shortest) {
    digs = shortestDigits(x);
    if (verb === 'e' || verb === 'E') prec = Math.max(digs.d.length - 1, 0);
    else if (verb === 'f') prec = Math.max(digs.d.length - digs.dp, 0);
    else prec = digs.d.length;
  } else {
    const exact = exactDigits(x);
    if (verb === 'e' || verb === 'E') digs = roundDigits(exact, 1 + prec);
    else if (verb === 'f') digs = roundDigits(exact, exact.dp + prec);
    else {
      if (prec === 0) prec = 1;
      digs = roundDigits(exact, prec);
    }
  }
  if (verb === 'e' || verb === 'E') return fmtE(neg, digs, prec, verb === 'E');
  if (verb === 'f') return fmtF(neg, digs, prec);
  let eprec = prec;
  if (eprec > digs.d.length && digs.d.length >= digs.dp) eprec = digs.d.length;
  if (shortest) eprec = 6;
  const exp = digs.dp - 1;
  if (exp < -4 || exp >= eprec) {
    if (prec > digs.d.length) prec = digs.d.length;
    return fmtE(neg, digs, prec - 1, verb === 'G');
  }
  if (prec > digs.dp) prec = digs.d.length;
  return fmtF(neg, digs, Math.max(prec - digs.dp, 0));
}
