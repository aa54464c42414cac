/**
 * How promtool's rule unit tests compare and print results (`cmd/promtool/unittest.go` at v0.316.0:
 * `labelsAndAnnotations.String`, `parsedSample.String`, `indentLines`, the fuzzy float comparer).
 */
import type { LabelSet } from '../../model/labels.js';
import { compareLabels, goLabelsString } from '../../promql/engine/labels.js';
import { formatGoFloatE } from '../../promql/format-go-float.js';

export interface LabelsAndAnnotations {
  readonly labels: LabelSet;
  readonly annotations: LabelSet;
}

export interface ParsedSample {
  readonly labels: LabelSet;
  readonly value: number;
  /** A histogram's test expression; '' for a float (we never produce histograms). */
  readonly histogram: string;
}

/** `indentLines`: every line after the first gets `indent`. */
export function indentLines(lines: string, indent: string): string {
  return lines.split('\n').join(`\n${indent}`);
}

/** `labelsAndAnnotations.Less`: labels, then annotations. */
export function compareLabelsAndAnnotations(a: LabelsAndAnnotations, b: LabelsAndAnnotations): number {
  return compareLabels(a.labels, b.labels) || compareLabels(a.annotations, b.annotations);
}

/** `labelsAndAnnotations.String`. */
export function labelsAndAnnotationsString(la: readonly LabelsAndAnnotations[]): string {
  if (la.length === 0) return '[]';
  const one = (l: LabelsAndAnnotations): string => `Labels:${goLabelsString(l.labels)}\nAnnotations:${goLabelsString(l.annotations)}`;
  let s = `[\n0:${indentLines(`\n${one(la[0] as LabelsAndAnnotations)}`, '  ')}`;
  la.slice(1).forEach((l, i) => {
    s += `,\n${i + 1}:${indentLines(`\n${one(l)}`, '  ')}`;
  });
  return `${s}\n]`;
}

/** `strconv.FormatFloat(v, 'E', -1, 64)`. */
export function formatGoFloatUpperE(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return formatGoFloatE(v).toUpperCase();
}

/** `parsedSamplesString`: `nil` for none, else `{labels} 1E+00, …`. */
export function parsedSamplesString(ps: readonly ParsedSample[]): string {
  if (ps.length === 0) return 'nil';
  return ps.map((p) => `${goLabelsString(p.labels)} ${p.histogram !== '' ? p.histogram : formatGoFloatUpperE(p.value)}`).join(', ');
}

/** The next float64 after `x` towards `dir` (Go's `math.Nextafter`). */
export function nextAfter(x: number, dir: number): number {
  if (Number.isNaN(x) || Number.isNaN(dir)) return NaN;
  if (x === dir) return dir;
  if (x === 0) return dir > 0 ? Number.MIN_VALUE : -Number.MIN_VALUE;
  const buf = new DataView(new ArrayBuffer(8));
  buf.setFloat64(0, x);
  let bits = buf.getBigUint64(0);
  bits += (dir > x) === (x > 0) ? 1n : -1n;
  buf.setBigUint64(0, bits);
  return buf.getFloat64(0);
}

/** float64 equality as `cmp.Equal` (NaN never equal), or within one ULP with `fuzzy_compare`. */
export function floatEqual(x: number, y: number, fuzzy: boolean): boolean {
  if (x === y) return true;
  return fuzzy && (nextAfter(x, -Infinity) === y || nextAfter(x, Infinity) === y);
}

function labelsEqual(a: LabelSet, b: LabelSet): boolean {
  return a.key === b.key;
}

/** `cmp.Equal` of two sorted lists of alerts. */
export function alertsEqual(a: readonly LabelsAndAnnotations[], b: readonly LabelsAndAnnotations[]): boolean {
  return a.length === b.length && a.every((x, i) => labelsEqual(x.labels, (b[i] as LabelsAndAnnotations).labels) && labelsEqual(x.annotations, (b[i] as LabelsAndAnnotations).annotations));
}

/** `cmp.Equal` of two sorted lists of samples. */
export function samplesEqual(a: readonly ParsedSample[], b: readonly ParsedSample[], fuzzy: boolean): boolean {
  return (
    a.length === b.length &&
    a.every((x, i) => {
      const y = b[i] as ParsedSample;
      return labelsEqual(x.labels, y.labels) && x.histogram === y.histogram && floatEqual(x.value, y.value, fuzzy);
    })
  );
}
