/**
 * Prometheus's template functions, as `NewTemplateExpander` defines them in Prometheus 3.16
 * (`template/template.go` of v0.316.0, `prometheus/common` v0.72.1 `helpers/templates/time.go`,
 * `util/strutil/strconv.go`): same argument types, same conversions (`ConvertToFloat`), same errors.
 * Regular expressions are RE2 via re2js (Go's `regexp` is RE2).
 */
import { underscoreOK } from '../../promql/go-parse-float.js';
import { RE2JS } from 're2js';
import { queryEscape } from './builtins.js';
import { sprintf } from './go-fmt.js';
import { canBackquote, goQuote } from './go-quote.js';
import { GoCallError, NeedQuery, type FuncMap, type GoFunc } from './functions.js';
import { goExpand } from '../../promql/functions/go-expand.js';
import {
  compareGoStrings, GoDuration, GoHTML, GoInt, GoMap, GoQueryResult, GoSample, GoTime, goTypeName, type GoValue,
} from './values.js';

/** Answers of `query` for one expansion: a result, or the error message of a failed query. */
export type QueryAnswers = ReadonlyMap<string, { readonly samples: readonly GoSample[] } | { readonly error: string }>;

/** What the functions need from the expansion. */
export interface FuncEnv {
  /** Evaluation time, ms (`now`, and the time `query` runs at). */
  readonly evalTimeMs: number;
  readonly externalURL: string;
  readonly answers: QueryAnswers;
}

const SPECIAL_FLOAT = /^([+-]?)(inf|infinity)$/i;
const DEC_FLOAT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const HEX_FLOAT = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?[pP]([+-]?\d+)$/;

/**
 * `strconv.ParseFloat(s, 64)`.
 * @throws GoCallError `strconv.ParseFloat: parsing "x": invalid syntax` / `…: value out of range`
 */
export function parseFloatStrict(s: string): number {
  const fail = (why: string): never => {
    throw new GoCallError(`strconv.ParseFloat: parsing ${goQuote(s)}: ${why}`);
  };
  if (/^nan$/i.test(s)) return NaN;
  const sp = SPECIAL_FLOAT.exec(s);
  if (sp !== null) return sp[1] === '-' ? -Infinity : Infinity;
  let t = s;
  if (t.includes('_')) {
    if (!underscoreOK(t)) fail('invalid syntax');
    t = t.replaceAll('_', '');
  }
  let v: number;
  if (DEC_FLOAT.test(t)) v = Number(t);
  else {
    const m = HEX_FLOAT.exec(t);
    if (m === null) return fail('invalid syntax');
    const [, sign, ip = '', fp = '', exp = '0'] = m;
    if (ip === '' && fp === '') return fail('invalid syntax');
    let mant = 0;
    for (const c of ip + fp) mant = mant * 16 + parseInt(c, 16);
    v = mant * Math.pow(2, Number(exp) - 4 * fp.length);
    if (sign === '-') v = -v;
  }
  if (!Number.isFinite(v)) fail('value out of range');
  return v;
}

/** `templates.ConvertToFloat`: float64, string (ParseFloat), int; anything else "can't convert T to float". */
export function convertToFloat(i: GoValue): number {
  if (typeof i === 'number') return i;
  if (typeof i === 'string') return parseFloatStrict(i);
  if (i instanceof GoInt) return Number(i.v);
  throw new GoCallError(`can't convert ${goTypeName(i)} to float`);
}

const g4 = (v: number, suffix = ''): string => sprintf('%.4g', [v]) + suffix;

function humanize(i: GoValue): string {
  let v = convertToFloat(i);
  if (v === 0 || Number.isNaN(v) || !Number.isFinite(v)) return g4(v);
  if (Math.abs(v) >= 1) {
    let prefix = '';
    for (const p of ['k', 'M', 'G', 'T', 'P', 'E', 'Z', 'Y']) {
      if (Math.abs(v) < 1000) break;
      prefix = p;
      v /= 1000;
    }
    return g4(v, prefix);
  }
  let prefix = '';
  for (const p of ['m', 'u', 'n', 'p', 'f', 'a', 'z', 'y']) {
    if (Math.abs(v) >= 1) break;
    prefix = p;
    v *= 1000;
  }
  return g4(v, prefix);
}

function humanize1024(i: GoValue): string {
  let v = convertToFloat(i);
  if (Math.abs(v) <= 1 || Number.isNaN(v) || !Number.isFinite(v)) return g4(v);
  let prefix = '';
  for (const p of ['ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei', 'Zi', 'Yi']) {
    if (Math.abs(v) < 1024) break;
    prefix = p;
    v /= 1024;
  }
  return g4(v, prefix);
}

/** Go's `int64(f)` for a float already known to be in range (truncation toward zero). */
function int64Of(v: number): bigint {
  return BigInt(Math.trunc(v));
}

function humanizeDuration(i: GoValue): string {
  let v = convertToFloat(i);
  if (Number.isNaN(v) || !Number.isFinite(v)) return g4(v);
  if (v === 0) return g4(v, 's');
  if (Math.abs(v) >= 1) {
    let sign = '';
    if (v < 0) {
      sign = '-';
      v = -v;
    }
    const duration = v < 9.223372036854776e18 ? int64Of(v) : -(1n << 63n);
    const seconds = duration % 60n;
    const minutes = (duration / 60n) % 60n;
    const hours = (duration / 60n / 60n) % 24n;
    const days = duration / 60n / 60n / 24n;
    if (days !== 0n) return `${sign}${days}d ${hours}h ${minutes}m ${seconds}s`;
    if (hours !== 0n) return `${sign}${hours}h ${minutes}m ${seconds}s`;
    if (minutes !== 0n) return `${sign}${minutes}m ${seconds}s`;
    return `${sign}${g4(v)}s`;
  }
  let prefix = '';
  for (const p of ['m', 'u', 'n', 'p', 'f', 'a', 'z', 'y']) {
    if (Math.abs(v) >= 1) break;
    prefix = p;
    v *= 1000;
  }
  return g4(v, `${prefix}s`);
}

const NAN_OR_INF = 'value is NaN or Inf';

/** `FloatToTime`: seconds → `*time.Time` with millisecond precision (`model.TimeFromUnixNano`). */
function floatToTime(v: number): GoTime {
  if (Number.isNaN(v) || !Number.isFinite(v)) throw new GoCallError(NAN_OR_INF);
  const ts = v * 1e9;
  if (ts > 9223372036854775807 || ts < -9223372036854775808) {
    throw new GoCallError(`${sprintf('%v', [v])} cannot be represented as a nanoseconds timestamp since it overflows int64`);
  }
  // int64(timestamp) then model.Time (ms, truncating division), then back to ns.
  const ns = ts >= 9223372036854775807 ? (1n << 63n) - 1n : BigInt(Math.trunc(ts));
  const ms = ns / 1_000_000n;
  return new GoTime(ms * 1_000_000n);
}

function humanizeTimestamp(i: GoValue): string {
  const v = convertToFloat(i);
  if (Number.isNaN(v) || !Number.isFinite(v)) return g4(v);
  return sprintf('%v', [floatToTime(v)]);
}

/** Go's `regexp` `quote` for MustCompile's panic. */
function reQuote(s: string): string {
  return canBackquote(s) ? `\`${s}\`` : goQuote(s);
}

/**
 * re2js words its syntax errors as Go's regexp/syntax, except that it drops the empty `: \`\`` Go appends to
 * "trailing backslash at end of expression".
 */
function regexpError(e: unknown): string {
  const msg = (e as Error).message;
  return msg.endsWith('trailing backslash at end of expression') ? `${msg}: \`\`` : msg;
}

const reCache = new Map<string, RE2JS>();

function compile(pattern: string): RE2JS {
  let re = reCache.get(pattern);
  if (re === undefined) {
    re = RE2JS.compile(pattern);
    if (reCache.size > 1000) reCache.clear();
    reCache.set(pattern, re);
  }
  return re;
}

/** `regexp.Regexp.ReplaceAllString` (Go's empty-match rules, `$1`/`${name}` expansion). */
function replaceAll(re: RE2JS, src: string, repl: string): string {
  const m = re.matcher(src);
  const names = re.namedGroups();
  let out = '';
  let lastMatchEnd = 0;
  let searchPos = 0;
  while (searchPos <= src.length) {
    if (!m.find(searchPos)) break;
    const a0 = m.start();
    const a1 = m.end();
    out += src.slice(lastMatchEnd, a0);
    if (a1 > lastMatchEnd || a0 === 0) {
      const groups = m.groupCount();
      out += goExpand(repl, (i) => (i <= groups ? (m.group(i) ?? undefined) : undefined), (n) => names[n] ?? -1);
    }
    lastMatchEnd = a1;
    const cp = src.codePointAt(searchPos);
    const width = cp === undefined ? 1 : cp > 0xffff ? 2 : 1;
    if (searchPos + width > a1) searchPos += width;
    else if (searchPos + 1 > a1) searchPos++;
    else searchPos = a1;
  }
  return out + src.slice(lastMatchEnd);
}

/** `net.SplitHostPort`; undefined on error. */
function splitHostPort(hostport: string): { host: string; port: string } | undefined {
  const i = hostport.lastIndexOf(':');
  if (i < 0) return undefined;
  let host: string;
  if (hostport[0] === '[') {
    const end = hostport.indexOf(']');
    if (end < 0) return undefined;
    if (end + 1 === hostport.length) return undefined;
    if (end + 1 !== i) return undefined;
    host = hostport.slice(1, end);
    if (host.includes('[') || host.includes(']')) return undefined;
    if (hostport.slice(end + 1).includes('[') || hostport.slice(end + 1).includes(']')) return undefined;
  } else {
    host = hostport.slice(0, i);
    if (host.includes(':')) return undefined;
    if (host.includes('[') || host.includes(']')) return undefined;
  }
  const port = hostport.slice(i + 1);
  if (port.includes('[') || port.includes(']')) return undefined;
  return { host, port };
}

/** `netip.ParseAddr` succeeds (IPv4 dotted quad without leading zeros, or IPv6 with optional zone). */
function isIPAddr(s: string): boolean {
  if (/^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/.test(s)) return true;
  if (!s.includes(':')) return false;
  const [addr, zone] = s.split('%', 2) as [string, string | undefined];
  if (zone !== undefined && zone === '') return false;
  try {
    return new URL(`http://[${addr}]/`).hostname !== '';
  } catch {
    return false;
  }
}

function joinHostPort(host: string, port: string): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/**
 * Go's `unicode.ToUpper`/`ToLower` of one rune use the simple (one-rune) case mappings of UnicodeData.txt;
 * JavaScript uses the full mappings of SpecialCasing.txt where they exist (`ß` → `SS`, `İ` → `i̇`). Where
 * JavaScript's result is not one rune, Go's simple mapping is looked up here, else the rune is kept.
 */
function simpleCase(c: string, up: boolean): string {
  const m = up ? c.toUpperCase() : c.toLowerCase();
  if ([...m].length === 1) return m;
  const r = c.codePointAt(0) as number;
  if (!up) return r === 0x130 ? 'i' : c;
  // Greek letters with ypogegrammeni: simple upper case is the prosgegrammeni form (+8), e.g. ᾀ → ᾈ.
  if ((r >= 0x1f80 && r <= 0x1f87) || (r >= 0x1f90 && r <= 0x1f97) || (r >= 0x1fa0 && r <= 0x1fa7)) {
    return String.fromCodePoint(r + 8);
  }
  if (r === 0x1fb3 || r === 0x1fc3 || r === 0x1ff3) return String.fromCodePoint(r + 9);
  return c;
}

/** Go's `strings.ToUpper`/`ToLower`: rune by rune with the simple case mappings. */
function mapRunes(s: string, up: boolean): string {
  let out = '';
  for (const c of s) out += simpleCase(c, up);
  return out;
}

/** Title case of one rune (x/text uses the full mappings: `ß` → `Ss`, `ﬀ` → `Ff`, `ǆ` → `ǅ`). */
const TITLE_SPECIAL: ReadonlyMap<string, string> = new Map([
  ['ß', 'Ss'], ['ﬀ', 'Ff'], ['ﬁ', 'Fi'], ['ﬂ', 'Fl'], ['ﬃ', 'Ffi'], ['ﬄ', 'Ffl'], ['ﬅ', 'St'], ['ﬆ', 'St'],
  ['ŉ', 'ʼN'], ['ǰ', 'J̌'], ['Ǆ', 'ǅ'], ['ǅ', 'ǅ'], ['ǆ', 'ǅ'], ['Ǉ', 'ǈ'], ['ǈ', 'ǈ'], ['ǉ', 'ǈ'], ['Ǌ', 'ǋ'],
  ['ǋ', 'ǋ'], ['ǌ', 'ǋ'], ['Ǳ', 'ǲ'], ['ǲ', 'ǲ'], ['ǳ', 'ǲ'], ['և', 'Եւ'], ['ﬓ', 'Մն'], ['ﬔ', 'Մե'], ['ﬕ', 'Մի'],
  ['ﬖ', 'Վն'], ['ﬗ', 'Մխ'],
]);

function titleRune(c: string): string {
  const special = TITLE_SPECIAL.get(c);
  if (special !== undefined) return special;
  const r = c.codePointAt(0) as number;
  // Georgian Mkhedruli letters are their own title case (their upper case is Mtavruli).
  if ((r >= 0x10d0 && r <= 0x10fa) || (r >= 0x10fd && r <= 0x10ff)) return c;
  // Greek with ypogegrammeni title-cases to one rune (ᾀ → ᾈ), unlike its full upper case.
  if ((r >= 0x1f80 && r <= 0x1faf) || r === 0x1fb3 || r === 0x1fc3 || r === 0x1ff3) return simpleCase(c, true);
  return c.toUpperCase();
}

const CASED = /[\p{Lowercase}\p{Uppercase}\p{Lt}]/u;
const MID = /^[:\u00b7\u0387\u05f4\u2027\ufe13\ufe55\uff1a.\u2018\u2019\u2024\ufe52\uff07\uff0e']$/u;
// Word-break Letter group of x/text: ALetter, Numeric, ExtendNumLet, Extend, Format (Cf without ZWSP), ZWJ.
// Ideographs, kana and the Southeast Asian scripts are not ALetter: they break words.
const LETTER_LIKE = /(?![\p{Ideographic}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}])[\p{L}\p{M}\p{Nd}\p{Nl}\p{Pc}\u200c\u200d]|(?![\u200b])\p{Cf}/u;

/**
 * `cases.Title(language.AmericanEnglish, cases.NoLower)` (golang.org/x/text v0.43.0 `cases/map.go`
 * `titleCaser.Transform`): the first cased letter after a word break is upper-cased, the rest kept. Letters, digits,
 * marks and `_` never break; "Mid" runes (`:` `.` `'` `·` `’` …) do not break unless two follow each other; anything
 * else breaks: `x.y` → `X.y`, `1st` → `1St`, `foo-bar` → `Foo-Bar`, `a:b` → `A:b`.
 */
function title(s: string): string {
  let out = '';
  let isMidWord = false;
  let prevMid = false;
  for (const c of s) {
    const mid = MID.test(c);
    if (prevMid && mid) isMidWord = false;
    if (CASED.test(c)) {
      if (!isMidWord) {
        out += titleRune(c);
        isMidWord = true;
      } else out += c;
    } else {
      out += c;
      if (!mid && !LETTER_LIKE.test(c)) isMidWord = false;
    }
    prevMid = mid;
  }
  return out;
}

const UNIT_NS: ReadonlyMap<string, { pos: number; mult: bigint }> = new Map([
  ['y', { pos: 1, mult: 365n * 24n * 3600n * 1_000_000_000n }],
  ['w', { pos: 2, mult: 7n * 24n * 3600n * 1_000_000_000n }],
  ['d', { pos: 3, mult: 24n * 3600n * 1_000_000_000n }],
  ['h', { pos: 4, mult: 3600n * 1_000_000_000n }],
  ['m', { pos: 5, mult: 60n * 1_000_000_000n }],
  ['s', { pos: 6, mult: 1_000_000_000n }],
  ['ms', { pos: 7, mult: 1_000_000n }],
]);

/** `model.ParseDuration` (prometheus/common v0.72.1), in ns. */
function parseModelDuration(s: string): bigint {
  if (s === '0') return 0n;
  if (s === '') throw new GoCallError('empty duration string');
  const invalid = (): never => {
    throw new GoCallError(`not a valid duration string: ${goQuote(s)}`);
  };
  let rest = s;
  let dur = 0n;
  let lastUnitPos = 0;
  while (rest !== '') {
    const dm = /^[0-9]+/.exec(rest);
    if (dm === null) return invalid();
    const v = BigInt(dm[0]);
    if (v > (1n << 64n) - 1n) invalid();
    rest = rest.slice(dm[0].length);
    const um = /^[^0-9]+/.exec(rest);
    if (um === null) return invalid();
    const u = um[0];
    rest = rest.slice(u.length);
    const unit = UNIT_NS.get(u);
    if (unit === undefined) throw new GoCallError(`unknown unit ${goQuote(u)} in duration ${goQuote(s)}`);
    if (unit.pos <= lastUnitPos) invalid();
    lastUnitPos = unit.pos;
    if (v > (1n << 63n) / unit.mult) throw new GoCallError('duration out of range');
    dur += v * unit.mult;
    if (dur > (1n << 63n) - 1n) throw new GoCallError('duration out of range');
  }
  return dur;
}

function parseDurationAllowNegative(s: string): bigint {
  if (s === '' || s[0] !== '-') return parseModelDuration(s);
  return -parseModelDuration(s.slice(1));
}

/** `url.URL.Path` of the external URL (decoded). */
function urlPath(u: string): string {
  const m = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^/?#]*([^?#]*)/.exec(u);
  const p = m === null ? (/^[^?#]*/.exec(u)?.[0] ?? '') : (m[1] ?? '');
  try {
    return decodeURIComponent(p);
  } catch {
    return p;
  }
}

function sampleOf(v: GoValue): GoSample {
  const s = v as GoSample;
  if (s.isNil) throw new GoCallError('runtime error: invalid memory address or nil pointer dereference');
  return s;
}

const fn = (params: GoFunc['params'], call: GoFunc['call'], variadic?: GoFunc['variadic']): GoFunc =>
  variadic === undefined ? { params, call } : { params, variadic, call };

/**
 * Prometheus's functions. `env()` gives the environment of the expansion running now; the map is built once and
 * shared, so an expansion allocates no closures.
 */
export function prometheusFuncs(envOf: () => FuncEnv): FuncMap {
  return new Map<string, GoFunc>([
    ['query', fn(['string'], (a) => {
      const q = a[0] as string;
      const ans = envOf().answers.get(q);
      if (ans === undefined) throw new NeedQuery(q);
      if ('error' in ans) throw new GoCallError(ans.error);
      // A fresh slice per call, as Go's query: sortByLabel sorts in place.
      return new GoQueryResult([...ans.samples]);
    })],
    ['first', fn(['queryResult'], (a) => {
      const v = a[0] as GoQueryResult;
      if (v.length > 0) return (v.items as GoSample[])[0];
      throw new GoCallError('first() called on vector with no elements');
    })],
    ['label', fn(['string', 'sample'], (a) => (sampleOf(a[1]).labels.entries?.get(a[0] as string) as string | undefined) ?? '')],
    ['value', fn(['sample'], (a) => sampleOf(a[0]).value)],
    ['strvalue', fn(['sample'], (a) => sampleOf(a[0]).labels.entries?.get('__value__') ?? '')],
    ['args', fn([], (a) => new GoMap('any', new Map(a.map((v, i) => [`arg${i}`, v]))), 'any')],
    ['reReplaceAll', fn(['string', 'string', 'string'], (a) => {
      let re: RE2JS;
      try {
        re = compile(a[0] as string);
      } catch (e) {
        throw new GoCallError(`regexp: Compile(${reQuote(a[0] as string)}): ${regexpError(e)}`);
      }
      return replaceAll(re, a[2] as string, a[1] as string);
    })],
    ['safeHtml', fn(['string'], (a) => new GoHTML(a[0] as string))],
    ['match', fn(['string', 'string'], (a) => {
      let re: RE2JS;
      try {
        re = compile(a[0] as string);
      } catch (e) {
        throw new GoCallError(regexpError(e));
      }
      return re.matcher(a[1] as string).find();
    })],
    ['title', fn(['string'], (a) => title(a[0] as string))],
    ['toUpper', fn(['string'], (a) => mapRunes(a[0] as string, true))],
    ['toLower', fn(['string'], (a) => mapRunes(a[0] as string, false))],
    ['graphLink', fn(['string'], (a) => `/graph?g0.expr=${queryEscape(a[0] as string)}&g0.tab=0`)],
    ['tableLink', fn(['string'], (a) => `/graph?g0.expr=${queryEscape(a[0] as string)}&g0.tab=1`)],
    ['sortByLabel', fn(['string', 'queryResult'], (a) => {
      const label = a[0] as string;
      const v = a[1] as GoQueryResult;
      if (v.items !== undefined) {
        const key = (s: GoSample): string => (s.labels.entries?.get(label) as string | undefined) ?? '';
        // Array#sort is stable, as sort.Stable.
        v.items.sort((x, y) => compareGoStrings(key(x), key(y)));
      }
      return v;
    })],
    ['stripPort', fn(['string'], (a) => splitHostPort(a[0] as string)?.host ?? (a[0] as string))],
    ['stripDomain', fn(['string'], (a) => {
      const hostPort = a[0] as string;
      const hp = splitHostPort(hostPort);
      let host = hp?.host ?? hostPort;
      const port = hp?.port ?? '';
      if (isIPAddr(host)) return hostPort;
      host = host.split('.')[0] as string;
      return port !== '' ? joinHostPort(host, port) : host;
    })],
    ['humanize', fn(['any'], (a) => humanize(a[0]))],
    ['humanize1024', fn(['any'], (a) => humanize1024(a[0]))],
    ['humanizeDuration', fn(['any'], (a) => humanizeDuration(a[0]))],
    ['humanizePercentage', fn(['any'], (a) => g4(convertToFloat(a[0]) * 100, '%'))],
    ['humanizeTimestamp', fn(['any'], (a) => humanizeTimestamp(a[0]))],
    ['toTime', fn(['any'], (a) => floatToTime(convertToFloat(a[0])))],
    ['toDuration', fn(['any'], (a) => {
      const v = convertToFloat(a[0]) * 1e9;
      // time.Duration(v): out-of-range conversions give int64's minimum on amd64.
      const ns = Number.isFinite(v) && Math.abs(v) < 9.223372036854776e18 ? BigInt(Math.trunc(v)) : -(1n << 63n);
      return new GoDuration(ns);
    })],
    ['now', fn([], () => envOf().evalTimeMs / 1000)],
    ['pathPrefix', fn([], () => urlPath(envOf().externalURL))],
    ['externalURL', fn([], () => envOf().externalURL)],
    ['parseDuration', fn(['string'], (a) => Number(parseDurationAllowNegative(a[0] as string)) / 1e9)],
    ['urlQueryEscape', fn(['string'], (a) => queryEscape(a[0] as string))],
  ]);
}

/** Every function name Prometheus defines (the parser's "function … not defined" check). */
export const PROMETHEUS_FUNC_NAMES: readonly string[] = [
  'query', 'first', 'label', 'value', 'strvalue', 'args', 'reReplaceAll', 'safeHtml', 'match', 'title', 'toUpper',
  'toLower', 'graphLink', 'tableLink', 'sortByLabel', 'stripPort', 'stripDomain', 'humanize', 'humanize1024',
  'humanizeDuration', 'humanizePercentage', 'humanizeTimestamp', 'toTime', 'toDuration', 'now', 'pathPrefix',
  'externalURL', 'parseDuration', 'urlQueryEscape',
];
