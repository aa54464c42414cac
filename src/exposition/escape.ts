/**
 * Escaping of the text formats. Text 0.0.4 (prometheus/docs `exposition_formats.md`): label values escape
 * `\`, `"` and line feed; HELP text escapes only `\` and line feed. OpenMetrics 1.0: HELP and label values
 * share the label-value escaping.
 */

const LABEL_VALUE_SPECIAL = /[\\"\n]/;
const LABEL_VALUE_SPECIAL_G = /[\\"\n]/g;
const HELP_SPECIAL = /[\\\n]/;
const HELP_SPECIAL_G = /[\\\n]/g;

function escapeChar(c: string): string {
  return c === '\n' ? '\\n' : `\\${c}`;
}

/** Escapes a label value (both formats) or an OpenMetrics HELP text: `\` → `\\`, `"` → `\"`, LF → `\n`. */
export function escapeLabelValue(value: string): string {
  return LABEL_VALUE_SPECIAL.test(value) ? value.replace(LABEL_VALUE_SPECIAL_G, escapeChar) : value;
}

/** Escapes a text-0.0.4 HELP text: `\` → `\\`, LF → `\n` (a `"` stays as is). */
export function escapeHelpText(help: string): string {
  return HELP_SPECIAL.test(help) ? help.replace(HELP_SPECIAL_G, escapeChar) : help;
}
