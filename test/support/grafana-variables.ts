/**
 * Template-variable interpolation as Grafana's Prometheus data source does it, for running dashboard queries
 * outside Grafana (test/unit/grafana, test/e2e/dashboards):
 * - `$__interval`, `$__rate_interval`, `$__range` (and the `${…}` forms): `$__rate_interval` is
 *   max(`$__interval` + scrape interval, 4 × scrape interval) (Grafana docs, "$__rate_interval"); `$__range` is
 *   the range in whole seconds, `<n>s`;
 * - `$var`, `${var}`, `[[var]]` (Grafana's `interpolateQueryExpr`): a single-value variable as is with `\` and `'`
 *   escaped (`prometheusRegularEscape`); a multi-value or include-All variable with regex metacharacters escaped
 *   (`prometheusSpecialRegexEscape`), several values as `(a|b)`; `${var:regex}` always the regex form.
 */
export interface VariableValue {
  readonly values: readonly string[];
  /** Multi-value or include-All: the values are regex-escaped. */
  readonly multi: boolean;
}

export interface BuiltinIntervals {
  /** `$__interval` in seconds (≥ the data source's scrape interval). */
  readonly intervalS: number;
  /** The data source's scrape interval ("Scrape interval" / `timeInterval`), seconds. */
  readonly scrapeIntervalS: number;
  /** Dashboard time range, seconds. */
  readonly rangeS: number;
}

export function rateIntervalS(b: BuiltinIntervals): number {
  return Math.max(b.intervalS + b.scrapeIntervalS, 4 * b.scrapeIntervalS);
}

function regularEscape(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/'/g, "\\'");
}

function specialRegexEscape(v: string): string {
  return regularEscape(v).replace(/[$^*{}[\]+?.()|]/g, (c) => `\\\\${c}`);
}

/** Interpolates `expr`; `vars` maps a variable name to its selected values (one, or several for multi/All). */
export function interpolate(expr: string, vars: Readonly<Record<string, VariableValue>>, b: BuiltinIntervals): string {
  const builtins: Record<string, string> = {
    __interval: `${b.intervalS}s`,
    __rate_interval: `${rateIntervalS(b)}s`,
    __range: `${Math.round(b.rangeS)}s`,
  };
  return expr.replace(/\$\{(\w+)(?::(\w+))?\}|\$(\w+)|\[\[(\w+)\]\]/g, (whole, braced: string | undefined, format: string | undefined, plain: string | undefined, old: string | undefined) => {
    const name = (braced ?? plain ?? old) as string;
    if (name in builtins) return builtins[name] as string;
    const v = vars[name];
    if (v === undefined) throw new Error(`unknown template variable ${whole} in ${expr}`);
    if (!v.multi && format !== 'regex') return regularEscape(v.values.join(','));
    const escaped = v.values.map(specialRegexEscape);
    return escaped.length === 1 ? (escaped[0] as string) : `(${escaped.join('|')})`;
  });
}
