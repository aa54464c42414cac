import { parseNumber, unquoteString } from '../parser/literals.js';

/**
 * The series notation of Prometheus's test scripts and promtool's `input_series` (`series_description` in
 * `promql/parser/generated_parser.y` at v0.316.0): `name{label="value", …} <values>`, where the values are
 * `a` (one), `axn` (n+1 copies), `a+bxn` / `a-bxn` (n+1 values by repeated addition, rounding as Go's),
 * `_` (one missing sample), `_xn` (n missing samples) and `stale` (a staleness marker).
 */

/** One value of a sequence: a float, a missing sample, a staleness marker, or a native histogram (unsupported). */
export type SequenceValue =
  | { readonly kind: 'float'; readonly v: number }
  | { readonly kind: 'omitted' }
  | { readonly kind: 'stale' }
  | { readonly kind: 'histogram' };

export interface SeriesDesc {
  /** The label set as a record, `__name__` included when given. */
  readonly labels: Readonly<Record<string, string>>;
  readonly values: readonly SequenceValue[];
}

/** A line of the series notation that does not parse. */
export class SeriesDescError extends Error {}

const NUM = String.raw`(?:inf|nan|(?:\d[\d_]*\.?[\d_]*|\.\d[\d_]*)(?:e[+-]?\d+)?)`;
const ITEM_RE = new RegExp(String.raw`^([+-]?${NUM})(?:([+-])(${NUM}))?(?:x(\d+))?$`, 'i');
const BLANK_RE = /^_(?:x(\d+))?$/;

/** Parses one series line. @throws SeriesDescError for anything that is not the notation */
export function parseSeriesDesc(line: string): SeriesDesc {
  try {
    return parseUnchecked(line);
  } catch (err) {
    if (err instanceof SeriesDescError) throw err;
    throw new SeriesDescError(`${err instanceof Error ? err.message : String(err)}: ${line}`);
  }
}

function parseUnchecked(line: string): SeriesDesc {
  let i = 0;
  const labels: Record<string, string> = {};
  const ident = /^[a-zA-Z_:][a-zA-Z0-9_:.]*/.exec(line);
  if (ident !== null) {
    labels['__name__'] = ident[0];
    i = ident[0].length;
  }
  if (line[i] === '{') {
    i++;
    for (;;) {
      while (line[i] === ' ') i++;
      if (line[i] === '}') {
        i++;
        break;
      }
      let name: string;
      if (line[i] === '"' || line[i] === "'" || line[i] === '`') {
        const [s, next] = readString(line, i);
        name = s;
        i = next;
      } else {
        const m = /^[a-zA-Z_][a-zA-Z0-9_.]*/.exec(line.slice(i));
        if (m === null) throw new SeriesDescError(`bad label name at ${i}: ${line}`);
        name = m[0];
        i += m[0].length;
      }
      while (line[i] === ' ') i++;
      if (line[i] === '=') {
        i++;
        while (line[i] === ' ') i++;
        const [value, next] = readString(line, i);
        labels[name] = value;
        i = next;
      } else {
        // `{"metric.name"}`: a quoted metric name on its own.
        labels['__name__'] = name;
      }
      while (line[i] === ' ') i++;
      if (line[i] === ',') i++;
      else if (line[i] !== '}') throw new SeriesDescError(`expected , or } at ${i}: ${line}`);
    }
  }
  const rest = line.slice(i).trim();
  const values: SequenceValue[] = [];
  if (rest.includes('{{')) {
    // Native histogram values: out of scope; keep the count of samples roughly irrelevant, mark them.
    for (const item of rest.split(/\s+(?![^{]*}})/)) {
      if (item.startsWith('{{')) values.push({ kind: 'histogram' });
      else values.push(...parseItem(item));
    }
    return { labels, values };
  }
  for (const item of rest.split(/\s+/)) if (item !== '') values.push(...parseItem(item));
  return { labels, values };
}

function readString(line: string, i: number): [string, number] {
  const q = line[i];
  if (q !== '"' && q !== "'" && q !== '`') throw new SeriesDescError(`expected a quoted string at ${i}: ${line}`);
  let j = i + 1;
  while (j < line.length && line[j] !== q) j += line[j] === '\\' && q !== '`' ? 2 : 1;
  if (j >= line.length) throw new SeriesDescError(`unterminated string at ${i}: ${line}`);
  return [unquoteString(line.slice(i, j + 1)), j + 1];
}

function parseItem(item: string): SequenceValue[] {
  const blank = BLANK_RE.exec(item);
  if (blank !== null) {
    const n = blank[1] === undefined ? 1 : Number(blank[1]);
    return Array.from({ length: n }, () => ({ kind: 'omitted' as const }));
  }
  if (item === 'stale') return [{ kind: 'stale' }];
  // No hex here: in the series notation `0x59` is 0 repeated (Go's lexer reads `x` as TIMES after a number).
  const m = ITEM_RE.exec(item);
  if (m === null) throw new SeriesDescError(`bad series value ${JSON.stringify(item)}`);
  let a = num(m[1] as string);
  if (m[4] === undefined) {
    if (m[2] !== undefined) throw new SeriesDescError(`bad series value ${JSON.stringify(item)}`);
    return [{ kind: 'float', v: a }];
  }
  const n = Number(m[4]);
  const b = m[2] === undefined ? 0 : (m[2] === '-' ? -1 : 1) * num(m[3] as string);
  const out: SequenceValue[] = [];
  for (let k = 0; k <= n; k++) {
    out.push({ kind: 'float', v: a });
    a += b;
  }
  return out;
}

function num(s: string): number {
  const neg = s.startsWith('-');
  const body = s.startsWith('-') || s.startsWith('+') ? s.slice(1) : s;
  const v = parseNumber(body);
  return neg ? -v : v;
}
