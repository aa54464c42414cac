import type { FunctionSignature, ValueType } from '../ast.js';

/**
 * The function signatures of Prometheus 3.16 (`Functions` in `promql/parser/functions.go` at v0.316.0), plus
 * `holt_winters` of 2.x for `compat: '2'` (`promql/parser/functions.go` at v2.42.0: the same arguments as its 3.x
 * successor `double_exponential_smoothing`, and not experimental there).
 *
 * The lezer grammar knows function names as keywords, so this table, not the grammar, decides which names exist
 * (see parse.ts: names the grammar lacks are parsed through a placeholder).
 */
function fn(name: string, argTypes: ValueType[], returnType: ValueType, variadic = 0, experimental = false): FunctionSignature {
  return Object.freeze({ name, argTypes: Object.freeze(argTypes), variadic, returnType, experimental });
}

const FUNCTIONS_3: readonly FunctionSignature[] = [
  fn('abs', ['vector'], 'vector'),
  fn('absent', ['vector'], 'vector'),
  fn('absent_over_time', ['matrix'], 'vector'),
  fn('acos', ['vector'], 'vector'),
  fn('acosh', ['vector'], 'vector'),
  fn('asin', ['vector'], 'vector'),
  fn('asinh', ['vector'], 'vector'),
  fn('atan', ['vector'], 'vector'),
  fn('atanh', ['vector'], 'vector'),
  fn('avg_over_time', ['matrix'], 'vector'),
  fn('ceil', ['vector'], 'vector'),
  fn('changes', ['matrix'], 'vector'),
  fn('clamp', ['vector', 'scalar', 'scalar'], 'vector'),
  fn('clamp_max', ['vector', 'scalar'], 'vector'),
  fn('clamp_min', ['vector', 'scalar'], 'vector'),
  fn('cos', ['vector'], 'vector'),
  fn('cosh', ['vector'], 'vector'),
  fn('count_over_time', ['matrix'], 'vector'),
  fn('days_in_month', ['vector'], 'vector', 1),
  fn('day_of_month', ['vector'], 'vector', 1),
  fn('day_of_week', ['vector'], 'vector', 1),
  fn('day_of_year', ['vector'], 'vector', 1),
  fn('deg', ['vector'], 'vector'),
  fn('end', [], 'scalar', 0, true),
  fn('delta', ['matrix'], 'vector'),
  fn('deriv', ['matrix'], 'vector'),
  fn('exp', ['vector'], 'vector'),
  fn('first_over_time', ['matrix'], 'vector'),
  fn('floor', ['vector'], 'vector'),
  fn('histogram_avg', ['vector'], 'vector'),
  fn('histogram_count', ['vector'], 'vector'),
  fn('histogram_sum', ['vector'], 'vector'),
  fn('histogram_stddev', ['vector'], 'vector'),
  fn('histogram_stdvar', ['vector'], 'vector'),
  fn('histogram_fraction', ['scalar', 'scalar', 'vector'], 'vector'),
  fn('histogram_quantile', ['scalar', 'vector'], 'vector'),
  fn('histogram_quantiles', ['vector', 'string', 'scalar', 'scalar'], 'vector', 9, true),
  fn('double_exponential_smoothing', ['matrix', 'scalar', 'scalar'], 'vector', 0, true),
  fn('hour', ['vector'], 'vector', 1),
  fn('idelta', ['matrix'], 'vector'),
  fn('increase', ['matrix'], 'vector'),
  fn('info', ['vector', 'vector'], 'vector', 1, true),
  fn('integral', ['matrix', 'scalar'], 'vector', 1, true),
  fn('irate', ['matrix'], 'vector'),
  fn('label_replace', ['vector', 'string', 'string', 'string', 'string'], 'vector'),
  fn('label_join', ['vector', 'string', 'string', 'string'], 'vector', -1),
  fn('max_of', ['scalar', 'scalar'], 'scalar', 0, true),
  fn('last_over_time', ['matrix'], 'vector'),
  fn('min_of', ['scalar', 'scalar'], 'scalar', 0, true),
  fn('ln', ['vector'], 'vector'),
  fn('log10', ['vector'], 'vector'),
  fn('log2', ['vector'], 'vector'),
  fn('mad_over_time', ['matrix'], 'vector', 0, true),
  fn('max_over_time', ['matrix'], 'vector'),
  fn('min_over_time', ['matrix'], 'vector'),
  fn('ts_of_first_over_time', ['matrix'], 'vector', 0, true),
  fn('ts_of_max_over_time', ['matrix'], 'vector', 0, true),
  fn('ts_of_min_over_time', ['matrix'], 'vector', 0, true),
  fn('ts_of_last_over_time', ['matrix'], 'vector', 0, true),
  fn('minute', ['vector'], 'vector', 1),
  fn('month', ['vector'], 'vector', 1),
  fn('pi', [], 'scalar'),
  fn('predict_linear', ['matrix', 'scalar'], 'vector'),
  fn('present_over_time', ['matrix'], 'vector'),
  fn('quantile_over_time', ['scalar', 'matrix'], 'vector'),
  fn('rad', ['vector'], 'vector'),
  fn('range', [], 'scalar', 0, true),
  fn('rate', ['matrix'], 'vector'),
  fn('resets', ['matrix'], 'vector'),
  fn('round', ['vector', 'scalar'], 'vector', 1),
  fn('scalar', ['vector'], 'scalar'),
  fn('sgn', ['vector'], 'vector'),
  fn('sin', ['vector'], 'vector'),
  fn('sinh', ['vector'], 'vector'),
  fn('sort', ['vector'], 'vector'),
  fn('sort_desc', ['vector'], 'vector'),
  fn('sort_by_label', ['vector', 'string'], 'vector', -1, true),
  fn('sort_by_label_desc', ['vector', 'string'], 'vector', -1, true),
  fn('sqrt', ['vector'], 'vector'),
  fn('start', [], 'scalar', 0, true),
  fn('start_timestamp', ['vector'], 'vector', 0, true),
  fn('step', [], 'scalar', 0, true),
  fn('stddev_over_time', ['matrix'], 'vector'),
  fn('stdvar_over_time', ['matrix'], 'vector'),
  fn('sum_over_time', ['matrix'], 'vector'),
  fn('tan', ['vector'], 'vector'),
  fn('tanh', ['vector'], 'vector'),
  fn('time', [], 'scalar'),
  fn('timestamp', ['vector'], 'vector'),
  fn('vector', ['scalar'], 'vector'),
  fn('year', ['vector'], 'vector', 1),
];

const HOLT_WINTERS = fn('holt_winters', ['matrix', 'scalar', 'scalar'], 'vector');

const TABLE_3: ReadonlyMap<string, FunctionSignature> = new Map(FUNCTIONS_3.map((f) => [f.name, f]));
const TABLE_2: ReadonlyMap<string, FunctionSignature> = new Map([...TABLE_3, [HOLT_WINTERS.name, HOLT_WINTERS]]);

/**
 * The signature of the function `name` (case-sensitive, as in Go), or undefined when Prometheus of the given
 * compatibility line has no such function. `compat: '2'` adds `holt_winters`; everything of 3.16 stays known
 * (a 2.x query never uses the newer names, and keeping them costs nothing).
 */
export function lookupFunction(name: string, compat: '2' | '3'): FunctionSignature | undefined {
  return (compat === '2' ? TABLE_2 : TABLE_3).get(name);
}

/** Every function name of 3.16 (for tests and completion). */
export function functionNames(compat: '2' | '3'): string[] {
  return [...(compat === '2' ? TABLE_2 : TABLE_3).keys()];
}
