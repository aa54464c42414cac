import { isUtf8 } from 'node:buffer';
import { ExpositionParseError } from '../errors.js';
import type { MetricType } from '../model/metadata.js';
import type { ExpositionFormat, ParsedFamily, ParsedSample } from './types.js';

export interface ParseExpositionOptions {
  /** Default `text` (Prometheus text 0.0.4). `openmetrics` parses OpenMetrics 1.0 text (see below). */
  readonly format?: ExpositionFormat;
}

/**
 * Parses a Prometheus text-format exposition (0.0.4) — strictly, with the rules and messages of
 * prometheus/common `expfmt.TextParser` (what Pushgateway and `promtool check metrics` use) — or, with
 * `format: 'openmetrics'`, OpenMetrics 1.0 text.
 *
 * Text 0.0.4, as expfmt: lines end with `\n` including the last (a trailing run of blanks is fine); blank
 * lines and `#` comments other than HELP/TYPE are ignored; `# HELP`/`# TYPE` at most once per family and
 * TYPE before the family's first sample; types counter, gauge, summary, histogram, untyped
 * (case-insensitive); metric names `[a-zA-Z_:][a-zA-Z0-9_:]*`, label names `[a-zA-Z_][a-zA-Z0-9_]*`, no
 * `__name__` label, no duplicate label names, trailing comma allowed; label values escape only `\\`, `\"`,
 * `\n`; HELP escapes `\\`, `\n` (and `\"`, as current expfmt); values Go `ParseFloat` syntax (decimal,
 * `NaN`, `[+-]Inf(inity)`, case-insensitive; no hex, no `_`, out-of-range is an error); timestamps int64 ms;
 * nothing after the timestamp, not even blanks. `_sum`/`_count` (and `_bucket`) samples join a summary
 * (histogram) family declared by TYPE, whose `quantile` (`le`) label must be a float. Interleaved families
 * and duplicate series are accepted, as expfmt does. Not supported: the quoted UTF-8 names of text 1.0.0.
 *
 * OpenMetrics 1.0 (enough for our own output and prom-client's): `# TYPE`, `# UNIT`, `# HELP` before the
 * family's samples, no other comments, no blank lines, single spaces, no interleaving, `# EOF` last;
 * types counter (`_total`, `_created`), gauge, summary, histogram, unknown (→ `untyped`); HELP and label
 * values escape `\\`, `\"`, `\n`; timestamps are seconds (returned × 1000); exemplars are checked and
 * dropped. `gaugehistogram`, `stateset`, `info` are rejected as unsupported.
 *
 * Both: families without samples are left out (as expfmt does); input must be valid UTF-8 (a Uint8Array is
 * checked byte-wise; a string must not hold lone surrogates) — stricter than expfmt, which checks label
 * values only.
 *
 * @returns families in order of first appearance, samples in input order.
 * @throws ExpositionParseError (`FPB_ERR_EXPOSITION_PARSE`, 1-based `line`) on the first malformed line; never
 *   anything else, whatever the input.
 */
export function parseTextExposition(input: string | Uint8Array, options: ParseExpositionOptions = {}): ParsedFamily[] {
  const text = typeof input === 'string' ? checkString(input) : decodeUtf8(input);
  const parser = new Parser(text);
  if (options.format === 'openmetrics') parser.parseOpenMetrics();
  else parser.parseText();
  return parser.result();
}

/**
 * Constructor of label records: objects whose prototype chain holds no property at all (its prototype is an
 * empty object with a null prototype), so `__proto__`, `constructor`, `toString` are ordinary label names.
 * Unlike `Object.create(null)` objects, which V8 keeps in slow dictionary mode, these get fast hidden
 * classes (the trick of Node's `querystring`): measured, label parsing took ~40% less time.
 */
const LabelRecordProto = function LabelRecord(this: Record<string, string>): void {} as unknown as new () => Record<string, string>;
LabelRecordProto.prototype = Object.create(null) as object;

function newLabels(): Record<string, string> {
  return new LabelRecordProto();
}

interface FamilyState {
  name: string;
  type: MetricType;
  typeSet: boolean;
  help: string | undefined;
  unit: string | undefined;
  samples: ParsedSample[];
  /** OpenMetrics: a later family has started, so this one is closed. */
  closed: boolean;
}

const C_TAB = 9;
const C_LF = 10;
const C_SPACE = 32;
const C_QUOTE = 34;
const C_HASH = 35;
const C_COMMA = 44;
const C_EQ = 61;
const C_BACKSLASH = 92;
const C_LBRACE = 123;
const C_RBRACE = 125;

const TEXT_TYPES: Readonly<Record<string, MetricType>> = {
  COUNTER: 'counter',
  GAUGE: 'gauge',
  SUMMARY: 'summary',
  HISTOGRAM: 'histogram',
  UNTYPED: 'untyped',
};
const OPENMETRICS_TYPES: Readonly<Record<string, MetricType>> = {
  counter: 'counter',
  gauge: 'gauge',
  summary: 'summary',
  histogram: 'histogram',
  unknown: 'untyped',
};
const OPENMETRICS_UNSUPPORTED_TYPES = new Set(['gaugehistogram', 'stateset', 'info']);

const DECIMAL_FLOAT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const INF_FLOAT = /^[+-]?inf(?:inity)?$/i;
const NAN_FLOAT = /^nan$/i;
const INTEGER = /^[+-]?\d+$/;
const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;

function isBlank(c: number): boolean {
  return c === C_SPACE || c === C_TAB;
}

function isNameStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
}

function isNameChar(c: number): boolean {
  return isNameStart(c) || (c >= 48 && c <= 57);
}

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

function q(s: string): string {
  return JSON.stringify(s);
}

function charName(c: number): string {
  return Number.isNaN(c) ? 'end of line' : q(String.fromCharCode(c));
}

class Parser {
  private readonly s: string;
  private pos = 0;
  private line = 0;
  /** Exclusive end of the current line (index of its `\n`). */
  private end = 0;
  private readonly families = new Map<string, FamilyState>();
  private current: FamilyState | undefined;
  /** Names of the previous sample line, by position: hints for {@link readName}. */
  private lastMetricName: string | undefined;
  private readonly lastLabelNames: string[] = [];
  private nextBackslash = -1;

  constructor(s: string) {
    this.s = s;
  }

  result(): ParsedFamily[] {
    const out: ParsedFamily[] = [];
    for (const f of this.families.values()) {
      if (f.samples.length === 0) continue;
      const family: { -readonly [K in keyof ParsedFamily]: ParsedFamily[K] } = { name: f.name, type: f.type, samples: f.samples };
      if (f.help !== undefined) family.help = f.help;
      if (f.unit !== undefined) family.unit = f.unit;
      out.push(family);
    }
    return out;
  }

  private fail(message: string): never {
    throw new ExpositionParseError(this.line, message);
  }

  private code(): number {
    return this.pos < this.end ? this.s.charCodeAt(this.pos) : NaN;
  }

  private skipBlanks(): void {
    while (this.pos < this.end && isBlank(this.s.charCodeAt(this.pos))) this.pos++;
  }

  /** Sets `end` for the line starting at `pos`; false (and `end` = input length) when it has no `\n`. */
  private startLine(): boolean {
    this.line++;
    const nl = this.s.indexOf('\n', this.pos);
    this.end = nl < 0 ? this.s.length : nl;
    return nl >= 0;
  }

  /**
   * Reads a metric (`metric`) or label name at `pos`; '' when none starts there. `hint` is the name seen at
   * the same place on an earlier line: lines of one family repeat their names, and reusing the earlier string
   * saves an allocation per name.
   */
  private readName(metric: boolean, hint?: string): string {
    const start = this.pos;
    const s = this.s;
    if (hint !== undefined && s.startsWith(hint, start)) {
      const after = start + hint.length;
      const c = after < this.end ? s.charCodeAt(after) : NaN;
      if (after <= this.end && !(isNameChar(c) || (metric && c === 58))) {
        this.pos = after;
        return hint;
      }
    }
    if (this.pos < this.end) {
      const c = s.charCodeAt(this.pos);
      if (isNameStart(c) || (metric && c === 58)) this.pos++;
      else return '';
    }
    while (this.pos < this.end) {
      const c = s.charCodeAt(this.pos);
      if (isNameChar(c) || (metric && c === 58)) this.pos++;
      else break;
    }
    return s.slice(start, this.pos);
  }

  /** Reads up to the next blank or end of line. */
  private readToken(): string {
    const start = this.pos;
    while (this.pos < this.end && !isBlank(this.s.charCodeAt(this.pos))) this.pos++;
    return this.s.slice(start, this.pos);
  }

  /** Reads a token ending at a single space or end of line (OpenMetrics). */
  private readOmToken(): string {
    const start = this.pos;
    while (this.pos < this.end && this.s.charCodeAt(this.pos) !== C_SPACE) this.pos++;
    return this.s.slice(start, this.pos);
  }

  /**
   * Reads an escaped string up to end of line (HELP). `quoteEscape`: whether `\"` is an escape.
   */
  private readEscapedToEnd(quoteEscape: boolean): string {
    const s = this.s;
    const start = this.pos;
    let i = this.backslashFrom(start);
    if (i >= this.end) {
      this.pos = this.end;
      return s.slice(start, this.end);
    }
    let out = s.slice(start, i);
    while (i < this.end) {
      const c = s.charCodeAt(i);
      if (c === C_BACKSLASH) {
        const n = i + 1 < this.end ? s.charCodeAt(i + 1) : NaN;
        if (n === C_BACKSLASH) out += '\\';
        else if (n === 110) out += '\n';
        else if (n === C_QUOTE && quoteEscape) out += '"';
        else this.fail(`invalid escape sequence '\\${Number.isNaN(n) ? '<new-line>' : String.fromCharCode(n)}'`);
        i += 2;
      } else {
        const stop = Math.min(this.backslashFrom(i), this.end);
        out += s.slice(i, stop);
        i = stop;
      }
    }
    this.pos = this.end;
    return out;
  }

  /**
   * Index of the first backslash at or after `from` (Infinity when none). Cached: the positions asked for
   * only grow, so the input is scanned once in total — an unbounded `indexOf` per line would be quadratic
   * on inputs without backslashes.
   */
  private backslashFrom(from: number): number {
    if (this.nextBackslash < from) {
      const b = this.s.indexOf('\\', from);
      this.nextBackslash = b < 0 ? Infinity : b;
    }
    return this.nextBackslash;
  }

  /** Reads a quoted label value; `pos` is at the opening quote. */
  private readLabelValue(labelName: string): string {
    const s = this.s;
    const start = this.pos + 1;
    // Fast path: no backslash before the closing quote, found with native (vectorised) indexOf.
    const quote = s.indexOf('"', start);
    if (quote >= 0 && quote < this.end) {
      if (this.backslashFrom(start) > quote) {
        this.pos = quote + 1;
        return s.slice(start, quote);
      }
    }
    let i = start;
    let out: string | undefined;
    let chunkStart = start;
    for (;;) {
      if (i >= this.end) {
        const partial = (out ?? '') + s.slice(chunkStart, this.end);
        this.fail(`label value ${q(partial)} of label ${q(labelName)} is not terminated: unescaped new-line or end of input`);
      }
      const c = s.charCodeAt(i);
      if (c === C_QUOTE) break;
      if (c === C_BACKSLASH) {
        const n = i + 1 < this.end ? s.charCodeAt(i + 1) : NaN;
        let rep: string;
        if (n === C_BACKSLASH) rep = '\\';
        else if (n === C_QUOTE) rep = '"';
        else if (n === 110) rep = '\n';
        else this.fail(`invalid escape sequence '\\${Number.isNaN(n) ? '<new-line>' : String.fromCharCode(n)}' in label value of ${q(labelName)}`);
        out = (out ?? '') + s.slice(chunkStart, i) + rep;
        i += 2;
        chunkStart = i;
        continue;
      }
      i++;
    }
    this.pos = i + 1;
    return out === undefined ? s.slice(start, i) : out + s.slice(chunkStart, i);
  }

  // ---------------------------------------------------------------- text 0.0.4

  parseText(): void {
    const s = this.s;
    while (this.pos < s.length) {
      const terminated = this.startLine();
      this.skipBlanks();
      if (this.pos === this.end) {
        if (!terminated) return; // trailing blanks without newline: expfmt accepts them
        this.pos++;
        continue;
      }
      if (!terminated) this.fail('unexpected end of input stream: the last line must end with a new-line');
      const c = s.charCodeAt(this.pos);
      if (c === C_HASH) this.textComment();
      else this.textSample();
      this.pos = this.end + 1;
    }
  }

  private textComment(): void {
    this.pos++;
    this.skipBlanks();
    const keyword = this.readToken();
    if (this.pos === this.end) return;
    if (keyword !== 'HELP' && keyword !== 'TYPE') return;
    this.skipBlanks();
    const name = this.readName(true);
    if (this.pos === this.end) return;
    if (name === '' || !isBlank(this.s.charCodeAt(this.pos))) {
      this.fail(`invalid metric name in comment: expected a name matching [a-zA-Z_:][a-zA-Z0-9_:]* after ${keyword}`);
    }
    const family = this.textFamily(name);
    this.skipBlanks();
    if (this.pos === this.end) return;
    if (keyword === 'HELP') {
      if (family.help !== undefined) this.fail(`second HELP line for metric name ${q(family.name)}`);
      family.help = this.readEscapedToEnd(true);
      return;
    }
    if (family.typeSet) this.fail(`second TYPE line for metric name ${q(family.name)}, or TYPE reported after samples`);
    const typeToken = this.s.slice(this.pos, this.end);
    const type = TEXT_TYPES[typeToken.toUpperCase()];
    if (type === undefined) {
      if (typeToken.toUpperCase() === 'GAUGE_HISTOGRAM') this.fail(`unsupported metric type ${q(typeToken)}`);
      this.fail(`unknown metric type ${q(typeToken)}: expected counter, gauge, histogram, summary or untyped`);
    }
    family.type = type;
    family.typeSet = true;
  }

  /** expfmt `setOrCreateCurrentMF`: exact name, else the summary/histogram the suffix belongs to, else new. */
  private textFamily(name: string): FamilyState {
    const exact = this.families.get(name);
    if (exact !== undefined) return exact;
    const base = name.endsWith('_count') ? name.slice(0, -6) : name.endsWith('_sum') ? name.slice(0, -4) : undefined;
    if (base !== undefined && base !== '') {
      const f = this.families.get(base);
      if (f !== undefined && (f.type === 'summary' || f.type === 'histogram') && f.typeSet) return f;
    }
    if (name.endsWith('_bucket') && name.length > 7) {
      const f = this.families.get(name.slice(0, -7));
      if (f !== undefined && f.type === 'histogram' && f.typeSet) return f;
    }
    const created = newFamily(name);
    this.families.set(name, created);
    return created;
  }

  private textSample(): void {
    const name = this.readName(true, this.lastMetricName);
    this.lastMetricName = name;
    if (name === '') {
      const c = this.code();
      this.fail(
        c === C_LBRACE
          ? 'expected a metric name before "{" (quoted UTF-8 metric names are not supported)'
          : `invalid metric name: expected [a-zA-Z_:][a-zA-Z0-9_:]*, found ${charName(c)}`,
      );
    }
    const family = this.textFamily(name);
    if (!family.typeSet) {
      family.type = 'untyped';
      family.typeSet = true;
    }
    this.skipBlanks();
    let labels: Record<string, string> = newLabels();
    if (this.code() === C_LBRACE) {
      this.pos++;
      labels = this.textLabels(family);
      this.skipBlanks();
    }
    const valueToken = this.readToken();
    const value = parseGoFloat(valueToken);
    if (value === undefined) this.fail(`expected float as value, got ${q(valueToken)}`);
    if (this.pos === this.end) {
      family.samples.push({ name, labels, value });
      return;
    }
    this.skipBlanks();
    const tsToken = this.readToken();
    const timestampMs = parseInt64(tsToken);
    if (timestampMs === undefined) {
      this.fail(
        tsToken === ''
          ? 'expected integer as timestamp, got "" (blanks after the value)'
          : `expected integer as timestamp, got ${q(tsToken)}`,
      );
    }
    if (this.pos !== this.end) this.fail(`spurious string after timestamp: ${q(this.s.slice(this.pos, this.end))}`);
    family.samples.push({ name, labels, value, timestampMs });
  }

  private textLabels(family: FamilyState): Record<string, string> {
    const labels: Record<string, string> = newLabels();
    for (let k = 0; ; k++) {
      this.skipBlanks();
      if (this.code() === C_RBRACE) {
        this.pos++;
        return labels;
      }
      const labelName = this.readName(false, this.lastLabelNames[k]);
      this.lastLabelNames[k] = labelName;
      if (labelName === '') {
        const c = this.code();
        this.fail(
          `invalid label name for metric ${q(family.name)}: expected [a-zA-Z_][a-zA-Z0-9_]*${c === C_QUOTE ? ' (quoted label names are not supported)' : ''}, found ${charName(c)}`,
        );
      }
      this.skipBlanks();
      if (this.code() !== C_EQ) this.fail(`expected '=' after label name ${q(labelName)}, found ${charName(this.code())}`);
      this.pos++;
      if (labelName === '__name__') this.fail('label name "__name__" is reserved');
      if (labelName in labels) this.fail(`duplicate label names for metric ${q(family.name)}: ${q(labelName)}`);
      this.skipBlanks();
      if (this.code() !== C_QUOTE) this.fail(`expected '"' at start of label value, found ${charName(this.code())}`);
      const value = this.readLabelValue(labelName);
      this.checkSpecialLabel(family, labelName, value);
      labels[labelName] = value;
      this.skipBlanks();
      const c = this.code();
      if (c === C_COMMA) {
        this.pos++;
        continue;
      }
      if (c === C_RBRACE) {
        this.pos++;
        return labels;
      }
      this.fail(`unexpected end of label value ${q(value)}: expected ',' or '}', found ${charName(c)}`);
    }
  }

  private checkSpecialLabel(family: FamilyState, labelName: string, value: string): void {
    if (labelName === 'quantile' && family.type === 'summary' && parseGoFloat(value) === undefined) {
      this.fail(`expected float as value for 'quantile' label, got ${q(value)}`);
    }
    if (labelName === 'le' && family.type === 'histogram' && parseGoFloat(value) === undefined) {
      this.fail(`expected float as value for 'le' label, got ${q(value)}`);
    }
  }

  // ---------------------------------------------------------------- OpenMetrics 1.0

  parseOpenMetrics(): void {
    const s = this.s;
    for (;;) {
      if (this.pos >= s.length) {
        this.line++;
        this.fail('missing "# EOF" at the end of OpenMetrics input');
      }
      const terminated = this.startLine();
      if (this.pos === this.end) this.fail('empty line (not allowed in OpenMetrics)');
      if (s.charCodeAt(this.pos) === C_HASH) {
        if (s.slice(this.pos, this.end) === '# EOF') {
          if (terminated && this.end + 1 < s.length) {
            this.line++;
            this.fail('content after "# EOF"');
          }
          return;
        }
        if (!terminated) this.fail('missing new-line at the end of the line (and "# EOF")');
        this.omMetadata();
      } else {
        if (!terminated) this.fail('missing new-line at the end of the line (and "# EOF")');
        this.omSample();
      }
      this.pos = this.end + 1;
    }
  }

  private omMetadata(): void {
    const s = this.s;
    const line = s.slice(this.pos, this.end);
    const m = /^# (TYPE|HELP|UNIT) /.exec(line);
    if (m === null) this.fail('expected "# TYPE ", "# HELP ", "# UNIT " or "# EOF" (other comments are not allowed in OpenMetrics)');
    const keyword = m[1] as 'TYPE' | 'HELP' | 'UNIT';
    this.pos += m[0].length;
    const name = this.readName(true);
    if (name === '') this.fail(`invalid metric name in ${keyword} line`);
    if (keyword === 'HELP' || keyword === 'UNIT') {
      if (this.pos === this.end) this.fail(`expected " " after the metric name of the ${keyword} line`);
    }
    if (this.pos < this.end && s.charCodeAt(this.pos) !== C_SPACE) this.fail(`invalid metric name in ${keyword} line`);
    if (this.pos === this.end && keyword === 'TYPE') this.fail('expected a metric type after the metric name');
    this.pos++;
    const family = this.omFamilyForMetadata(name);
    if (family.samples.length > 0) this.fail(`${keyword} line for metric family ${q(name)} after its samples`);
    if (keyword === 'TYPE') {
      if (family.typeSet) this.fail(`second TYPE line for metric family ${q(name)}`);
      const token = s.slice(this.pos, this.end);
      const type = OPENMETRICS_TYPES[token];
      if (type === undefined) {
        if (OPENMETRICS_UNSUPPORTED_TYPES.has(token)) this.fail(`unsupported OpenMetrics type ${q(token)}`);
        this.fail(`unknown metric type ${q(token)}: expected counter, gauge, histogram, summary or unknown`);
      }
      family.type = type;
      family.typeSet = true;
    } else if (keyword === 'HELP') {
      if (family.help !== undefined) this.fail(`second HELP line for metric family ${q(name)}`);
      family.help = this.readEscapedToEnd(true);
    } else {
      if (family.unit !== undefined) this.fail(`second UNIT line for metric family ${q(name)}`);
      const unit = s.slice(this.pos, this.end);
      if (unit !== '' && !/^[a-zA-Z0-9_:]+$/.test(unit)) this.fail(`invalid unit ${q(unit)}`);
      if (unit !== '' && !name.endsWith(`_${unit}`)) this.fail(`unit ${q(unit)} is not a suffix of the metric family name ${q(name)}`);
      family.unit = unit;
    }
  }

  private omFamilyForMetadata(name: string): FamilyState {
    const cur = this.current;
    if (cur !== undefined && cur.name === name) return cur;
    const existing = this.families.get(name);
    if (existing !== undefined) this.fail(`metric family ${q(name)} appears twice (interleaved families are not allowed in OpenMetrics)`);
    return this.omOpenFamily(name);
  }

  private omOpenFamily(name: string): FamilyState {
    if (this.current !== undefined) this.current.closed = true;
    const created = newFamily(name);
    this.families.set(name, created);
    this.current = created;
    return created;
  }

  private omSampleBelongs(family: FamilyState, sampleName: string): boolean {
    const base = family.name;
    if (!sampleName.startsWith(base)) return false;
    const suffix = sampleName.slice(base.length);
    switch (family.type) {
      case 'counter':
        return suffix === '_total' || suffix === '_created';
      case 'summary':
        return suffix === '' || suffix === '_count' || suffix === '_sum' || suffix === '_created';
      case 'histogram':
        return suffix === '_bucket' || suffix === '_count' || suffix === '_sum' || suffix === '_created';
      default:
        return suffix === '';
    }
  }

  private omSample(): void {
    const name = this.readName(true, this.lastMetricName);
    this.lastMetricName = name;
    if (name === '') this.fail(`invalid metric name: expected [a-zA-Z_:][a-zA-Z0-9_:]*, found ${charName(this.code())}`);
    let family = this.current;
    if (family === undefined || !this.omSampleBelongs(family, name)) {
      const existing = this.families.get(name);
      if (existing !== undefined) {
        this.fail(
          existing.closed
            ? `metric family ${q(name)} appears twice (interleaved families are not allowed in OpenMetrics)`
            : `sample name ${q(name)} does not fit metric family ${q(existing.name)} of type ${existing.type}`,
        );
      }
      family = this.omOpenFamily(name);
      family.typeSet = true;
    }
    let labels: Record<string, string> = newLabels();
    if (this.code() === C_LBRACE) {
      this.pos++;
      labels = this.omLabels(family);
    }
    if (this.code() !== C_SPACE) this.fail(`expected " " and a value after the metric name and labels, found ${charName(this.code())}`);
    this.pos++;
    const valueToken = this.readOmToken();
    const value = parseGoFloat(valueToken);
    if (value === undefined) this.fail(`expected float as value, got ${q(valueToken)}`);
    if (this.pos === this.end) {
      family.samples.push({ name, labels, value });
      return;
    }
    this.pos++;
    let timestampMs: number | undefined;
    if (this.code() !== C_HASH) {
      const tsToken = this.readOmToken();
      const ts = parseGoFloat(tsToken);
      if (ts === undefined || !Number.isFinite(ts)) this.fail(`expected a timestamp (seconds) after the value, got ${q(tsToken)}`);
      timestampMs = ts * 1000;
      if (this.pos < this.end) this.pos++;
      else {
        family.samples.push({ name, labels, value, timestampMs });
        return;
      }
    }
    this.omExemplar(family);
    family.samples.push(timestampMs === undefined ? { name, labels, value } : { name, labels, value, timestampMs });
  }

  private omExemplar(family: FamilyState): void {
    if (this.s.slice(this.pos, this.pos + 3) !== '# {') this.fail(`expected "# {" to start an exemplar, found ${q(this.s.slice(this.pos, this.end))}`);
    this.pos += 3;
    this.omLabels(family, true);
    if (this.code() !== C_SPACE) this.fail('expected " " and a value after the exemplar labels');
    this.pos++;
    const v = this.readOmToken();
    if (parseGoFloat(v) === undefined) this.fail(`expected float as exemplar value, got ${q(v)}`);
    if (this.pos === this.end) return;
    this.pos++;
    const ts = this.readOmToken();
    const t = parseGoFloat(ts);
    if (t === undefined || !Number.isFinite(t)) this.fail(`expected float as exemplar timestamp, got ${q(ts)}`);
    if (this.pos !== this.end) this.fail(`unexpected text after the exemplar: ${q(this.s.slice(this.pos, this.end))}`);
  }

  private omLabels(family: FamilyState, exemplar = false): Record<string, string> {
    const labels: Record<string, string> = newLabels();
    if (this.code() === C_RBRACE) {
      this.pos++;
      return labels;
    }
    for (let k = 0; ; k++) {
      const labelName = this.readName(false, exemplar ? undefined : this.lastLabelNames[k]);
      if (!exemplar) this.lastLabelNames[k] = labelName;
      if (labelName === '') this.fail(`invalid label name for metric ${q(family.name)}: found ${charName(this.code())}`);
      if (this.code() !== C_EQ) this.fail(`expected '=' after label name ${q(labelName)}, found ${charName(this.code())}`);
      this.pos++;
      if (labelName === '__name__' && !exemplar) this.fail('label name "__name__" is reserved');
      if (labelName in labels) this.fail(`duplicate label names for metric ${q(family.name)}: ${q(labelName)}`);
      if (this.code() !== C_QUOTE) this.fail(`expected '"' at start of label value, found ${charName(this.code())}`);
      const value = this.readLabelValue(labelName);
      if (!exemplar) this.checkSpecialLabel(family, labelName, value);
      labels[labelName] = value;
      const c = this.code();
      if (c === C_RBRACE) {
        this.pos++;
        return labels;
      }
      if (c !== C_COMMA) this.fail(`expected ',' or '}' after label value ${q(value)}, found ${charName(c)}`);
      this.pos++;
    }
  }
}

function parseInt64(token: string): number | undefined {
  if (!INTEGER.test(token)) return undefined;
  if (token.length > 15) {
    const big = BigInt(token);
    if (big > INT64_MAX || big < INT64_MIN) return undefined;
  }
  return Number(token);
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function checkString(s: string): string {
  const m = LONE_SURROGATE.exec(s);
  if (m !== null) throw new ExpositionParseError(lineAt(s, m.index), 'invalid UTF-8: lone surrogate');
  return s;
}

function decodeUtf8(bytes: Uint8Array): string {
  if (!isUtf8(bytes)) {
    const at = firstInvalidUtf8(bytes);
    let line = 1;
    for (let i = 0; i < at; i++) if (bytes[i] === C_LF) line++;
    throw new ExpositionParseError(line, `invalid UTF-8 at byte ${at}`);
  }
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
}

function lineAt(s: string, index: number): number {
  let line = 1;
  for (let i = s.indexOf('\n'); i >= 0 && i < index; i = s.indexOf('\n', i + 1)) line++;
  return line;
}

/** Offset of the first byte that starts an invalid UTF-8 sequence (only called on invalid input). */
function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i] as number;
    let n: number;
    let min: number;
    if (c < 0x80) {
      i++;
      continue;
    } else if (c >= 0xc2 && c <= 0xdf) {
      n = 1;
      min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
      n = 2;
      min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
      n = 3;
      min = 0x10000;
    } else return i;
    if (i + n >= b.length) return i;
    let cp = c & (0x3f >> n);
    for (let k = 1; k <= n; k++) {
      const d = b[i + k];
      if (d === undefined || (d & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (d & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += n + 1;
  }
  return b.length;
}

/** A family seen for the first time: untyped until a TYPE line says otherwise. */
function newFamily(name: string): FamilyState {
  return { name, type: 'untyped', typeSet: false, help: undefined, unit: undefined, samples: [], closed: false };
}
