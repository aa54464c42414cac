/**
 * A relabel rule as written in a config file (`write_relabel_configs`, `alert_relabel_configs`): Prometheus's keys
 * and validation (`model/relabel/relabel.go` `Config.Validate`, v0.316.0), compiled by `../model/relabel.ts`.
 */
import { z } from 'zod';
import { isValidLabelName } from '../model/names.js';
import { RELABEL_ACTIONS, RELABEL_DEFAULTS, compileRelabel, type RelabelAction, type RelabelConfig } from '../model/relabel.js';
import { nullAsAbsent } from './fields.js';

/** One rule: strict keys, the action in any case, RE2 regex compiled, the per-action key rules of relabel.go. */
export const relabelSchema = z
  .strictObject({
    source_labels: nullAsAbsent(z.array(z.string()).optional()),
    separator: nullAsAbsent(z.string().optional()),
    regex: nullAsAbsent(z.string().optional()),
    modulus: nullAsAbsent(z.int().min(0).optional()),
    target_label: nullAsAbsent(z.string().optional()),
    replacement: nullAsAbsent(z.string().optional()),
    // Prometheus accepts the action in any case (`strings.ToLower` in UnmarshalYAML).
    action: nullAsAbsent(z.string().optional()),
  })
  .superRefine((r, ctx) => {
    const action = (r.action ?? RELABEL_DEFAULTS.action).toLowerCase();
    if (!RELABEL_ACTIONS.includes(action as RelabelAction)) {
      ctx.addIssue({ code: 'custom', path: ['action'], message: `unknown relabel action ${JSON.stringify(r.action)} (one of ${RELABEL_ACTIONS.join(', ')})` });
      return;
    }
    for (const n of r.source_labels ?? []) {
      if (!isValidLabelName(n)) ctx.addIssue({ code: 'custom', path: ['source_labels'], message: `${JSON.stringify(n)} is not a valid label name` });
    }
    try {
      compileRelabel({ ...toRelabel(r), action: action as RelabelAction });
    } catch (e) {
      ctx.addIssue({ code: 'custom', path: ['regex'], message: `invalid RE2 regex: ${e instanceof Error ? e.message : String(e)}` });
    }
    // relabel.go Config.Validate
    if (action === 'hashmod' && !r.modulus) ctx.addIssue({ code: 'custom', path: ['modulus'], message: 'relabel configuration for hashmod requires non-zero modulus' });
    const needsTarget = ['replace', 'hashmod', 'lowercase', 'uppercase', 'keepequal', 'dropequal'];
    if (needsTarget.includes(action) && !r.target_label) {
      ctx.addIssue({ code: 'custom', path: ['target_label'], message: `relabel configuration for ${action} action requires 'target_label' value` });
    }
    if (['lowercase', 'uppercase', 'hashmod', 'keepequal', 'dropequal'].includes(action) && r.target_label && !isValidLabelName(r.target_label)) {
      ctx.addIssue({ code: 'custom', path: ['target_label'], message: `${JSON.stringify(r.target_label)} is invalid 'target_label' for ${action} action` });
    }
    if (action === 'replace' && r.target_label && !r.target_label.includes('$') && !isValidLabelName(r.target_label)) {
      ctx.addIssue({ code: 'custom', path: ['target_label'], message: `${JSON.stringify(r.target_label)} is invalid 'target_label' for replace action` });
    }
    if (action === 'labeldrop' || action === 'labelkeep') {
      if (r.source_labels !== undefined || r.target_label !== undefined || r.modulus !== undefined || r.separator !== undefined || r.replacement !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['action'], message: `${action} action requires only 'regex', and no other fields` });
      }
    }
    if ((action === 'keepequal' || action === 'dropequal') && (r.regex !== undefined || r.modulus !== undefined || r.separator !== undefined || r.replacement !== undefined)) {
      ctx.addIssue({ code: 'custom', path: ['action'], message: `${action} action requires only 'source_labels' and 'target_label', and no other fields` });
    }
  });

/** The runtime rule, defaults applied (`RELABEL_DEFAULTS`). */
export function toRelabel(r: z.output<typeof relabelSchema>): RelabelConfig {
  return {
    sourceLabels: r.source_labels ?? [],
    separator: r.separator ?? RELABEL_DEFAULTS.separator,
    regex: r.regex ?? RELABEL_DEFAULTS.regex,
    modulus: r.modulus ?? 0,
    targetLabel: r.target_label ?? '',
    replacement: r.replacement ?? RELABEL_DEFAULTS.replacement,
    action: (r.action ?? RELABEL_DEFAULTS.action).toLowerCase() as RelabelAction,
  };
}
