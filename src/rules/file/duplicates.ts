/**
 * promtool's duplicate-rule lint (`cmd/promtool/main.go` `checkDuplicates`, Prometheus 3.16): two rules of one file
 * with the same name (alert or record) and the same labels (group labels overridden by rule labels,
 * `rules.FromMaps`) are duplicates. Reported once per distinct (name, labels), in sorted order.
 */
import type { ParsedGroup } from './parse.js';

/** One duplicate: the rule name and its merged labels sorted by name. */
export interface DuplicateRule {
  readonly metric: string;
  readonly labels: readonly (readonly [string, string])[];
}

/** Go's `strings.Compare` on UTF-8 bytes (code point order, not UTF-16 order). */
function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** `labels.Compare`: name then value per position, then the shorter set first. */
function compareLabels(a: DuplicateRule['labels'], b: DuplicateRule['labels']): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const [an, av] = a[i] as readonly [string, string];
    const [bn, bv] = b[i] as readonly [string, string];
    const c = compareStrings(an, bn) || compareStrings(av, bv);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}

function compare(a: DuplicateRule, b: DuplicateRule): number {
  return compareStrings(a.metric, b.metric) || compareLabels(a.labels, b.labels);
}

/** The duplicates of a file's groups, as `checkDuplicates` lists them. */
export function findDuplicateRules(groups: readonly ParsedGroup[]): DuplicateRule[] {
  const all: DuplicateRule[] = [];
  for (const g of groups) {
    for (const r of g.rules) {
      const merged = new Map(g.labels);
      for (const [k, v] of r.labels) merged.set(k, v);
      const labels = [...merged.entries()].sort((x, y) => compareStrings(x[0], y[0]));
      all.push({ metric: r.alert !== '' ? r.alert : r.record, labels });
    }
  }
  const dups: DuplicateRule[] = [];
  if (all.length < 2) return dups;
  all.sort(compare);
  let last = all[0] as DuplicateRule;
  for (let i = 1; i < all.length; i++) {
    const cur = all[i] as DuplicateRule;
    if (compare(last, cur) === 0) {
      const prev = dups[dups.length - 1];
      if (prev === undefined || compare(last, prev) !== 0) dups.push(cur);
    }
    last = cur;
  }
  return dups;
}

/** promtool's lint message (after `lint error `), e.g. `1 duplicate rule(s) found.\nMetric: x\nLabel(s):\n…`. */
export function duplicateRulesMessage(dups: readonly DuplicateRule[]): string {
  let s = `${dups.length} duplicate rule(s) found.\n`;
  for (const d of dups) {
    s += `Metric: ${d.metric}\nLabel(s):\n`;
    for (const [k, v] of d.labels) s += `\t${k}: ${v}\n`;
  }
  return `${s}Might cause inconsistency while recording expressions`;
}
