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

const LONG_MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const LONG_DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

const isDigitAt = (s: string, i: number): boolean => i < s.length && s[i] as string >= '0' && (s[i] as string) <= '9';
const startsWithLower = (s: string): boolean => s.length > 0 && (s[0] as string) >= 'a' && (s[0] as string) <= 'z';

/** One step of Go's `nextStdChunk`: the text before the next layout element, the element, the rest. */
function nextStdChunk(layout: string): { prefix: string; std: string; suffix: string } {
  for (let i = 0; i < layout.length; i++) {
    const at = (n: number): string => layout.slice(i, i + n);
    const chunk = (std: string, len: number, keep = 0) => ({ prefix: layout.slice(0, i + keep), std, suffix: layout.slice(i + len) });
    switch (layout[i]) {
      case 'J':
        if (at(3) === 'Jan') {
          if (at(7) === 'January') return chunk('January', 7);
          if (!startsWithLower(layout.slice(i + 3))) return chunk('Jan', 3);
        }
        break;
      case 'M':
        if (at(3) === 'Mon') {
          if (at(6) === 'Monday') return chunk('Monday', 6);
          if (!startsWithLower(layout.slice(i + 3))) return chunk('Mon', 3);
        }
        if (at(3) === 'MST') return chunk('MST', 3);
        break;
      case '0':
        if (i + 1 < layout.length && (layout[i + 1] as string) >= '1' && (layout[i + 1] as string) <= '6') return chunk(at(2), 2);
        if (at(3) === '002') return chunk('002', 3);
        break;
      case '1':
        if (at(2) === '15') return chunk('15', 2);
        return chunk('1', 1);
      case '2':
        if (at(4) === '2006') return chunk('2006', 4);
        return chunk('2', 1);
      case '_':
        if (layout[i + 1] === '2') {
          if (layout.slice(i + 1, i + 5) === '2006') return chunk('2006', 5, 1);
          return chunk('_2', 2);
        }
        if (at(3) === '__2') return chunk('__2', 3);
        break;
      case '3':
      case '4':
      case '5':
        return chunk(layout[i] as string, 1);
      case 'P':
        if (at(2) === 'PM') return chunk('PM', 2);
        break;
      case 'p':
        if (at(2) === 'pm') return chunk('pm', 2);
        break;
      case '-':
      case 'Z':
        for (const z of ['070000', '07:00:00', '0700', '07:00', '07']) {
          if (layout.slice(i + 1, i + 1 + z.length) === z) return chunk(`${layout[i]}${z}`, 1 + z.length);
        }
        break;
      case '.':
      case ',': {
        const ch = layout[i + 1];
        if (ch === '0' || ch === '9') {
          let j = i + 1;
          while (j < layout.length && layout[j] === ch) j++;
          if (!isDigitAt(layout, j)) return { prefix: layout.slice(0, i), std: `frac${ch}${layout[i]}${j - (i + 1)}`, suffix: layout.slice(j) };
        }
        break;
      }
    }
  }
  return { prefix: layout, std: '', suffix: '' };
}

/** `t.UTC().Format(layout)` (Go's layout words: `2006-01-02T15:04:05.000Z07:00`, `Jan _2 3:04PM`, …). */
export function formatGoTimeLayout(unixNano: bigint, layout: string): string {
  let sec = unixNano / 1_000_000_000n;
  let nsec = unixNano % 1_000_000_000n;
  if (nsec < 0n) {
    nsec += 1_000_000_000n;
    sec -= 1n;
  }
  const d = new Date(Number(sec) * 1000);
  const year = d.getUTCFullYear();
  const month = d.getUTCMonth();
  const day = d.getUTCDate();
  const hour = d.getUTCHours();
  const yday = Math.floor((Date.UTC(year, month, day) - Date.UTC(year, 0, 1)) / 86_400_000) + 1;
  const p2 = (n: number): string => String(n).padStart(2, '0');
  let out = '';
  let rest = layout;
  while (rest !== '') {
    const { prefix, std, suffix } = nextStdChunk(rest);
    out += prefix;
    if (std === '') break;
    rest = suffix;
    switch (std) {
      case '06': out += p2(((year % 100) + 100) % 100); break;
      case '2006': out += year < 0 ? `-${String(-year).padStart(4, '0')}` : String(year).padStart(4, '0'); break;
      case 'Jan': out += (LONG_MONTHS[month] as string).slice(0, 3); break;
      case 'January': out += LONG_MONTHS[month]; break;
      case '1': out += String(month + 1); break;
      case '01': out += p2(month + 1); break;
      case 'Mon': out += (LONG_DAYS[d.getUTCDay()] as string).slice(0, 3); break;
      case 'Monday': out += LONG_DAYS[d.getUTCDay()]; break;
      case '2': out += String(day); break;
      case '_2': out += String(day).padStart(2, ' '); break;
      case '02': out += p2(day); break;
      case '__2': out += String(yday).padStart(3, ' '); break;
      case '002': out += String(yday).padStart(3, '0'); break;
      case '15': out += p2(hour); break;
      case '3': out += String(hour % 12 === 0 ? 12 : hour % 12); break;
      case '03': out += p2(hour % 12 === 0 ? 12 : hour % 12); break;
      case '4': out += String(d.getUTCMinutes()); break;
      case '04': out += p2(d.getUTCMinutes()); break;
      case '5': out += String(d.getUTCSeconds()); break;
      case '05': out += p2(d.getUTCSeconds()); break;
      case 'PM': out += hour >= 12 ? 'PM' : 'AM'; break;
      case 'pm': out += hour >= 12 ? 'pm' : 'am'; break;
      case 'MST': out += 'UTC'; break;
      case 'Z070000': case 'Z07:00:00': case 'Z0700': case 'Z07:00': case 'Z07': out += 'Z'; break;
      case '-070000': out += '+000000'; break;
      case '-07:00:00': out += '+00:00:00'; break;
      case '-0700': out += '+0000'; break;
      case '-07:00': out += '+00:00'; break;
      case '-07': out += '+00'; break;
      default: {
        // frac<0|9><separator><digits>
        const kind = std[4];
        const sep = std[5] as string;
        const n = Math.min(Number(std.slice(6)), 9);
        let digits = nsec.toString().padStart(9, '0').slice(0, n);
        if (kind === '9') {
          digits = digits.replace(/0+$/, '');
          if (digits !== '') out += sep + digits;
        } else out += sep + digits;
      }
    }
  }
  return out;
}
