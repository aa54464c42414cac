/**
 * Go's `strconv.Quote` (for `%q` and the parser's token names) and `strconv.Unquote` / `UnquoteChar` (for string and
 * character literals in templates), ported from Go 1.26 `strconv/quote.go`. Strings are JavaScript strings; a byte
 * escape `\xHH` ≥ 0x80 becomes the code point U+00HH (JavaScript strings cannot hold invalid UTF-8).
 */

const PRINTABLE = /[\p{L}\p{M}\p{N}\p{P}\p{S}]/u;

/** Go's `strconv.IsPrint`: letters, marks, numbers, punctuation, symbols and the ASCII space. */
export function isGoPrint(r: number): boolean {
  if (r === 0x20) return true;
  if (r < 0x20 || r === 0x7f) return false;
  if (r >= 0xd800 && r <= 0xdfff) return false;
  return PRINTABLE.test(String.fromCodePoint(r));
}

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

/** `strconv.Quote(s)` (quote = `"`), or `strconv.QuoteRune` style with quote = `'`. */
export function goQuote(s: string, quote = '"'): string {
  let out = quote;
  for (const ch of s) {
    const r = ch.codePointAt(0) as number;
    if (ch === quote || ch === '\\') {
      out += `\\${ch}`;
      continue;
    }
    if (isGoPrint(r)) {
      out += ch;
      continue;
    }
    switch (r) {
      case 0x07: out += '\\a'; continue;
      case 0x08: out += '\\b'; continue;
      case 0x0c: out += '\\f'; continue;
      case 0x0a: out += '\\n'; continue;
      case 0x0d: out += '\\r'; continue;
      case 0x09: out += '\\t'; continue;
      case 0x0b: out += '\\v'; continue;
    }
    if (r < 0x20 || r === 0x7f) out += `\\x${hex(r, 2)}`;
    else if (r >= 0xd800 && r <= 0xdfff) out += '\\ufffd';
    else if (r < 0x10000) out += `\\u${hex(r, 4)}`;
    else out += `\\U${hex(r, 8)}`;
  }
  return out + quote;
}

/** `strconv.CanBackquote`. */
export function canBackquote(s: string): boolean {
  for (const ch of s) {
    const r = ch.codePointAt(0) as number;
    if (r === 0xfeff) return false;
    if ((r < 0x20 && r !== 0x09) || r === 0x60 || r === 0x7f || r === 0xfffd) return false;
  }
  return true;
}

/** The error strconv returns for every malformed literal (`strconv.ErrSyntax`). */
export class GoSyntaxError extends Error {
  constructor() {
    super('invalid syntax');
  }
}

function unhex(c: string): number {
  const n = parseInt(c, 16);
  return Number.isNaN(n) || !/^[0-9a-fA-F]$/.test(c) ? -1 : n;
}

/**
 * `strconv.UnquoteChar(s, quote)` from index `i`: the decoded code point and the index after it.
 * @throws GoSyntaxError
 */
export function unquoteChar(s: string, i: number, quote: string): { r: number; next: number } {
  const c = s.codePointAt(i);
  if (c === undefined) throw new GoSyntaxError();
  const ch = String.fromCodePoint(c);
  if (ch === quote && (quote === "'" || quote === '"')) throw new GoSyntaxError();
  if (ch !== '\\') return { r: c, next: i + ch.length };
  const e = s[i + 1];
  if (e === undefined) throw new GoSyntaxError();
  let j = i + 2;
  switch (e) {
    case 'a': return { r: 7, next: j };
    case 'b': return { r: 8, next: j };
    case 'f': return { r: 12, next: j };
    case 'n': return { r: 10, next: j };
    case 'r': return { r: 13, next: j };
    case 't': return { r: 9, next: j };
    case 'v': return { r: 11, next: j };
    case 'x':
    case 'u':
    case 'U': {
      const n = e === 'x' ? 2 : e === 'u' ? 4 : 8;
      if (s.length - j < n) throw new GoSyntaxError();
      let v = 0;
      for (let k = 0; k < n; k++) {
        const d = unhex(s[j + k] as string);
        if (d < 0) throw new GoSyntaxError();
        v = v * 16 + d;
      }
      j += n;
      if (e === 'x') return { r: v, next: j };
      if (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) throw new GoSyntaxError();
      return { r: v, next: j };
    }
    case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7': {
      let v = Number(e);
      if (s.length - j < 2) throw new GoSyntaxError();
      for (let k = 0; k < 2; k++) {
        const d = (s.charCodeAt(j + k) - 0x30);
        if (d < 0 || d > 7) throw new GoSyntaxError();
        v = v * 8 + d;
      }
      j += 2;
      if (v > 255) throw new GoSyntaxError();
      return { r: v, next: j };
    }
    case '\\': return { r: 0x5c, next: j };
    case "'":
    case '"':
      if (e !== quote) throw new GoSyntaxError();
      return { r: e.charCodeAt(0), next: j };
    default:
      throw new GoSyntaxError();
  }
}

/**
 * `strconv.Unquote` of a `"…"` or `` `…` `` literal (what the template parser accepts for strings).
 * @throws GoSyntaxError
 */
export function goUnquote(lit: string): string {
  if (lit.length < 2) throw new GoSyntaxError();
  const q = lit[0];
  if (q !== lit[lit.length - 1]) throw new GoSyntaxError();
  const body = lit.slice(1, -1);
  if (q === '`') {
    if (body.includes('`')) throw new GoSyntaxError();
    return body.replaceAll('\r', '');
  }
  if (q !== '"') throw new GoSyntaxError();
  if (!body.includes('\\') && !body.includes('"') && !body.includes('\n')) return body;
  let out = '';
  let i = 0;
  while (i < body.length) {
    if (body[i] === '\n') throw new GoSyntaxError();
    const { r, next } = unquoteChar(body, i, '"');
    out += String.fromCodePoint(r);
    i = next;
  }
  return out;
}
