/**
 * Go's JSON form of a `time.Time` in UTC (`Time.MarshalJSON`: RFC 3339 with nanoseconds, trailing zeros of the
 * fraction dropped, no fraction when it is zero), as Alertmanager writes `startsAt`/`endsAt` in webhook payloads
 * (`template.Alert`). The zero `time.Time` is `0001-01-01T00:00:00Z` (what a firing alert's `endsAt` shows there).
 */

/** Go's zero time in JSON. */
export const GO_ZERO_TIME = '0001-01-01T00:00:00Z';

/**
 * Formats Unix milliseconds like Go's `time.Time.MarshalJSON` of a UTC time: `2026-12-03T06:50:01.12Z`.
 * @param ms Unix milliseconds (integral; a fractional part is truncated)
 */
export function formatGoTime(ms: number): string {
  const iso = new Date(Math.trunc(ms)).toISOString(); // 2026-12-03T06:50:01.120Z
  const dot = iso.indexOf('.');
  const frac = iso.slice(dot + 1, -1).replace(/0+$/, '');
  return frac === '' ? `${iso.slice(0, dot)}Z` : `${iso.slice(0, dot)}.${frac}Z`;
}
