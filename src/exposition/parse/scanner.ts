import { ExpositionParseError } from '../../errors.js';
import type { MetricType } from '../../model/metadata.js';
import type { ParsedFamily, ParsedSample } from '../types.js';
import { parseGoFloat } from './float.js';

/**
 * The lexical layer shared by the text 0.0.4 and OpenMetrics parsers: a cursor over one line at a time
 * (`pos`, `end`, 1-based `line`), names, tokens, escaped strings and quoted label values, and the families
 * collected so far. The format parsers extend it; its members are protected for them, not for other modules.
 */

/**
 * Constructor of label records: objects whose prototype chain holds no property at all (its prototype is an
 * empty object with a null prototype), so `__proto__`, `constructor`, `toString` are ordinary label names.
 * Unlike `Object.create(null)` objects, which V8 keeps in slow dictionary mode, these get fast hidden
 * classes (the trick of Node's `querystring`): measured, label parsing took ~40% less time.
 */
const LabelRecordProto = function LabelRecord(this: Record<string, string>): void {} as unknown as new () => Record<string, string>;
LabelRecordProto.prototype = Object.create(null) as object;

export function newLabels(): Record<string, string> {
  return new LabelRecordProto();
}

export interface FamilyState {
  name: string;
  type: MetricType;
  typeSet: boolean;
  help: string | undefined;
  unit: string | undefined;
  samples: ParsedSample[];
  /** OpenMetrics: a later family has started, so this one is closed. */
  closed: boolean;
}

export const C_TAB = 9;
export const C_LF = 10;
export const C_SPACE = 32;
export const C_QUOTE = 34;
export const C_HASH = 35;
export const C_COMMA = 44;
export const C_EQ = 61;
export const C_BACKSLASH = 92;
export const C_LBRACE = 123;
export const C_RBRACE = 125;

export function isBlank(c: number): boolean {
  return c === C_SPACE || c === C_TAB;
}

export function isNameStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
}

export function isNameChar(c: number): boolean {
  return isNameStart(c) || (c >= 48 && c <= 57);
}

export function q(s: string): string {
  return JSON.stringify(s);
}

export function charName(c: number): string {
  return Number.isNaN(c) ? 'end of line' : q(String.fromCharCode(c));
}

export abstract class Scanner {
  protected readonly s: string;
  protected pos = 0;
  protected line = 0;
  /** Exclusive end of the current line (index of its `\n`). */
  protected end = 0;
  protected readonly families = new Map<string, FamilyState>();
  /** Names of the previous sample line, by position: hints for {@link readName}. */
  protected lastMetricName: string | undefined;
  protected readonly lastLabelNames: string[] = [];
  protected nextBackslash = -1;

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

  protected fail(message: string): never {
    throw new ExpositionParseError(this.line, message);
  }

  protected code(): number {
    return this.pos < this.end ? this.s.charCodeAt(this.pos) : NaN;
  }

  protected skipBlanks(): void {
    while (this.pos < this.end && isBlank(this.s.charCodeAt(this.pos))) this.pos++;
  }

  /** Sets `end` for the line starting at `pos`; false (and `end` = input length) when it has no `\n`. */
  protected startLine(): boolean {
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
  protected readName(metric: boolean, hint?: string): string {
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
  protected readToken(): string {
    const start = this.pos;
    while (this.pos < this.end && !isBlank(this.s.charCodeAt(this.pos))) this.pos++;
    return this.s.slice(start, this.pos);
  }

  /** Reads a token ending at a single space or end of line (OpenMetrics). */
  protected readOmToken(): string {
    const start = this.pos;
    while (this.pos < this.end && this.s.charCodeAt(this.pos) !== C_SPACE) this.pos++;
    return this.s.slice(start, this.pos);
  }

  /**
   * Reads an escaped string up to end of line (HELP). `quoteEscape`: whether `\"` is an escape.
   */
  protected readEscapedToEnd(quoteEscape: boolean): string {
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
  protected backslashFrom(from: number): number {
    if (this.nextBackslash < from) {
      const b = this.s.indexOf('\\', from);
      this.nextBackslash = b < 0 ? Infinity : b;
    }
    return this.nextBackslash;
  }

  /** Reads a quoted label value; `pos` is at the opening quote. */
  protected readLabelValue(labelName: string): string {
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

  protected checkSpecialLabel(family: FamilyState, labelName: string, value: string): void {
    if (labelName === 'quantile' && family.type === 'summary' && parseGoFloat(value) === undefined) {
      this.fail(`expected float as value for 'quantile' label, got ${q(value)}`);
    }
    if (labelName === 'le' && family.type === 'histogram' && parseGoFloat(value) === undefined) {
      this.fail(`expected float as value for 'le' label, got ${q(value)}`);
    }
  }
}

/** A family seen for the first time: untyped until a TYPE line says otherwise. */
export function newFamily(name: string): FamilyState {
  return { name, type: 'untyped', typeSet: false, help: undefined, unit: undefined, samples: [], closed: false };
}
