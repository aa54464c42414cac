/**
 * Go's `time.Time.String()` for UTC times and `time.Duration.String()` (Go 1.26 `time/format.go`, `time/time.go`),
 * which templates print for `toTime`, `humanizeTimestamp` and `toDuration`.
 */

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** `t.UTC().String()`: `2006-01-02 15:04:05.999999999 +0000 UTC` (fraction without trailing zeros). */
export function formatGoTimeUTC(unixNano: bigint): string {
  let sec = unixNano / 1_000_000_000n;
  let nsec = unixNano % 1_000_000_000n;
  if (nsec < 0n) {
    nsec += 1_000_000_000n;
    sec -= 1n;
  }
  const d = new Date(Number(sec) * 1000);
  const y = d.getUTCFullYear();
  const year = y < 0 ? `-${pad(-y, 4)}` : pad(y, 4);
  let frac = '';
  if (nsec !== 0n) frac = `.${nsec.toString().padStart(9, '0').replace(/0+$/, '')}`;
  return (
    `${year}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)} ` +
    `${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}${frac} +0000 UTC`
  );
}

/** Go's `fmtFrac`: the fraction of v / 10^prec without trailing zeros (and no `.` when it is zero). */
function fmtFrac(v: bigint, prec: number): { s: string; rest: bigint } {
  const p = 10n ** BigInt(prec);
  const frac = v % p;
  const rest = v / p;
  if (frac === 0n) return { s: '', rest };
  return { s: `.${frac.toString().padStart(prec, '0').replace(/0+$/, '')}`, rest };
}

/** `time.Duration(ns).String()`: `1h2m3.5s`, `1.5ms`, `0s`. */
export function formatGoDuration(ns: bigint): string {
  const neg = ns < 0n;
  let u = neg ? -ns : ns;
  let out: string;
  if (u < 1_000_000_000n) {
    if (u === 0n) return '0s';
    let prec: number;
    let unit: string;
    if (u < 1000n) {
      prec = 0;
      unit = 'ns';
    } else if (u < 1_000_000n) {
      prec = 3;
      unit = 'µs';
    } else {
      prec = 6;
      unit = 'ms';
    }
    const { s, rest } = fmtFrac(u, prec);
    out = `${rest}${s}${unit}`;
  } else {
    const { s, rest } = fmtFrac(u, 9);
    u = rest;
    out = `${u % 60n}${s}s`;
    u /= 60n;
    if (u > 0n) {
      out = `${u % 60n}m${out}`;
      u /= 60n;
      if (u > 0n) out = `${u}h${out}`;
    }
  }
  return neg ? `-${out}` : out;
}
