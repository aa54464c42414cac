/**
 * Numbers as Flink's REST API writes them (reference/flink.md §1.5, §1.7): unaggregated metric values are strings
 * (`"123"`, `"0.25"`, `"NaN"`, `"Infinity"`, `"true"`), aggregated ones are JSON numbers or the strings `"NaN"` /
 * `"Infinity"` (Jackson's NaN handling), and several gauges use sentinels.
 */

/** `Long.MIN_VALUE` as a double: Flink's watermark gauges before the first watermark. */
export const LONG_MIN_AS_DOUBLE = -9223372036854775808;
/** `Long.MAX_VALUE` as a double: watermark after end of input. */
export const LONG_MAX_AS_DOUBLE = 9223372036854775807;

/**
 * Parses a Flink number: a JSON number, a numeric string, `"NaN"`, `"Infinity"`, `"-Infinity"`, or a boolean
 * (Flink's PrometheusReporter maps Boolean gauges to 1/0). Returns undefined for anything else (non-numeric gauges
 * such as `lastCheckpointExternalPath`), never throws.
 */
export function parseFlinkNumber(raw: unknown): number | undefined {
  if (typeof raw === 'number') return raw;
  if (typeof raw === 'boolean') return raw ? 1 : 0;
  if (typeof raw !== 'string') return undefined;
  const s = raw.trim();
  if (s === '') return undefined;
  switch (s) {
    case 'NaN':
      return NaN;
    case 'Infinity':
    case '+Infinity':
      return Infinity;
    case '-Infinity':
      return -Infinity;
    case 'true':
      return 1;
    case 'false':
      return 0;
  }
  // Number('0x10') and Number('1e3') are both accepted by JS; Java's toString never writes hex, so reject it.
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) return undefined;
  return Number(s);
}

/**
 * A watermark in Unix ms, or undefined when Flink has none yet (`Long.MIN_VALUE`) or input has ended
 * (`Long.MAX_VALUE`) — both are "not a time", never plot them.
 */
export function parseWatermark(raw: unknown): number | undefined {
  const v = parseFlinkNumber(raw);
  if (v === undefined || !Number.isFinite(v)) return undefined;
  if (v <= LONG_MIN_AS_DOUBLE / 2 || v >= LONG_MAX_AS_DOUBLE / 2) return undefined;
  return v;
}

/** A non-negative quantity whose `-1` (or any negative) means "not applicable" (reference/flink.md §1.7). */
export function parseNonNegative(raw: unknown): number | undefined {
  const v = parseFlinkNumber(raw);
  if (v === undefined || Number.isNaN(v) || v < 0) return undefined;
  return v;
}
