/**
 * Number literals of templates: Go 1.26 `parse.(*Tree).newNumber` with the parts of `strconv.ParseInt`,
 * `ParseUint` and `ParseFloat` (base 0: `0x`, `0o`, `0b`, legacy `0` octal, `_` separators, hex floats) it relies on.
 */
import type { NumberNode } from './nodes.js';
import { unquoteChar } from './go-quote.js';
import { underscoreOK } from '../../promql/go-parse-float.js';

const MAX_UINT64 = (1n << 64n) - 1n;
const MAX_INT64 = (1n << 63n) - 1n;
const MIN_INT64 = -(1n << 63n);

/** `strconv.ParseUint(s, 0, 64)`; undefined on any error. */
export function parseUint0(s: string): bigint | undefined {
  if (s === '') return undefined;
  let base = 10;
  let body = s;
  if (s[0] === '0') {
    if (s.length >= 3 && (s[1] === 'x' || s[1] === 'X')) { base = 16; body = s.slice(2); }
    else if (s.length >= 3 && (s[1] === 'o' || s[1] === 'O')) { base = 8; body = s.slice(2); }
    else if (s.length >= 3 && (s[1] === 'b' || s[1] === 'B')) { base = 2; body = s.slice(2); }
    else { base = 8; body = s.slice(1); }
  }
  let underscores = false;
  let n = 0n;
  const b = BigInt(base);
  for (const c of body) {
    if (c === '_') {
      underscores = true;
      continue;
    }
    const d = parseInt(c, 36);
    if (Number.isNaN(d) || d >= base) return undefined;
    n = n * b + BigInt(d);
    if (n > MAX_UINT64) return undefined;
  }
  if (underscores && !underscoreOK(s)) return undefined;
  return n;
}

/** `strconv.ParseInt(s, 0, 64)`; undefined on any error. */
export function parseInt0(s: string): bigint | undefined {
  if (s === '') return undefined;
  let neg = false;
  let body = s;
  if (s[0] === '+' || s[0] === '-') {
    neg = s[0] === '-';
    body = s.slice(1);
  }
  const u = parseUint0(body);
  if (u === undefined) return undefined;
  const v = neg ? -u : u;
  if (v > MAX_INT64 || v < MIN_INT64) return undefined;
  return v;
}

const DEC_FLOAT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const HEX_FLOAT = /^([+-]?)0[xX]([0-9a-fA-F]*)\.?([0-9a-fA-F]*)[pP]([+-]?\d+)$/;

/** `strconv.ParseFloat(s, 64)` for the literal forms the lexer produces; undefined on a syntax error. */
export function parseFloatGo(s: string): number | undefined {
  let t = s;
  if (t.includes('_')) {
    if (!underscoreOK(t)) return undefined;
    t = t.replaceAll('_', '');
  }
  if (DEC_FLOAT.test(t)) return Number(t);
  const m = HEX_FLOAT.exec(t);
  if (m !== null) {
    const [, sign, intPart = '', frac = '', exp = '0'] = m;
    if (intPart === '' && frac === '') return undefined;
    let mant = 0;
    for (const c of intPart + frac) mant = mant * 16 + parseInt(c, 16);
    const v = mant * Math.pow(2, Number(exp) - 4 * frac.length);
    return sign === '-' ? -v : v;
  }
  return undefined;
}

/** Thrown for a literal Go rejects; `message` is Go's. */
export class NumberSyntaxError extends Error {}

/** `fmt`'s `floatToken` on `s` from `i`: the token and the index after it. */
function floatToken(s: string, i0: number): { tok: string; next: number } {
  let i = i0;
  const accept = (set: string): boolean => {
    if (i < s.length && set.includes(s[i] as string)) {
      i++;
      return true;
    }
    return false;
  };
  if (accept('nN') && accept('aA') && accept('nN')) return { tok: s.slice(i0, i), next: i };
  accept('+-');
  if (accept('iI') && accept('nN') && accept('fF')) return { tok: s.slice(i0, i), next: i };
  let digits = '0123456789_';
  let exp = 'eEpP';
  if (accept('0') && accept('xX')) {
    digits = '0123456789aAbBcCdDeEfF_';
    exp = 'pP';
  }
  while (accept(digits));
  if (accept('.')) while (accept(digits));
  if (accept(exp)) {
    accept('+-');
    while (accept('0123456789_'));
  }
  return { tok: s.slice(i0, i), next: i };
}

/** `fmt`'s `convertFloat` (ParseFloat; a `p` exponent without `0x` by hand). */
function convertFloat(str: string): number {
  const p = str.indexOf('p');
  if (p >= 0 && !/[xX]/.test(str)) {
    const f = parseFloatGo(str.slice(0, p));
    const m = /^[+-]?\d+$/.test(str.slice(p + 1)) ? Number(str.slice(p + 1)) : NaN;
    if (f === undefined) throw new NumberSyntaxError(`strconv.ParseFloat: parsing ${JSON.stringify(str)}: invalid syntax`);
    if (Number.isNaN(m)) throw new NumberSyntaxError(`strconv.Atoi: parsing ${JSON.stringify(str)}: invalid syntax`);
    return f * Math.pow(2, m);
  }
  const f = /^[+-]?(inf|infinity)$/i.test(str) ? (str[0] === '-' ? -Infinity : Infinity) : /^nan$/i.test(str) ? NaN : parseFloatGo(str);
  if (f === undefined) throw new NumberSyntaxError(`strconv.ParseFloat: parsing ${JSON.stringify(str)}: invalid syntax`);
  if (!Number.isFinite(f) && !/inf|nan/i.test(str)) {
    throw new NumberSyntaxError(`strconv.ParseFloat: parsing ${JSON.stringify(str)}: value out of range`);
  }
  return f;
}

/** `fmt.Sscan(text, &complex128)`: `N+Ni`. */
function scanComplex(text: string): { re: number; im: number } {
  const err = 'syntax error scanning complex number';
  let i = 0;
  const parens = text[0] === '(';
  if (parens) i++;
  const real = floatToken(text, i);
  i = real.next;
  if (text[i] !== '+' && text[i] !== '-') throw new NumberSyntaxError(err);
  const sign = text[i] as string;
  i++;
  const imag = floatToken(text, i);
  i = imag.next;
  if (text[i] !== 'i') throw new NumberSyntaxError(err);
  i++;
  if (parens && text[i] !== ')') throw new NumberSyntaxError(err);
  return { re: convertFloat(real.tok), im: convertFloat(sign + imag.tok) };
}

/**
 * `newNumber` for an itemNumber / itemCharConstant / itemComplex token.
 * @throws NumberSyntaxError ("illegal number syntax: …", "integer overflow: …", "malformed character constant: …")
 */
export function newNumber(pos: number, text: string, kind: 'number' | 'char' | 'complex'): NumberNode {
  const base = { kind: 'number' as const, pos, text, isComplex: false, re: 0, im: 0 };
  if (kind === 'char') {
    const quote = text[0] as string;
    let r: number;
    let next: number;
    try {
      ({ r, next } = unquoteChar(text, 1, quote));
    } catch (e) {
      throw new NumberSyntaxError((e as Error).message);
    }
    if (text.slice(next) !== "'") throw new NumberSyntaxError(`malformed character constant: ${text}`);
    const b = BigInt(r);
    return { ...base, isInt: true, isUint: true, isFloat: true, int64: b, uint64: b, float64: r };
  }
  if (kind === 'complex') {
    const { re, im } = scanComplex(text);
    return { ...base, isComplex: true, isInt: false, isUint: false, isFloat: false, int64: 0n, uint64: 0n, float64: 0, re, im };
  }
  if (text.endsWith('i')) {
    const f = parseFloatGo(text.slice(0, -1));
    if (f !== undefined && Number.isFinite(f)) {
      return { ...base, isComplex: true, isInt: false, isUint: false, isFloat: false, int64: 0n, uint64: 0n, float64: 0, re: 0, im: f };
    }
  }
  let isInt = false;
  let isUint = false;
  let isFloat = false;
  let int64 = 0n;
  let uint64 = 0n;
  let float64 = 0;
  const u = parseUint0(text);
  if (u !== undefined) {
    isUint = true;
    uint64 = u;
  }
  const i = parseInt0(text);
  if (i !== undefined) {
    isInt = true;
    int64 = i;
    if (i === 0n) {
      isUint = true;
      uint64 = u ?? 0n;
    }
  }
  if (isInt) {
    isFloat = true;
    float64 = Number(int64);
  } else if (isUint) {
    isFloat = true;
    float64 = Number(uint64);
  } else {
    const f = parseFloatGo(text);
    if (f !== undefined && Number.isFinite(f)) {
      if (!/[.eEpP]/.test(text)) throw new NumberSyntaxError(`integer overflow: ${JSON.stringify(text)}`);
      isFloat = true;
      float64 = f;
      if (Number.isInteger(f) && f >= -9223372036854775808 && f < 9223372036854775808) {
        isInt = true;
        int64 = BigInt(f);
      }
      if (Number.isInteger(f) && f >= 0 && f < 18446744073709551616) {
        isUint = true;
        uint64 = BigInt(f);
      }
    }
  }
  if (!isInt && !isUint && !isFloat) throw new NumberSyntaxError(`illegal number syntax: ${JSON.stringify(text)}`);
  return { ...base, isInt, isUint, isFloat, int64, uint64, float64 };
}
