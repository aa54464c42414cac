/**
 * Go's `strconv.ParseFloat(s, 64)` for arbitrary strings (the `le` label of classic histogram buckets): optional
 * sign; decimal with optional fraction and exponent; hexadecimal `0x` mantissa with a mandatory `p` exponent;
 * `_` only between digits (or after a base prefix); `inf`/`infinity` with optional sign and `nan` without, in any
 * case. No surrounding space. Returns undefined where Go returns an error, including out-of-range values
 * (`1e400`: Go returns ±Inf with ErrRange, which callers treat as an error); underflow to 0 is not an error.
 * (The PromQL lexer's number tokens have their own decoder in parser/literals.ts.)
 */
export function goParseFloat(s: string): number | undefined {
  const special = parseSpecial(s);
  if (special !== undefined) return special;
  if (s.includes('_')) {
    if (!underscoreOK(s)) return undefined;
    s = s.replaceAll('_', '');
  }
  if (/^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(s)) {
    const v = Number(s);
    return Number.isFinite(v) ? v : undefined;
  }
  const hex = /^([+-]?)0[xX]([0-9a-fA-F]*)\.?([0-9a-fA-F]*)[pP]([+-]?\d+)$/.exec(s);
  if (hex !== null) {
    const [, sign, int = '', frac = '', exp = '0'] = hex;
    if (int === '' && frac === '') return undefined;
    const mantissa = BigInt(`0x${int}${frac}`);
    const v = Number(mantissa) * 2 ** (Number(exp) - 4 * frac.length);
    if (!Number.isFinite(v)) return undefined;
    return sign === '-' ? -v : v;
  }
  return undefined;
}

function parseSpecial(s: string): number | undefined {
  const lower = s.toLowerCase();
  if (lower === 'nan') return NaN;
  const sign = lower[0] === '-' ? -1 : 1;
  const body = lower[0] === '+' || lower[0] === '-' ? lower.slice(1) : lower;
  if (body === 'inf' || body === 'infinity') return sign * Infinity;
  return undefined;
}

// strconv's underscoreOK, with its optional sign and base prefix.
function underscoreOK(s: string): boolean {
  let saw = '^';
  let i = 0;
  if (s.length >= 1 && (s[0] === '-' || s[0] === '+')) s = s.slice(1);
  let hex = false;
  if (s.length >= 2 && s[0] === '0' && 'box'.includes((s[1] as string).toLowerCase())) {
    i = 2;
    saw = '0';
    hex = (s[1] as string).toLowerCase() === 'x';
  }
  for (; i < s.length; i++) {
    const c = s[i] as string;
    if ((c >= '0' && c <= '9') || (hex && /[a-fA-F]/.test(c))) {
      saw = '0';
      continue;
    }
    if (c === '_') {
      if (saw !== '0') return false;
      saw = '_';
      continue;
    }
    if (saw === '_') return false;
    saw = '!';
  }
  return saw !== '_';
}
