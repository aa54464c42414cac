/** Number syntaxes of the text formats: Go `strconv.ParseFloat` as expfmt admits it, int64 timestamps. */

const DECIMAL_FLOAT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const INF_FLOAT = /^[+-]?inf(?:inity)?$/i;
const NAN_FLOAT = /^nan$/i;
const INTEGER = /^[+-]?\d+$/;
const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;

/** Go `strconv.ParseFloat` syntax as expfmt's `parseFloat` admits it; undefined when invalid or out of range. */
export function parseGoFloat(token: string): number | undefined {
  if (DECIMAL_FLOAT.test(token)) {
    const v = Number(token);
    // Go's ParseFloat reports ErrRange for overflow; expfmt turns that into a parse error.
    return Number.isFinite(v) ? v : undefined;
  }
  if (INF_FLOAT.test(token)) return token.charCodeAt(0) === 45 ? -Infinity : Infinity;
  if (NAN_FLOAT.test(token)) return NaN;
  return undefined;
}

/** An int64 in decimal (expfmt's timestamp syntax) as a number; undefined when invalid or out of int64 range. */
export function parseInt64(token: string): number | undefined {
  if (!INTEGER.test(token)) return undefined;
  if (token.length > 15) {
    const big = BigInt(token);
    if (big > INT64_MAX || big < INT64_MIN) return undefined;
  }
  return Number(token);
}
