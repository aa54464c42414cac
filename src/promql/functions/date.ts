import type { ValueFunction } from './types.js';

/**
 * The date functions (`minute`, `hour`, `day_of_week`, `day_of_month`, `day_of_year`, `days_in_month`, `month`,
 * `year`): port of `dateWrapper` and its users in `promql/functions.go` (Prometheus v0.316.0; v2.42.0 is the same).
 * A sample value is Unix seconds converted like Go's `time.Unix(int64(v), 0).UTC()`: truncated toward zero, and
 * NaN/±Inf/|v| ≥ 2^63 become math.MinInt64 (what amd64's conversion yields). Always UTC, proleptic Gregorian
 * calendar for any year, like Go. Without an argument the evaluator passes the evaluation time in seconds
 * (`enh.Ts / 1000` truncated, as Go's `time.Unix(enh.Ts/1000, 0)`).
 */

/** A civil UTC date-time broken down like Go's `time.Time` accessors. */
export interface CivilTime {
  readonly year: number;
  /** 1–12. */
  readonly month: number;
  /** 1–31. */
  readonly day: number;
  /** 0 = Sunday. */
  readonly weekday: number;
  /** 1–366. */
  readonly yearDay: number;
  readonly hour: number;
  readonly minute: number;
}

const MIN_INT64 = -9223372036854775808n;

/** Go's `int64(f)` on amd64: truncation, with MinInt64 for NaN and out-of-range values. */
export function goInt64(f: number): bigint {
  if (f !== f || f >= 9223372036854775808 || f < -9223372036854775808) return MIN_INT64;
  return BigInt(Math.trunc(f));
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`). */
function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** Go's `unixToAbsolute` (src/time/time.go, Go 1.26): seconds from Go's absolute epoch to the Unix epoch. */
const UNIX_TO_ABSOLUTE = 9223372028741760000n;
const TWO_64 = 2n ** 64n;

/**
 * The UTC civil time of `seconds` since the Unix epoch (any int64), as Go's `time.Time` computes it: Go maps the
 * seconds onto an unsigned 64-bit "absolute" time first, so values beyond its range wrap (Go's `int64(NaN)` =
 * MinInt64 reads as year 292277026596); inside the range this is the proleptic Gregorian calendar.
 */
export function civilFromUnixSeconds(rawSeconds: bigint): CivilTime {
  const abs = (((rawSeconds + UNIX_TO_ABSOLUTE) % TWO_64) + TWO_64) % TWO_64;
  const seconds = abs - UNIX_TO_ABSOLUTE;
  let days = seconds / 86400n;
  let rem = seconds % 86400n;
  if (rem < 0n) {
    rem += 86400n;
    days -= 1n;
  }
  const secOfDay = Number(rem);
  const z0 = Number(days); // |days| < 1.1e14: exact as a double.
  const z = z0 + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doyMar = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doyMar + 2) / 153);
  const day = doyMar - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  const weekday = (((z0 + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday.
  return {
    year,
    month,
    day,
    weekday,
    yearDay: z0 - daysFromCivil(year, 1, 1) + 1,
    hour: Math.floor(secOfDay / 3600),
    minute: Math.floor((secOfDay % 3600) / 60),
  };
}

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function dateFunction(f: (t: CivilTime) => number): ValueFunction {
  return (v) => f(civilFromUnixSeconds(goInt64(v)));
}

export const minute = dateFunction((t) => t.minute);
export const hour = dateFunction((t) => t.hour);
export const dayOfWeek = dateFunction((t) => t.weekday);
export const dayOfMonth = dateFunction((t) => t.day);
export const dayOfYear = dateFunction((t) => t.yearDay);
/** `days_in_month`: 28–31 (Go: `32 - time.Date(y, m, 32).Day()`). */
export const daysInMonth = dateFunction((t) => (t.month === 2 && isLeap(t.year) ? 29 : (DAYS_IN_MONTH[t.month - 1] as number)));
export const month = dateFunction((t) => t.month);
export const year = dateFunction((t) => t.year);

/** The seconds value a date function without argument applies to: Go's `enh.Ts / 1000` (int64 division). */
export function evalTimeSeconds(evalTimeMs: number): number {
  return Math.trunc(evalTimeMs / 1000);
}
