/**
 * What the notifier does to an alert before it is queued, as Prometheus 3.16 `relabelAlerts` (notifier/alert.go):
 * `global.external_labels` are added where the alert has no such label (or an empty one: Go's
 * `Labels.Get(name) == ""`), then `alert_relabel_configs` run; an alert they drop is not sent. The same function
 * with no external labels applies an Alertmanager entry's own `alert_relabel_configs` (alertmanagerSet.send).
 */
import type { LabelRecord } from '../model/labels.js';
import { relabel, type CompiledRelabel } from '../model/relabel.js';
import type { NotifierAlert } from '../rules/types.js';

/**
 * External labels, then relabelling, of each alert (inputs are not modified).
 *
 * @returns the alerts to send, in input order; dropped ones left out; an alert whose labels did not change is
 *          returned as the same object
 */
export function relabelAlerts(alerts: readonly NotifierAlert[], externalLabels: LabelRecord, rules: readonly CompiledRelabel[]): NotifierAlert[] {
  const ext = Object.entries(externalLabels);
  if (ext.length === 0 && rules.length === 0) return [...alerts];
  const out: NotifierAlert[] = [];
  for (const a of alerts) {
    let labels: Record<string, string> = { ...a.labels };
    for (const [k, v] of ext) if ((labels[k] ?? '') === '') labels[k] = v;
    if (rules.length > 0) {
      const r = relabel(labels, rules);
      if (r === undefined) continue;
      labels = r;
    } else {
      // labels.Builder drops labels set to an empty value: an external label with value "" adds nothing
      for (const k of Object.keys(labels)) if (labels[k] === '') delete labels[k];
    }
    out.push(sameLabels(a.labels, labels) ? a : { ...a, labels: Object.freeze(labels) });
  }
  return out;
}

function sameLabels(a: LabelRecord, b: LabelRecord): boolean {
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => a[k] === b[k]);
}
