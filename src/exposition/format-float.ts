/**
 * Sample values formatted exactly like Prometheus client_golang (`expfmt` `writeFloat` /
 * `writeOpenMetricsFloat`): Go's `strconv.FormatFloat(v, 'g', -1, 64)`, i.e. the shortest digits that
 * round-trip, in exponent form when the decimal exponent is `< -4` or `>= 6` — note 6, not JavaScript's 21:
 * Go prints 1234567 as `1.234567e+06` — with a signed exponent of at least two digits; `NaN`, `+Inf`, `-Inf`.
 *
 * JavaScript's `String(v)` and `toExponential()` yield the same shortest round-trip digits as Go, so only the
 * layout needs adapting.
 */
export function formatFloat(v: number): string {
  if (Number.isInteger(v)) {
    // -0 prints as "0", like Go's `f == 0` shortcut.
    if (v < 1e6 && v > -1e6) return String(v);
    return exponentForm(v);
  }
  if (v !== v) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  const a = v < 0 ? -v : v;
  // In [1e-4, 1e6) Go uses %f with shortest digits, which is what String() prints for this range.
  if (a >= 1e-4 && a < 1e6) return String(v);
  return exponentForm(v);
}

/**
 * OpenMetrics variant (client_golang `writeOpenMetricsFloat`): like {@link formatFloat}, plus `.0` when the
 * result has neither `.` nor `e` (`1.0`, `0.0`, `-3.0`), as the OpenMetrics canonical number form wants.
 */
export function formatOpenMetricsFloat(v: number): string {
  if (Number.isInteger(v) && v < 1e6 && v > -1e6) return v === 0 ? '0.0' : `${v}.0`;
  return formatFloat(v);
}

function exponentForm(v: number): string {
  const s = v.toExponential();
  const e = s.indexOf('e');
  // JavaScript writes `e+6`; Go pads the exponent to two digits: `e+06`.
  return s.length - e === 3 ? `${s.slice(0, e + 2)}0${s.slice(e + 2)}` : s;
}
