import type { LabelSet } from '../../model/labels.js';
import type { Vector } from '../value.js';

/**
 * `sort`, `sort_desc`, `sort_by_label`, `sort_by_label_desc`: ports of `funcSort`, `funcSortDesc`,
 * `funcSortByLabel`, `funcSortByLabelDesc` in `promql/functions.go` (Prometheus v0.316.0) with
 * `github.com/facette/natsort`'s `Compare`. They only order an instant query's output (the evaluator ignores
 * them in range queries). Difference: Go's `sort.Sort` is not stable, so Prometheus orders samples with EQUAL
 * values in an unspecified way; these sorts are stable (input order kept for ties).
 */

/** Byte order of the UTF-8 encodings (Go's string comparison), which is code point order. */
export function compareGoStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ca = a.codePointAt(i) as number;
    const cb = b.codePointAt(i) as number;
    if (ca !== cb) return ca < cb ? -1 : 1;
    if (ca > 0xffff) i++;
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

/** Go's `labels.Compare`: label by label, names then values, then the shorter set first. */
export function compareLabelSets(a: LabelSet, b: LabelSet): number {
  const n = Math.min(a.names.length, b.names.length);
  for (let i = 0; i < n; i++) {
    const an = a.names[i] as string;
    const bn = b.names[i] as string;
    if (an !== bn) return compareGoStrings(an, bn);
    const av = a.values[i] as string;
    const bv = b.values[i] as string;
    if (av !== bv) return compareGoStrings(av, bv);
  }
  return a.names.length - b.names.length;
}

/** `sort(v)`: ascending by value, NaN last. Returns a new array. */
export function sortAsc(v: Vector): Vector {
  return [...v].sort((x, y) => (x.v !== x.v ? (y.v !== y.v ? 0 : 1) : y.v !== y.v ? -1 : x.v < y.v ? -1 : x.v > y.v ? 1 : 0));
}

/** `sort_desc(v)`: descending by value, NaN last. Returns a new array. */
export function sortDesc(v: Vector): Vector {
  return [...v].sort((x, y) => (x.v !== x.v ? (y.v !== y.v ? 0 : 1) : y.v !== y.v ? -1 : x.v > y.v ? -1 : x.v < y.v ? 1 : 0));
}

const CHUNK = /[0-9]+|[^0-9]+/g;
const INT64_DIGITS_MAX = 9223372036854775807n;

/** Go's `strconv.Atoi` of an all-digit chunk: the value, or undefined when it is not a digit run or overflows int64. */
function atoi(chunk: string): bigint | undefined {
  if (!/^[0-9]+$/.test(chunk)) return undefined;
  const n = BigInt(chunk);
  return n > INT64_DIGITS_MAX ? undefined : n;
}

/** `natsort.Compare(a, b)`: true when `a` precedes `b` in natural order (digit runs compared as integers). */
export function natsortLess(a: string, b: string): boolean {
  const chunksA = a.match(CHUNK) ?? [];
  const chunksB = b.match(CHUNK) ?? [];
  for (let i = 0; i < chunksA.length; i++) {
    if (i >= chunksB.length) return false;
    const ca = chunksA[i] as string;
    const cb = chunksB[i] as string;
    const aInt = atoi(ca);
    const bInt = atoi(cb);
    if (aInt !== undefined && bInt !== undefined) {
      if (aInt === bInt) {
        if (i === chunksA.length - 1) return true;
        if (i === chunksB.length - 1) return false;
        continue;
      }
      return aInt < bInt;
    }
    if (ca === cb) {
      if (i === chunksA.length - 1) return true;
      if (i === chunksB.length - 1) return false;
      continue;
    }
    return compareGoStrings(ca, cb) < 0;
  }
  return false;
}

function byLabels(labels: readonly string[], desc: boolean): (x: { labels: LabelSet }, y: { labels: LabelSet }) => number {
  const dir = desc ? -1 : 1;
  return (x, y) => {
    for (const l of labels) {
      const lv1 = x.labels.get(l) ?? '';
      const lv2 = y.labels.get(l) ?? '';
      if (lv1 === lv2) continue;
      return natsortLess(lv1, lv2) ? -dir : dir;
    }
    return dir * compareLabelSets(x.labels, y.labels);
  };
}

/** `sort_by_label(v, l…)` (experimental): natural order of the listed labels, then the whole label set. */
export function sortByLabel(v: Vector, labels: readonly string[]): Vector {
  return [...v].sort(byLabels(labels, false));
}

/** `sort_by_label_desc(v, l…)` (experimental): the reverse of {@link sortByLabel}. */
export function sortByLabelDesc(v: Vector, labels: readonly string[]): Vector {
  return [...v].sort(byLabels(labels, true));
}
