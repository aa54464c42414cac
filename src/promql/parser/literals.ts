/**
 * PromQL literal decoding with Go's rules: numbers (`number` in `promql/parser/parse.go` at v0.316.0, i.e. Go's
 * `strconv.ParseInt(s, 0, 64)` with a `strconv.ParseFloat` fallback), strings (`Unquote` in `util/strutil/quote.go`)
 * and durations (`model.ParseDuration` of prometheus/common v0.72.1, `model/time.go`).
 *
 * Inputs are single tokens as Prometheus's lexer (lexer.ts) cut them, so these functions only see the shapes the
 * lexer lets through; they still reject anything else with a `LiteralError`.
 */

import { underscoreOK } from '../go-parse-float.js';

/** A literal that Go's decoders reject; `message` is Go's wording without the position prefix. */
export class LiteralError extends Error {}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * The value of a PromQL number token (no sign: the sign is a separate token in PromQL).
 *
 * Integers in Go's base-prefix syntax come first: `0x1f` = 31, `010` = 8 (octal), `0o17`/`0b101` likewise, `_`
 * between digits; an integer outside int64 or not valid in its base (`09`, `1.5`, `1e3`) is parsed as a float,
 * decimal (`09` = 9), with `Inf`/`NaN` in any case.
 *
 * @throws LiteralError `error parsing number: strconv.ParseFloat: parsing "…": invalid syntax` when neither applies.
 */
export function parseNumber(text: string): number {
  const asInt = parseGoInt(text);
  if (asInt !== undefined) return asInt;
  const asFloat = parseGoFloat(text);
  if (asFloat !== undefined) return asFloat;
  throw new LiteralError(`error parsing number: strconv.ParseFloat: parsing ${JSON.stringify(text)}: invalid syntax`);
}

// strconv.ParseInt(s, 0, 64); undefined for a syntax or range error (both make parse.go fall back to ParseFloat).
function parseGoInt(s: string): number | undefined {
  let base = 10;
  let digits = s;
  if (s.length >= 2 && s[0] === '0') {
    const p = (s[1] as string).toLowerCase();
    if (p === 'x') [base, digits] = [16, s.slice(2)];
    else if (p === 'o') [base, digits] = [8, s.slice(2)];
    else if (p === 'b') [base, digits] = [2, s.slice(2)];
    else [base, digits] = [8, s.slice(1)];
  }
  if (s.includes('_') && !underscoreOK(s)) return undefined;
  digits = digits.replaceAll('_', '');
  if (digits === '') return undefined;
  let n = 0n;
  const b = BigInt(base);
  for (const ch of digits) {
    const d = parseInt(ch, 36);
    if (Number.isNaN(d) || d >= base) return undefined;
    n = n * b + BigInt(d);
    if (n > INT64_MAX) return undefined;
  }
  if (n < INT64_MIN) return undefined;
  return Number(n);
}

// strconv.ParseFloat(s, 64) for the shapes the PromQL lexer produces: decimal with optional fraction and exponent,
// `_` between digits, or inf/infinity/nan in any case. Hex mantissas need a `p` exponent in Go, which the PromQL
// lexer never produces, so an int64-overflowing hex literal is an error, as in Go.
function parseGoFloat(s: string): number | undefined {
  const lower = s.toLowerCase();
  if (lower === 'inf' || lower === 'infinity') return Infinity;
  if (lower === 'nan') return NaN;
  if (s.includes('_') && !underscoreOK(s)) return undefined;
  const plain = s.replaceAll('_', '');
  if (!/^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(plain)) return undefined;
  const v = Number(plain);
  // ParseFloat answers ±Inf with ErrRange beyond the largest float64.
  if (!Number.isFinite(v)) throw new LiteralError(`error parsing number: strconv.ParseFloat: parsing ${JSON.stringify(s)}: value out of range`);
  return v;
}


const DURATION_UNITS: ReadonlyMap<string, { pos: number; ns: bigint }> = new Map([
  ['ms', { pos: 7, ns: 1_000_000n }],
  ['s', { pos: 6, ns: 1_000_000_000n }],
  ['m', { pos: 5, ns: 60_000_000_000n }],
  ['h', { pos: 4, ns: 3_600_000_000_000n }],
  ['d', { pos: 3, ns: 86_400_000_000_000n }],
  ['w', { pos: 2, ns: 604_800_000_000_000n }],
  ['y', { pos: 1, ns: 31_536_000_000_000_000n }],
]);
const MAX_NS = 2n ** 63n - 1n;

/**
 * The milliseconds of a Prometheus duration token (`5m`, `1h30m`, `1y2w`; units y w d h m s ms, largest first,
 * each at most once, integers only; a year is 365 days), a port of `model.ParseDuration` with its messages.
 * (src/config/duration.ts parses the same syntax for config files, with the config loader's wording.)
 *
 * @throws LiteralError `not a valid duration string: "30m1h"`, `unknown unit "hs" in duration "5y1hs"`,
 *   `duration out of range`.
 */
export function parseDurationMs(text: string): number {
  if (text === '0') return 0;
  if (text === '') throw new LiteralError('empty duration string');
  const invalid = (): LiteralError => new LiteralError(`not a valid duration string: ${goQuoteAscii(text)}`);
  let rest = text;
  let ns = 0n;
  let lastUnitPos = 0;
  while (rest !== '') {
    const digits = /^[0-9]*/.exec(rest)?.[0] ?? '';
    if (digits === '') throw invalid();
    const v = BigInt(digits);
    if (v > 2n ** 64n - 1n) throw invalid();
    rest = rest.slice(digits.length);
    const unitText = /^[^0-9]*/.exec(rest)?.[0] ?? '';
    if (unitText === '') throw invalid();
    rest = rest.slice(unitText.length);
    const unit = DURATION_UNITS.get(unitText);
    if (unit === undefined) throw new LiteralError(`unknown unit ${goQuoteAscii(unitText)} in duration ${goQuoteAscii(text)}`);
    if (unit.pos <= lastUnitPos) throw invalid();
    lastUnitPos = unit.pos;
    if (v > 2n ** 63n / unit.ns) throw new LiteralError('duration out of range');
    ns += v * unit.ns;
    if (ns > MAX_NS) throw new LiteralError('duration out of range');
  }
  return Number(ns / 1_000_000n);
}

// Duration tokens are ASCII; JSON quoting equals Go's %q there.
function goQuoteAscii(s: string): string {
  return JSON.stringify(s);
}

/**
 * The value of a PromQL string literal token, quotes included (`strutil.Unquote`): backtick strings are raw;
 * `"…"` and `'…'` take Go escapes (`\a \b \f \n \r \t \v \\ \xHH \ooo \uHHHH \UHHHHHHHH`), and each may escape
 * only its own quote. `\x` and octal escapes are bytes, as in Go: the result is those bytes read as UTF-8
 * (`"\xc3\xa9"` is `é`; a byte sequence that is not UTF-8 becomes U+FFFD, where Go would keep the raw bytes).
 *
 * @throws LiteralError `invalid syntax` for anything strutil.Unquote rejects.
 */
export function unquoteString(token: string): string {
  const n = token.length;
  const quote = token[0];
  if (n < 2 || quote !== token[n - 1]) throw new LiteralError('invalid syntax');
  const s = token.slice(1, n - 1);
  if (quote === '`') {
    if (s.includes('`')) throw new LiteralError('invalid syntax');
    return s;
  }
  if (quote !== '"' && quote !== "'") throw new LiteralError('invalid syntax');
  if (s.includes('\n')) throw new LiteralError('invalid syntax');
  if (!s.includes('\\') && !s.includes(quote)) return s;

  const bytes: number[] = [];
  const encoder = new TextEncoder();
  const pushRune = (cp: number): void => {
    for (const b of encoder.encode(String.fromCodePoint(cp))) bytes.push(b);
  };
  let i = 0;
  while (i < s.length) {
    const c = s[i] as string;
    if (c === quote) throw new LiteralError('invalid syntax');
    if (c !== '\\') {
      const cp = s.codePointAt(i) as number;
      pushRune(cp);
      i += cp > 0xffff ? 2 : 1;
      continue;
    }
    const e = s[i + 1];
    if (e === undefined) throw new LiteralError('invalid syntax');
    i += 2;
    const simple: Record<string, number> = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, '\\': 92 };
    if (e in simple) {
      bytes.push(simple[e] as number);
      continue;
    }
    if (e === 'x' || e === 'u' || e === 'U') {
      const len = e === 'x' ? 2 : e === 'u' ? 4 : 8;
      const hex = s.slice(i, i + len);
      if (hex.length < len || !/^[0-9a-fA-F]+$/.test(hex)) throw new LiteralError('invalid syntax');
      i += len;
      const v = parseInt(hex, 16);
      if (e === 'x') {
        bytes.push(v);
        continue;
      }
      if (v > 0x10ffff) throw new LiteralError('invalid syntax');
      // Go's utf8.EncodeRune writes U+FFFD for surrogates; the lexer has already rejected them anyway.
      pushRune(v >= 0xd800 && v < 0xe000 ? 0xfffd : v);
      continue;
    }
    if (e >= '0' && e <= '7') {
      const oct = s.slice(i, i + 2);
      if (oct.length < 2 || !/^[0-7]{2}$/.test(oct)) throw new LiteralError('invalid syntax');
      i += 2;
      const v = parseInt(e + oct, 8);
      if (v > 255) throw new LiteralError('invalid syntax');
      bytes.push(v);
      continue;
    }
    if ((e === "'" || e === '"') && e === quote) {
      bytes.push(e.charCodeAt(0));
      continue;
    }
    throw new LiteralError('invalid syntax');
  }
  return new TextDecoder('utf-8').decode(Uint8Array.from(bytes));
}
