/**
 * Prometheus's `model.Duration` as rule files read it (prometheus/common v0.72.1 `model/time.go` `ParseDuration`),
 * with Go's exact error texts, which promtool prints. Our config loader's `parseDuration` accepts the same strings
 * but words its errors for the bridge config, so rule files use this one.
 */

const NS_PER_MS = 1_000_000n;
const UNITS: Readonly<Record<string, { pos: number; ns: bigint }>> = {
  ms: { pos: 7, ns: NS_PER_MS },
  s: { pos: 6, ns: 1000n * NS_PER_MS },
  m: { pos: 5, ns: 60_000n * NS_PER_MS },
  h: { pos: 4, ns: 3_600_000n * NS_PER_MS },
  d: { pos: 3, ns: 86_400_000n * NS_PER_MS },
  w: { pos: 2, ns: 604_800_000n * NS_PER_MS },
  y: { pos: 1, ns: 31_536_000_000n * NS_PER_MS },
};
const MAX_INT64 = (1n << 63n) - 1n;
const MAX_UINT64 = (1n << 64n) - 1n;

/** The outcome of parsing: milliseconds, or Go's error text. */
export type GoDurationResult = { readonly ok: true; readonly ms: number } | { readonly ok: false; readonly error: string };

/**
 * Parses `s` like `model.ParseDuration`: `0` alone, else digits+unit pairs with units `y w d h m s ms` strictly
 * from biggest to smallest, at most int64 nanoseconds. Never throws.
 *
 * @returns whole milliseconds, or the error text Go returns (e.g. `not a valid duration string: "5"`)
 */
export function parseGoDuration(s: string): GoDurationResult {
  if (s === '0') return { ok: true, ms: 0 };
  if (s === '') return { ok: false, error: 'empty duration string' };
  const invalid = { ok: false, error: `not a valid duration string: ${goQuote(s)}` } as const;
  let rest = s;
  let total = 0n;
  let lastPos = 0;
  while (rest !== '') {
    let i = 0;
    while (i < rest.length && isDigit(rest.charCodeAt(i))) i++;
    if (i === 0) return invalid;
    const v = BigInt(rest.slice(0, i));
    if (v > MAX_UINT64) return invalid; // strconv.ParseUint range error
    rest = rest.slice(i);
    let j = 0;
    while (j < rest.length && !isDigit(rest.charCodeAt(j))) j++;
    if (j === 0) return invalid;
    const u = rest.slice(0, j);
    rest = rest.slice(j);
    const unit = Object.prototype.hasOwnProperty.call(UNITS, u) ? UNITS[u] : undefined;
    if (unit === undefined) return { ok: false, error: `unknown unit ${goQuote(u)} in duration ${goQuote(s)}` };
    if (unit.pos <= lastPos) return invalid;
    lastPos = unit.pos;
    if (v > (1n << 63n) / unit.ns) return { ok: false, error: 'duration out of range' };
    total += v * unit.ns;
    if (total > MAX_INT64) return { ok: false, error: 'duration out of range' };
  }
  return { ok: true, ms: Number(total / NS_PER_MS) };
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/**
 * Go's `%q` / `strconv.Quote` for the strings that occur in these messages: printable runes as they are,
 * `\"` `\\`, C escapes for control characters, `\u`/`\U` for the rest that Go does not print.
 */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0) as number;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (c === 7) out += '\\a';
    else if (c === 8) out += '\\b';
    else if (c === 12) out += '\\f';
    else if (c === 10) out += '\\n';
    else if (c === 13) out += '\\r';
    else if (c === 9) out += '\\t';
    else if (c === 11) out += '\\v';
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else if (c === 0xfffd && ch !== '\ufffd') out += '\\ufffd';
    else if (!isGoPrintable(c)) out += c > 0xffff ? `\\U${c.toString(16).padStart(8, '0')}` : `\\u${c.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

// unicode.IsPrint, approximated: letters, marks, numbers, punctuation, symbols and the ASCII space.
const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;
function isGoPrintable(c: number): boolean {
  if (c >= 0x20 && c < 0x7f) return true;
  if (c >= 0xd800 && c <= 0xdfff) return false;
  return PRINTABLE.test(String.fromCodePoint(c));
}
