import { RE2JS } from 're2js';
import { PromQLEvalError } from '../../errors.js';
import { LabelSet } from '../../model/labels.js';
import { isValidLabelName } from '../../model/names.js';
import type { PromSemantics } from '../semantics.js';
import type { Vector, VectorSample } from '../value.js';
import { goExpand } from './go-expand.js';

/**
 * `label_replace`, `label_join` and the label set of `absent`/`absent_over_time`: ports of `evalLabelReplace`,
 * `evalLabelJoin` and `createLabelsForAbsentFunction` in `promql/functions.go` (Prometheus v0.316.0; 2.x
 * differences from v2.42.0 noted per function).
 *
 * These functions keep `__name__` (the evaluator's traits say so). They return the relabelled vector; whether
 * two outputs now share a label set ("vector cannot contain metrics with the same labelset") is the evaluator's
 * check, as in Go (`mergeSeriesWithSameLabelset`).
 */

/** Go's `model.UTF8Validation.IsValidLabelName` (3.x): non-empty, valid UTF-8 (a JS string without lone surrogates). */
function isValidUtf8LabelName(name: string): boolean {
  return name.length > 0 && !LONE_SURROGATE.test(name);
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Validates a label name as Prometheus would and, since our label sets hold only legacy names, refuses a valid
 * UTF-8 name the store cannot represent with a clear error instead of a wrong answer.
 */
function checkLabelName(name: string, what: string, fn: string, semantics: PromSemantics): void {
  const valid = semantics === '3.x' ? isValidUtf8LabelName(name) : isValidLabelName(name);
  if (!valid) throw new PromQLEvalError(`invalid ${what} label name in ${fn}(): ${name}`);
  if (!isValidLabelName(name)) {
    throw new PromQLEvalError(`${what} label name ${JSON.stringify(name)} in ${fn}(): UTF-8 label names are not supported by this sidecar`);
  }
}

function withLabel(labels: LabelSet, name: string, value: string): LabelSet {
  const record = labels.toRecord();
  // An empty value deletes the label (LabelSet.from drops empty values, as labels.Builder.Set does).
  record[name] = value;
  return LabelSet.from(record);
}

/**
 * `label_replace(v, dst, replacement, src, regex)`: for every sample whose `src` value fully matches `regex`
 * (anchored `^(?s:regex)$` in 3.x, `^(?:regex)$` in 2.x, RE2 syntax), sets `dst` to `replacement` expanded with
 * Go's `Regexp.Expand` rules (see go-expand.ts; an empty result deletes `dst`); others are unchanged.
 * @throws PromQLEvalError "invalid regular expression in label_replace(): <re>" or "invalid destination label name
 *   in label_replace(): <dst>" (Go's wording).
 */
export function labelReplace(
  vector: Vector,
  dst: string,
  replacement: string,
  src: string,
  regex: string,
  semantics: PromSemantics,
): Vector {
  let re: RE2JS;
  try {
    re = RE2JS.compile(semantics === '3.x' ? `^(?s:${regex})$` : `^(?:${regex})$`);
  } catch (cause) {
    throw new PromQLEvalError(`invalid regular expression in label_replace(): ${regex}`, { cause });
  }
  checkLabelName(dst, 'destination', 'label_replace', semantics);
  const names = re.namedGroups();
  const groupIndex = (name: string): number => names[name] ?? -1;
  return vector.map((s): VectorSample => {
    const srcVal = s.labels.get(src) ?? '';
    const m = re.matcher(srcVal);
    if (!m.matches()) return s;
    const groups = m.groupCount();
    const res = goExpand(replacement, (i) => (i <= groups ? (m.group(i) ?? undefined) : undefined), groupIndex);
    return { labels: withLabel(s.labels, dst, res), t: s.t, v: s.v };
  });
}

/**
 * `label_join(v, dst, separator, src…)`: sets `dst` to the values of the `src` labels (absent ones as '') joined
 * by `separator`; an empty result deletes `dst`.
 * @throws PromQLEvalError "invalid source label name in label_join(): …" / "invalid destination label name in
 *   label_join(): …".
 */
export function labelJoin(vector: Vector, dst: string, separator: string, srcLabels: readonly string[], semantics: PromSemantics): Vector {
  for (const src of srcLabels) {
    const valid = semantics === '3.x' ? isValidUtf8LabelName(src) : isValidLabelName(src);
    if (!valid) throw new PromQLEvalError(`invalid source label name in label_join(): ${src}`);
  }
  checkLabelName(dst, 'destination', 'label_join', semantics);
  return vector.map((s) => {
    const joined = srcLabels.map((l) => s.labels.get(l) ?? '').join(separator);
    return { labels: withLabel(s.labels, dst, joined), t: s.t, v: s.v };
  });
}

/** A label matcher as the absent functions see it (the selector's matchers, `__name__` included). */
export interface AbsentMatcher {
  readonly name: string;
  readonly type: '=' | '!=' | '=~' | '!~';
  readonly value: string;
}

/** `schema.IsMetadataLabel`: `__name__`, `__type__`, `__unit__` never go into absent's output. */
const METADATA_LABELS = new Set(['__name__', '__type__', '__unit__']);

/**
 * The label set `absent(…)`/`absent_over_time(…)` output when their argument is empty
 * (`createLabelsForAbsentFunction`): for a direct (vector or matrix) selector, the labels matched with `=` exactly
 * once; a label that also has another matcher, or a second `=`, is left out. Pass `undefined` for any other
 * argument expression: the output then has no labels. Metadata labels are skipped.
 */
export function absentLabels(matchers: readonly AbsentMatcher[] | undefined): LabelSet {
  if (matchers === undefined) return LabelSet.from({});
  const record: Record<string, string> = {};
  const has = new Set<string>();
  for (const m of matchers) {
    if (METADATA_LABELS.has(m.name)) continue;
    if (m.type === '=' && !has.has(m.name)) {
      record[m.name] = m.value;
      has.add(m.name);
    } else {
      delete record[m.name];
    }
  }
  return LabelSet.from(record);
}
