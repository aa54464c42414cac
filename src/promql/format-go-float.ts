/**
 * Go's float formatting wherever PromQL turns a value into a string: `strconv.FormatFloat(v, 'f', -1, 64)`
 * (`count_values` labels), `'g'`/`'e'` with −1 precision, and `fmt`'s `%v` (templates). Go's shortest
 * round-trip digits are the same digits JavaScript's `Number#toString` picks (both produce the shortest decimal
 * that round-trips), so only the layout is ported.
 *
 * Special values as Go: `NaN`, `+Inf`, `-Inf`; −0 keeps its sign (`-0`), unlike `String(-0)`.
 * The 'g' form for exposition lives in src/exposition/format-float.ts (it prints −0 as `0`, as client_golang).
 */

/** The shortest round-trip digits and decimal exponent: v = 0.d1d2… × 10^exp10 (digits without sign). */
function shortestDigits(a: number): { digits: string; pointPos: number } {
  // toExponential() without argument gives the shortest round-trip digits, as Go's shortest mode.
  const s = a.toExponential();
  const e = s.indexOf('e');
  const mantissa = s.slice(0, e).replace('.', '');
  const exp = Number(s.slice(e + 1));
  return { digits: mantissa, pointPos: exp + 1 };
}

function special(v: number): string | undefined {
  if (v !== v) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return undefined;
}

function sign(v: number): string {
  return v < 0 || Object.is(v, -0) ? '-' : '';
}

/** `strconv.FormatFloat(v, 'f', -1, 64)`: plain decimal, never an exponent (1e21 → `1000000000000000000000`). */
export function formatGoFloatF(v: number): string {
  const sp = special(v);
  if (sp !== undefined) return sp;
  if (v === 0) return `${sign(v)}0`;
  const { digits, pointPos } = shortestDigits(Math.abs(v));
  let out: string;
  if (pointPos <= 0) out = `0.${'0'.repeat(-pointPos)}${digits}`;
  else if (pointPos >= digits.length) out = digits + '0'.repeat(pointPos - digits.length);
  else out = `${digits.slice(0, pointPos)}.${digits.slice(pointPos)}`;
  return sign(v) + out;
}

/** `strconv.FormatFloat(v, 'e', -1, 64)`: `d.ddde±XX`, exponent at least two digits. */
export function formatGoFloatE(v: number): string {
  const sp = special(v);
  if (sp !== undefined) return sp;
  if (v === 0) return `${sign(v)}0e+00`;
  const { digits, pointPos } = shortestDigits(Math.abs(v));
  const exp = pointPos - 1;
  const mant = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  const expAbs = Math.abs(exp);
  return `${sign(v)}${mant}e${exp < 0 ? '-' : '+'}${expAbs < 10 ? '0' : ''}${expAbs}`;
}

/**
 * `strconv.FormatFloat(v, 'g', -1, 64)`, also what `fmt`'s `%v` prints for a float64: the 'e' form when the
 * decimal exponent is < −4 or ≥ 6 (strconv's `if shortest { eprec = 6 }`), else the 'f' form: `1e+06`,
 * `1.234567e+06`, `123456.7`, `0.0001`, `1e-05`.
 */
export function formatGoFloatG(v: number): string {
  const sp = special(v);
  if (sp !== undefined) return sp;
  if (v === 0) return `${sign(v)}0`;
  const exp = shortestDigits(Math.abs(v)).pointPos - 1;
  return exp < -4 || exp >= 6 ? formatGoFloatE(v) : formatGoFloatF(v);
}
