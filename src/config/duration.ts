/**
 * Prometheus-style durations (prometheus/common `model.ParseDuration` / `Duration.String`): an ordered
 * sequence of integer amounts with units `y w d h m s ms`, each unit at most once, no fractions, no sign;
 * `0` alone is allowed. Values are whole milliseconds (a year is 365 days, a week 7 days).
 */
import { ConfigError } from '../errors.js';

const MS = 1;
const SECOND = 1000 * MS;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;
const YEAR = 365 * DAY;

/** The largest duration accepted, in ms: Go's `time.Duration` range (int64 nanoseconds, ~292 years). */
export const MAX_DURATION_MS = Math.floor(9_223_372_036_854_775_807 / 1e6);

const DURATION_RE = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;
const UNIT_MS = [YEAR, WEEK, DAY, HOUR, MINUTE, SECOND, MS] as const;

/**
 * Parses a Prometheus duration such as `15s`, `1h30m` or `250ms` into milliseconds.
 *
 * @returns whole milliseconds, `0 <= ms <= MAX_DURATION_MS`
 * @throws ConfigError (`FPB_ERR_CONFIG`) for an empty string, anything outside the grammar, or an out-of-range value
 */
export function parseDuration(text: string): number {
  if (text === '0') return 0;
  if (text === '') throw new ConfigError('empty duration string');
  const m = DURATION_RE.exec(text);
  if (m === null) throw new ConfigError(`not a valid duration string: ${JSON.stringify(text)}`);
  let total = 0;
  for (let i = 0; i < UNIT_MS.length; i++) {
    const digits = m[i + 1];
    if (digits === undefined) continue;
    // Long digit strings are out of range anyway; Number() would lose precision on them.
    const n = digits.length > 16 ? Infinity : Number(digits);
    total += n * (UNIT_MS[i] as number);
    if (!(total <= MAX_DURATION_MS)) throw new ConfigError(`duration out of range: ${JSON.stringify(text)}`);
  }
  return total;
}

/**
 * Formats milliseconds the way Prometheus prints durations: largest units first, years and weeks only when they
 * divide exactly (`90d`, not `12w6d`), `0s` for zero. `parseDuration(formatDuration(ms)) === ms` for every valid `ms`.
 *
 * @param ms a non-negative integer number of milliseconds
 * @throws RangeError when `ms` is negative, not an integer, or above `MAX_DURATION_MS` (a programming error)
 */
export function formatDuration(ms: number): string {
  if (!Number.isInteger(ms) || ms < 0 || ms > MAX_DURATION_MS) {
    throw new RangeError(`formatDuration: not a valid duration in ms: ${ms}`);
  }
  if (ms === 0) return '0s';
  let rest = ms;
  let out = '';
  const put = (unit: string, mult: number, exact: boolean): void => {
    if (exact && rest % mult !== 0) return;
    const v = Math.floor(rest / mult);
    if (v > 0) {
      out += `${v}${unit}`;
      rest -= v * mult;
    }
  };
  put('y', YEAR, true);
  put('w', WEEK, true);
  put('d', DAY, false);
  put('h', HOUR, false);
  put('m', MINUTE, false);
  put('s', SECOND, false);
  put('ms', MS, false);
  return out;
}
