/**
 * `formatExpr`: the canonical one-line text of an AST, a port of the `String()` methods of
 * `promql/parser/printer.go` at v0.316.0 (what Prometheus logs and shows for a parsed query; the multi-line
 * `/api/v1/format_query` prettifier is `prettier.go` and not this). Parsing the output gives the same AST back
 * (up to `pos`), which the tests check on generated ASTs.
 */
import { formatDuration } from '../../config/duration.js';
import { formatFloat } from '../../exposition/format-float.js';
import type { DurationExpr, DurationNode, Expr, LabelMatcher, StartOrEnd } from '../ast.js';
import { goQuote } from './lexer.js';

export interface FormatOptions {
  /** Print names with Unicode letters or dots unquoted (Go's printer does when the parser option was on). */
  readonly unquotedUtf8Names?: boolean;
}

/**
 * Prints an expression like Go's `Expr.String()`: operators spaced, label matchers sorted, durations in
 * Prometheus's units, numbers in Go's shortest fixed notation, strings double-quoted with Go escapes.
 *
 * One deliberate difference: U+FFFD in a string is printed as `\ufffd`, because Go's lexer refuses it literally
 * (Go prints it literally and cannot parse its own output then).
 */
export function formatExpr(e: Expr, options: FormatOptions = {}): string {
  return new Printer(options.unquotedUtf8Names ?? false).expr(e);
}

class Printer {
  constructor(private readonly utf8: boolean) {}

  expr(e: Expr): string {
    switch (e.type) {
      case 'aggregation': {
        let s: string = e.op;
        if (e.without) s += ` without (${labelList(e.grouping, this.utf8)}) `;
        else if (e.grouping.length > 0) s += ` by (${labelList(e.grouping, this.utf8)}) `;
        const args = e.param !== null ? `${this.expr(e.param)}, ${this.expr(e.expr)}` : this.expr(e.expr);
        return `${s}(${args})`;
      }
      case 'binaryExpr':
        return `${this.expr(e.lhs)} ${e.op}${e.bool ? ' bool' : ''}${matchingString(e, this.utf8)} ${this.expr(e.rhs)}`;
      case 'call':
        return `${e.func.name}(${e.args.map((a) => this.expr(a)).join(', ')})`;
      case 'matrixSelector': {
        const range = e.rangeExpr !== null ? durationExprString(e.rangeExpr) : durationString(e.range);
        const extended = e.anchored ? ' anchored' : e.smoothed ? ' smoothed' : '';
        return `${selectorString(e.name, e.matchers, this.utf8)}[${range}]${extended}${atString(e.timestamp, e.startOrEnd)}${offsetString(e.offset, e.offsetExpr)}`;
      }
      case 'subquery': {
        const range = e.rangeExpr !== null ? durationExprString(e.rangeExpr) : durationString(e.range);
        const step = e.stepExpr !== null ? durationExprString(e.stepExpr) : e.step !== 0 ? durationString(e.step) : '';
        return `${this.expr(e.expr)}[${range}:${step}]${atString(e.timestamp, e.startOrEnd)}${offsetString(e.offset, e.offsetExpr)}`;
      }
      case 'numberLiteral':
        return numberString(e.value, e.duration);
      case 'parenExpr':
        return `(${this.expr(e.expr)})`;
      case 'stringLiteral':
        return quote(e.value);
      case 'unaryExpr':
        return `${e.op}${this.expr(e.expr)}`;
      case 'vectorSelector': {
        const extended = e.anchored ? ' anchored' : e.smoothed ? ' smoothed' : '';
        return `${selectorString(e.name, e.matchers, this.utf8)}${atString(e.timestamp, e.startOrEnd)}${extended}${offsetString(e.offset, e.offsetExpr)}`;
      }
    }
  }
}

// VectorSelector.String: the name, then the other matchers sorted as strings; a name given as the last matcher
// (`__name__="name"`) is not repeated.
function selectorString(name: string, matchers: readonly LabelMatcher[], utf8: boolean): string {
  const parts: string[] = [];
  for (const m of matchers) {
    if (m.name === '__name__' && m.op === '=' && m.value === name && m.value !== '') continue;
    const label = labelNameRequiresQuoting(m.name, utf8) ? quote(m.name) : m.name;
    parts.push(`${label}${m.op}${quote(m.value)}`);
  }
  // Go's sort.Strings orders by bytes; for these ASCII-led strings UTF-16 code unit order is the same except
  // across astral characters, which label values rarely hold.
  parts.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return parts.length > 0 ? `${name}{${parts.join(',')}}` : name;
}

// labelNameRequiresQuoting in printer.go: anything but a legacy label name is quoted; with unquoted UTF-8 names, a
// name of Unicode letters, digits, '_' and non-leading '.' is not.
function labelNameRequiresQuoting(s: string, utf8: boolean): boolean {
  if (!utf8) return !/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(s);
  return !/^[\p{L}_][\p{L}0-9_.]*$/u.test(s);
}

function labelList(labels: readonly string[], utf8: boolean): string {
  return labels.map((l) => (labelNameRequiresQuoting(l, utf8) ? quote(l) : l)).join(', ');
}

function quote(s: string): string {
  return goQuote(s).replaceAll('\ufffd', '\\ufffd');
}

function matchingString(e: Extract<Expr, { type: 'binaryExpr' }>, utf8: boolean): string {
  const vm = e.matching;
  if (vm === null) return '';
  let s = '';
  const grouped = vm.card === 'many-to-one' || vm.card === 'one-to-many';
  if (vm.labels.length > 0 || vm.on || grouped) s += ` ${vm.on ? 'on' : 'ignoring'} (${labelList(vm.labels, utf8)})`;
  if (grouped) s += ` group_${vm.card === 'many-to-one' ? 'left' : 'right'} (${labelList(vm.include, utf8)})`;
  const { lhs, rhs } = vm.fillValues;
  // Go compares the two values with ==, so fill(NaN) prints as fill_left (NaN) fill_right (NaN).
  if (lhs !== null && rhs !== null && lhs === rhs) {
    s += ` fill (${formatFloat(lhs)})`;
  } else {
    if (lhs !== null) s += ` fill_left (${formatFloat(lhs)})`;
    if (rhs !== null) s += ` fill_right (${formatFloat(rhs)})`;
  }
  return s;
}

function atString(timestamp: number | null, startOrEnd: StartOrEnd): string {
  if (timestamp !== null) return ` @ ${(timestamp / 1000).toFixed(3)}`;
  if (startOrEnd === 'start') return ' @ start()';
  if (startOrEnd === 'end') return ' @ end()';
  return '';
}

function offsetString(offset: number, offsetExpr: DurationExpr | null): string {
  if (offsetExpr !== null) return ` offset ${durationExprString(offsetExpr)}`;
  if (offset > 0) return ` offset ${durationString(offset)}`;
  if (offset < 0) return ` offset -${durationString(-offset)}`;
  return '';
}

// model.Duration(d).String(): whole milliseconds (truncated), largest units first.
function durationString(ms: number): string {
  return formatDuration(Math.trunc(ms));
}

function numberString(value: number, duration: boolean): string {
  if (duration) {
    // model.Duration(v * 1e9) converts float nanoseconds to int64, truncating; then whole milliseconds.
    const ms = Math.trunc(Math.trunc(Math.abs(value) * 1e9) / 1e6);
    return `${value < 0 ? '-' : ''}${formatDuration(ms)}`;
  }
  return formatFixed(value);
}

/** DurationExpr.writeTo. */
function durationExprString(d: DurationExpr): string {
  let s: string;
  switch (d.op) {
    case 'step':
      s = 'step()';
      break;
    case 'range':
      s = 'range()';
      break;
    case 'min_of':
    case 'max_of':
      s = `${d.op}(${durationNodeString(d.lhs)}, ${durationNodeString(d.rhs)})`;
      break;
    default:
      if (d.lhs === null) s = d.op === '-' ? `-${durationNodeString(d.rhs)}` : durationNodeString(d.rhs);
      else s = `${durationNodeString(d.lhs)} ${d.op} ${durationNodeString(d.rhs)}`;
  }
  return d.wrapped ? `(${s})` : s;
}

function durationNodeString(n: DurationNode | null): string {
  if (n === null) return '';
  return n.type === 'durationExpr' ? durationExprString(n) : numberString(n.value, n.duration);
}

/**
 * Go's `strconv.FormatFloat(v, 'f', -1, 64)`: the shortest digits that round-trip, never in exponent form
 * (`1e21` is `1000000000000000000000`, `1e-7` is `0.0000001`), `NaN`, `+Inf`, `-Inf`, and `-0` for negative zero.
 */
export function formatFixed(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  const a = Math.abs(v);
  const sign = v < 0 ? '-' : '';
  if (a >= 1e-6 && a < 1e21) return String(v);
  // toExponential() gives the same shortest round-trip digits; lay them out without an exponent.
  const [mantissa, expText] = a.toExponential().split('e') as [string, string];
  const digits = mantissa.replace('.', '');
  const exp = Number(expText);
  if (exp >= 0) return sign + digits.padEnd(exp + 1, '0');
  return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
}
