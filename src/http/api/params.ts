/**
 * Parameter parsing of the Prometheus HTTP API (`parseTime`, `parseDuration`, `parseLimitParam`, `queryTimeout` in
 * `web/api/v1/api.go` at v0.316.0), with its error wording. Times and durations are returned in Unix ms / ms.
 */
import { ApiBadDataError } from '../../errors.js';
import { parseDuration as parsePromDuration } from '../../config/duration.js';

/** Prometheus's `MinTime` / `MaxTime` (`math.MinInt64 / 1000 + 62135596801`, …) in ms, the default series/labels range. */
export const API_MIN_TIME_MS = -9223309901257974;
export const API_MAX_TIME_MS = 9223309901257974;
/** How `MinTime`/`MaxTime` print in RFC3339 (what clients such as Grafana may send back). */
const MIN_TIME_TEXT = '-292273086-05-16T16:47:06Z';
const MAX_TIME_TEXT = '292277025-08-18T07:12:54.999999999Z';

/** Go's `strconv.ParseFloat` accepts these spellings the JS `Number()` does not know, and rejects some it does. */
const GO_FLOAT_RE = /^[+-]?(?:(?:\d[\d_]*\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|inf(?:inity)?|nan)$/i;

function parseGoFloat(s: string): number | undefined {
  if (!GO_FLOAT_RE.test(s)) return undefined;
  const lower = s.toLowerCase().replace(/^\+/, '');
  if (lower === 'nan') return NaN;
  if (/^-?inf(inity)?$/.test(lower)) return lower.startsWith('-') ? -Infinity : Infinity;
  if (s.includes('_')) return undefined;
  const v = Number(s);
  return Number.isNaN(v) ? undefined : v;
}

const RFC3339_RE = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$/;

/**
 * A time parameter: float Unix seconds (rounded to the millisecond, as Prometheus) or RFC3339(Nano).
 * @returns Unix ms
 * @throws ApiBadDataError `cannot parse "<s>" to a valid timestamp` (callers prefix the parameter)
 */
export function parseTime(s: string): number {
  const f = parseGoFloat(s);
  if (f !== undefined && Number.isFinite(f)) {
    const whole = Math.trunc(f);
    // Go's math.Round rounds halves away from zero (JS Math.round: towards +∞).
    const frac = (f - whole) * 1000;
    return whole * 1000 + Math.sign(frac) * Math.round(Math.abs(frac));
  }
  if (RFC3339_RE.test(s)) {
    const ms = Date.parse(s);
    if (Number.isFinite(ms)) return ms;
  }
  if (s === MIN_TIME_TEXT) return API_MIN_TIME_MS;
  if (s === MAX_TIME_TEXT) return API_MAX_TIME_MS;
  throw new ApiBadDataError(`cannot parse ${JSON.stringify(s)} to a valid timestamp`);
}

/**
 * A duration parameter (`step`, `timeout`, `lookback_delta`): float seconds or a Prometheus duration (`15s`, `1m30s`).
 * @returns ms (may be fractional for float seconds below a millisecond, may be ≤ 0: callers check)
 * @throws ApiBadDataError `cannot parse "<s>" to a valid duration`
 */
export function parseDurationParam(s: string): number {
  const f = parseGoFloat(s);
  if (f !== undefined) {
    if (Number.isNaN(f) || !(Math.abs(f * 1e9) < 2 ** 63)) {
      throw new ApiBadDataError(`cannot parse ${JSON.stringify(s)} to a valid duration. It overflows int64`);
    }
    // Go truncates to whole nanoseconds; the engine works in ms.
    return Math.trunc(f * 1e9) / 1e6;
  }
  try {
    return parsePromDuration(s);
  } catch {
    throw new ApiBadDataError(`cannot parse ${JSON.stringify(s)} to a valid duration`);
  }
}

/** `limit`: absent or empty = 0 (no limit). @throws ApiBadDataError for a non-integer or a negative value */
export function parseLimit(s: string | undefined): number {
  if (s === undefined || s === '') return 0;
  if (!/^[+-]?\d+$/.test(s)) throw new ApiBadDataError(`invalid parameter "limit": strconv.Atoi: parsing ${JSON.stringify(s)}: invalid syntax`);
  const n = Number(s);
  if (n < 0) throw new ApiBadDataError('invalid parameter "limit": limit must be non-negative');
  return n;
}

/** Wraps a parameter error as Prometheus's `invalidParamError`: `invalid parameter "<name>": <message>`. */
export function invalidParam(name: string, e: unknown): ApiBadDataError {
  return new ApiBadDataError(`invalid parameter ${JSON.stringify(name)}: ${e instanceof Error ? e.message : String(e)}`);
}

/** An optional time parameter with its default (`parseTimeParam`). @throws ApiBadDataError */
export function timeParam(value: string | undefined, name: string, defaultMs: number): number {
  if (value === undefined || value === '') return defaultMs;
  try {
    return parseTime(value);
  } catch (e) {
    throw invalidParam(name, new Error(`invalid time value for '${name}': ${(e as Error).message}`));
  }
}

/**
 * The per-query `timeout` (`queryTimeout`): absent = the configured `query.timeout`; a given one is capped by it.
 * @throws ApiBadDataError for an unparsable or non-positive value
 */
export function timeoutParam(value: string | undefined, configuredMs: number): number {
  if (value === undefined || value === '') return configuredMs;
  let ms: number;
  try {
    ms = parseDurationParam(value);
  } catch (e) {
    throw invalidParam('timeout', e);
  }
  if (!(ms > 0)) throw new ApiBadDataError(`invalid parameter "timeout": timeout must be positive, got ${value}`);
  return Math.min(ms, configuredMs);
}
