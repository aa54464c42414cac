/**
 * The parts of Go's `fmt` (Go 1.26 `fmt/print.go`, `fmt/format.go`) that templates reach: `Sprint`, `Sprintln`,
 * `Sprintf` with the verbs `v s d f F e E g G q x X o b c t U %`, the flags `+ - # 0 space`, width and precision
 * (also `*`), Go's error forms (`%!d(string=x)`, `%!d(MISSING)`, `%!(EXTRA …)`, `%!(NOVERB)`), and `%v` of every
 * value in values.ts. Floats print like Go (`1e+06`, `+Inf`, `-0`).
 *
 * Known limits: argument indexes (`%[1]d`) are not supported (printed as `%!(BADINDEX)`); pointers inside
 * slices print as `0xc000000000` (Go prints a real address).
 */
import { formatFloat } from './go-float.js';
import { canBackquote, goQuote } from './go-quote.js';
import { formatGoDuration, formatGoTimeUTC } from './go-time.js';
import {
  GoAlertData, GoComplex, GoDuration, GoHTML, GoInt, GoMap, GoQueryResult, GoSample, GoTime, goTypeName,
  type GoValue,
} from './values.js';

interface Flags {
  /** `%#v`: Go syntax (strings quoted, maps with their type). */
  sharpV?: boolean;
  plus: boolean;
  minus: boolean;
  sharp: boolean;
  space: boolean;
  zero: boolean;
  wid: number | undefined;
  prec: number | undefined;
}

const NO_FLAGS: Flags = { plus: false, minus: false, sharp: false, space: false, zero: false, wid: undefined, prec: undefined };

function runeLen(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** `f.pad`: width in runes; `-` pads right; `0` pads left with zeros. */
function pad(s: string, f: Flags, zeroOk = true): string {
  if (f.wid === undefined) return s;
  const n = f.wid - runeLen(s);
  if (n <= 0) return s;
  if (f.minus) return s + ' '.repeat(n);
  return (f.zero && zeroOk ? '0' : ' ').repeat(n) + s;
}

/** `fmtFloat` of format.go: sign handling, NaN/Inf padding, zero padding after the sign. */
function fmtFloat(v: number, verb: 'e' | 'E' | 'f' | 'g' | 'G' | 'x' | 'X' | 'b', prec: number, f: Flags): string {
  if (f.prec !== undefined) prec = f.prec;
  let num = formatFloat(v, verb, prec);
  if (num[0] !== '-' && num[0] !== '+') num = `+${num}`;
  if (f.space && num[0] === '+' && !f.plus) num = ` ${num.slice(1)}`;
  if (num[1] === 'I' || num[1] === 'N') {
    if (num[1] === 'N' && !f.space && !f.plus) num = num.slice(1);
    return pad(num, f, false);
  }
  if (f.sharp) {
    // Go counts digits for %#g and %#x, not %#X (format.go: case 'v', 'g', 'G', 'x').
    let digits = verb === 'g' || verb === 'G' || verb === 'x' ? (prec === -1 ? 6 : prec) : 0;
    let tail = '';
    // The exponent is the tail: `p±dd` of %x, `e±dd` of %e/%g (in %x, e is a digit).
    let ei = num.search(/[pP]/);
    if (ei < 0 && verb !== 'x' && verb !== 'X') ei = num.search(/[eE]/);
    let body = num;
    if (ei >= 0) {
      tail = num.slice(ei);
      body = num.slice(0, ei);
    }
    let sawNonzero = false;
    for (let i = 1; i < body.length; i++) {
      const c = body[i] as string;
      if (c === '.') continue;
      if (c !== '0') sawNonzero = true;
      if (sawNonzero) digits--;
    }
    if (!body.includes('.')) {
      if (body.length === 2 && body[1] === '0') digits--;
      body += '.';
    }
    while (digits > 0) {
      body += '0';
      digits--;
    }
    num = body + tail;
  }
  if (f.plus || num[0] !== '+') {
    if (f.zero && !f.minus && f.wid !== undefined && f.wid > num.length) {
      return num[0] + '0'.repeat(f.wid - num.length) + num.slice(1);
    }
    return pad(num, f);
  }
  return pad(num.slice(1), f);
}

/** `fmtInteger` for a signed value: precision or zero flag give leading zeros, then the `#` prefix, then the sign. */
function fmtInteger(v: bigint, base: number, verb: string, f: Flags): string {
  const neg = v < 0n;
  let digits = (neg ? -v : v).toString(base);
  if (verb === 'X') digits = digits.toUpperCase();
  if (f.prec !== undefined) {
    if (f.prec === 0 && v === 0n) return pad('', { ...f, zero: false });
    digits = digits.padStart(f.prec, '0');
  } else if (f.zero && !f.minus && f.wid !== undefined) {
    digits = digits.padStart(f.wid - (neg || f.plus || f.space ? 1 : 0), '0');
  }
  if (f.sharp) {
    if (base === 16) digits = (verb === 'X' ? '0X' : '0x') + digits;
    else if (base === 8 && digits[0] !== '0') digits = `0${digits}`;
    else if (base === 2) digits = `0b${digits}`;
  }
  const sign = neg ? '-' : f.plus ? '+' : f.space ? ' ' : '';
  return pad(sign + digits, { ...f, zero: false });
}

function hexString(s: string, f: Flags, upper: boolean): string {
  const bytes = Buffer.from(s, 'utf8');
  let out = '';
  const n = f.prec !== undefined ? Math.min(f.prec, bytes.length) : bytes.length;
  for (let i = 0; i < n; i++) {
    if (f.space && i > 0) out += ' ';
    if (f.sharp && (f.space || i === 0)) out += upper ? '0X' : '0x';
    const h = (bytes[i] as number).toString(16).padStart(2, '0');
    out += upper ? h.toUpperCase() : h;
  }
  return pad(out, f);
}

function truncRunes(s: string, prec: number | undefined): string {
  if (prec === undefined) return s;
  let out = '';
  let i = 0;
  for (const c of s) {
    if (i++ >= prec) break;
    out += c;
  }
  return out;
}

function fmtString(s: string, verb: string, f: Flags): string | undefined {
  if (verb === 'v' && f.sharpV === true) return pad(goQuote(s), f);
  switch (verb) {
    case 'v':
    case 's':
      return pad(truncRunes(s, f.prec), f);
    case 'q': {
      const t = truncRunes(s, f.prec);
      if (f.sharp && canBackquote(t)) return pad(`\`${t}\``, f);
      return pad(f.plus ? asciiQuote(t) : goQuote(t), f);
    }
    case 'x':
    case 'X':
      return hexString(s, f, verb === 'X');
  }
  return undefined;
}

/** `strconv.QuoteToASCII`. */
function asciiQuote(s: string): string {
  return goQuote(s).replace(/[^\x00-\x7f]/gu, (c) => {
    const r = c.codePointAt(0) as number;
    return r < 0x10000 ? `\\u${r.toString(16).padStart(4, '0')}` : `\\U${r.toString(16).padStart(8, '0')}`;
  });
}

function fmtIntVerb(v: bigint, verb: string, f: Flags): string | undefined {
  switch (verb) {
    case 'v':
    case 'd':
      return fmtInteger(v, 10, verb, f);
    case 'b':
      return fmtInteger(v, 2, verb, f);
    case 'o':
      return fmtInteger(v, 8, verb, f);
    case 'x':
    case 'X':
      return fmtInteger(v, 16, verb, f);
    case 'c':
      return pad(String.fromCodePoint(validRune(v)), f);
    case 'q':
      return pad(goQuote(String.fromCodePoint(validRune(v)), "'"), f);
    case 'U': {
      const r = validRune(v);
      let s = `U+${r.toString(16).toUpperCase().padStart(4, '0')}`;
      if (f.sharp) s += ` '${String.fromCodePoint(r)}'`;
      return pad(s, f);
    }
  }
  return undefined;
}

function validRune(v: bigint): number {
  if (v < 0n || v > 0x10ffffn || (v >= 0xd800n && v <= 0xdfffn)) return 0xfffd;
  return Number(v);
}

function fmtFloatVerb(v: number, verb: string, f: Flags): string | undefined {
  switch (verb) {
    case 'v':
      return fmtFloat(v, 'g', -1, f);
    case 'g':
    case 'G':
    case 'x':
    case 'X':
    case 'b':
      return fmtFloat(v, verb, -1, f);
    case 'f':
    case 'F':
      return fmtFloat(v, 'f', 6, f);
    case 'e':
    case 'E':
      return fmtFloat(v, verb, 6, f);
  }
  return undefined;
}

/** Prints one value with `verb` (`printArg` of print.go); `depth` > 0 inside composites. */
function printArg(v: GoValue, verb: string, f: Flags, depth: number, deref = false): string {
  if (v === undefined) {
    if (verb === 'T' || verb === 'v') return pad('<nil>', f);
    return badVerb(v, verb, f);
  }
  if (verb === 'T') return pad(goTypeName(v), f);
  let out: string | undefined;
  switch (typeof v) {
    case 'string':
      out = fmtString(v, verb, f);
      break;
    case 'boolean':
      out = verb === 't' || verb === 'v' ? pad(v ? 'true' : 'false', f) : undefined;
      break;
    case 'number':
      out = fmtFloatVerb(v, verb, f);
      break;
    default:
      if (v instanceof GoInt && v.unsigned && verb === 'v' && f.sharpV === true) out = pad(`0x${v.v.toString(16)}`, f);
      else if (v instanceof GoInt) out = fmtIntVerb(v.v, verb, f);
      else if (v instanceof GoHTML) out = fmtString(v.s, verb, f);
      else if (v instanceof GoComplex) {
        if ('vgGfFeE'.includes(verb)) {
          const re = fmtFloatVerb(v.re, verb, f) ?? '';
          const im = fmtFloatVerb(v.im, verb, { ...f, plus: true }) ?? '';
          out = `(${re}${im}i)`;
        }
      } else if (v instanceof GoTime) {
        if (v.unixNano === undefined) out = '<nil>';
        // *time.Time is a fmt.Stringer for %v %s %q %x %X.
        else if ('vsqxX'.includes(verb)) out = fmtString(formatGoTimeUTC(v.unixNano), verb, f);
      } else if (v instanceof GoDuration) {
        if (v.ns === undefined) out = '<nil>';
        else if ('vsqxX'.includes(verb)) out = fmtString(formatGoDuration(v.ns), verb, f);
      } else if (v instanceof GoMap && verb === 'v' && f.sharpV === true) {
        const parts = v.sortedKeys().map((k) => `${printArg(k, verb, f, depth + 1)}:${printArg(v.entries?.get(k), verb, f, depth + 1)}`);
        out = `${v.typeName}{${parts.join(', ')}}`;
      } else if (v instanceof GoMap) {
        const parts = v.sortedKeys().map((k) => `${printArg(k, verb, f, depth + 1)}:${printArg(v.entries?.get(k), verb, f, depth + 1)}`);
        out = `map[${parts.join(' ')}]`;
      } else if (v instanceof GoSample) {
        if (v.isNil) out = '<nil>';
        else if (depth > 0) {
          // Go prints a nested pointer as its address for %v (we cannot match the number), and a bad verb with
          // the pointee for verbs pointers do not take.
          out = 'vpboxXd'.includes(verb) ? '0xc000000000' : `%!${verb}(*template.sample=${printArg(v, 'v', f, 0)})`;
        }
        else out = `${deref ? '' : '&'}{${printArg(v.labels, verb, f, depth + 1)} ${printArg(v.value, verb, f, depth + 1)}}`;
      } else if (v instanceof GoQueryResult) {
        out = `[${(v.items ?? []).map((s) => printArg(s, verb, f, depth + 1)).join(' ')}]`;
      } else if (v instanceof GoAlertData) {
        out = `{${[v.labels, v.externalLabels, v.externalURL, v.value].map((x) => printArg(x, verb, f, depth + 1)).join(' ')}}`;
      }
  }
  return out ?? badVerb(v, verb, f);
}

/** `%!verb(type=value)`: the value printed with %v and the same flags (`%.2f` of "abc" gives `%!f(string=ab)`). */
function badVerb(v: GoValue, verb: string, f: Flags = NO_FLAGS): string {
  if (v === undefined) return `%!${verb}(<nil>)`;
  return `%!${verb}(${goTypeName(v)}=${printArg(v, 'v', f, 0)})`;
}

/**
 * `%v` of a value with no flags. `deref`: the value went through text/template's `printableValue`, which drops a
 * pointer (`{{ first … }}` prints `{map[…] 1}`, while `print` of the same prints `&{map[…] 1}`).
 */
export function sprintValue(v: GoValue, deref = false): string {
  return printArg(v, 'v', NO_FLAGS, 0, deref);
}

function isStringKind(v: GoValue): boolean {
  return typeof v === 'string' || v instanceof GoHTML;
}

/** `fmt.Sprint`: a space between operands when neither side is a string. */
export function sprint(args: readonly GoValue[], deref = false): string {
  let out = '';
  let prevString = false;
  args.forEach((a, i) => {
    const isString = isStringKind(a);
    if (i > 0 && !isString && !prevString) out += ' ';
    out += sprintValue(a, deref);
    prevString = isString;
  });
  return out;
}

/** `fmt.Sprintln`: spaces between all operands, newline at the end. */
export function sprintln(args: readonly GoValue[]): string {
  return `${args.map((a) => sprintValue(a)).join(' ')}\n`;
}

function intArg(v: GoValue): number | undefined {
  if (v instanceof GoInt && v.v >= -1_000_000n && v.v <= 1_000_000n) return Number(v.v);
  return undefined;
}

/** `fmt.Sprintf(format, args...)`. */
export function sprintf(format: string, args: readonly GoValue[]): string {
  let out = '';
  let argNum = 0;
  let i = 0;
  const end = format.length;
  while (i < end) {
    const pct = format.indexOf('%', i);
    if (pct < 0) {
      out += format.slice(i);
      break;
    }
    out += format.slice(i, pct);
    i = pct + 1;
    const f: Flags = { ...NO_FLAGS };
    flags: for (; i < end; i++) {
      switch (format[i]) {
        case '#': f.sharp = true; break;
        case '0': f.zero = !f.minus; break;
        case '+': f.plus = true; break;
        case '-': f.minus = true; f.zero = false; break;
        case ' ': f.space = true; break;
        default: break flags;
      }
    }
    // width
    if (format[i] === '*') {
      i++;
      const w = intArg(args[argNum]);
      argNum++;
      if (w === undefined) out += '%!(BADWIDTH)';
      else {
        f.wid = Math.abs(w);
        if (w < 0) {
          f.minus = true;
          f.zero = false;
        }
      }
    } else {
      const m = /^\d+/.exec(format.slice(i));
      if (m !== null) {
        f.wid = Number(m[0]);
        i += m[0].length;
      }
    }
    if (format[i] === '.') {
      i++;
      if (format[i] === '*') {
        i++;
        const p = intArg(args[argNum]);
        argNum++;
        if (p === undefined || p < 0) out += '%!(BADPREC)';
        else f.prec = p;
      } else {
        const m = /^\d+/.exec(format.slice(i));
        f.prec = m === null ? 0 : Number(m[0]);
        if (m !== null) i += m[0].length;
      }
    }
    if (i >= end) {
      out += '%!(NOVERB)';
      break;
    }
    const verb = String.fromCodePoint(format.codePointAt(i) as number);
    i += verb.length;
    if (verb === '%') {
      out += '%';
      continue;
    }
    if (verb === '[') {
      out += '%!(BADINDEX)';
      continue;
    }
    if (argNum >= args.length) {
      out += `%!${verb}(MISSING)`;
      continue;
    }
    const arg = args[argNum++];
    if (verb === 'v') {
      // Go syntax (%#v) and struct-field syntax (%+v) replace the flags for %v.
      f.sharpV = f.sharp;
      f.sharp = false;
      f.plus = false;
    }
    if (verb === 'w') {
      out += badVerb(arg, verb);
      continue;
    }
    out += printArg(arg, verb, f, 0);
  }
  if (argNum < args.length) {
    out += `%!(EXTRA ${args.slice(argNum).map((a) => (a === undefined ? '<nil>' : `${goTypeName(a)}=${sprintValue(a)}`)).join(', ')})`;
  }
  return out;
}
