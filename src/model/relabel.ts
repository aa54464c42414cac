/**
 * Prometheus's relabelling (`write_relabel_configs`, `alert_relabel_configs`) (`model/relabel/relabel.go`, v0.316.0) over label records.
 * Regexes are RE2 (re2js), fully anchored as Prometheus does (`^(?s:regex)$`); replacements expand like Go's
 * `Regexp.ExpandString` (`$1`, `${1}`, `${name}`; `$1x` is the group named `1x`, i.e. empty; `$$` is `$`).
 *
 * Actions: replace, keep, drop, keepequal, dropequal, hashmod, labelmap, labeldrop, labelkeep, lowercase,
 * uppercase. A relabelled series without `__name__`… stays (Prometheus keeps it too; the receiver decides).
 */
import { createHash } from 'node:crypto';
import { RE2JS } from 're2js';

export type RelabelAction =
  | 'replace'
  | 'keep'
  | 'drop'
  | 'keepequal'
  | 'dropequal'
  | 'hashmod'
  | 'labelmap'
  | 'labeldrop'
  | 'labelkeep'
  | 'lowercase'
  | 'uppercase';

export const RELABEL_ACTIONS: readonly RelabelAction[] = [
  'replace', 'keep', 'drop', 'keepequal', 'dropequal', 'hashmod', 'labelmap', 'labeldrop', 'labelkeep', 'lowercase', 'uppercase',
];

/** One rule, defaults applied (Prometheus `DefaultRelabelConfig`: separator `;`, regex `(.*)`, replacement `$1`). */
export interface RelabelConfig {
  readonly sourceLabels: readonly string[];
  readonly separator: string;
  /** The regex as written (unanchored); compiled anchored. */
  readonly regex: string;
  readonly modulus: number;
  readonly targetLabel: string;
  readonly replacement: string;
  readonly action: RelabelAction;
}

export const RELABEL_DEFAULTS = { separator: ';', regex: '(.*)', replacement: '$1', action: 'replace' as RelabelAction };

/** A rule compiled for use. */
export interface CompiledRelabel {
  readonly config: RelabelConfig;
  readonly re: RE2JS;
}

/**
 * Compiles a rule.
 * @throws Error with the RE2 message when the regex does not compile
 */
export function compileRelabel(config: RelabelConfig): CompiledRelabel {
  RE2JS.compile(config.regex); // the bare pattern first: rejects things like `a)(b` that only parse once wrapped
  return { config, re: RE2JS.compile(`^(?s:${config.regex})$`) };
}

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/**
 * Applies rules in order to a label record (not modified).
 * @returns the relabelled labels, or undefined when a rule dropped the series (or no label is left)
 */
export function relabel(labels: Readonly<Record<string, string>>, rules: readonly CompiledRelabel[]): Record<string, string> | undefined {
  const lb: Record<string, string> = Object.assign(Object.create(null) as Record<string, string>, labels);
  for (const rule of rules) {
    if (!applyOne(lb, rule)) return undefined;
  }
  for (const k of Object.keys(lb)) if (lb[k] === '') delete lb[k];
  return Object.keys(lb).length === 0 ? undefined : lb;
}

function applyOne(lb: Record<string, string>, { config: cfg, re }: CompiledRelabel): boolean {
  const val = cfg.sourceLabels.map((n) => lb[n] ?? '').join(cfg.separator);
  switch (cfg.action) {
    case 'drop':
      return !re.matches(val);
    case 'keep':
      return re.matches(val);
    case 'dropequal':
      return (lb[cfg.targetLabel] ?? '') !== val;
    case 'keepequal':
      return (lb[cfg.targetLabel] ?? '') === val;
    case 'replace': {
      // Fast path of relabel.go: the default regex and a replacement without `$` need no matching.
      const m = re.matcher(val);
      if (!m.matches()) return true;
      const target = expand(cfg.targetLabel, m, re);
      if (!LABEL_NAME.test(target)) return true;
      const res = expand(cfg.replacement, m, re);
      if (res === '') delete lb[target];
      else lb[target] = res;
      return true;
    }
    case 'lowercase':
      lb[cfg.targetLabel] = val.toLowerCase();
      return true;
    case 'uppercase':
      lb[cfg.targetLabel] = val.toUpperCase();
      return true;
    case 'hashmod': {
      // relabel.go: md5 of the value, the low 8 bytes as a big-endian uint64, modulo `modulus`.
      const sum = createHash('md5').update(val).digest();
      const mod = sum.readBigUInt64BE(8) % BigInt(cfg.modulus);
      lb[cfg.targetLabel] = mod.toString();
      return true;
    }
    case 'labelmap':
      for (const name of Object.keys(lb)) {
        const m = re.matcher(name);
        if (m.matches()) lb[expand(cfg.replacement, m, re)] = lb[name] as string;
      }
      return true;
    case 'labeldrop':
      for (const name of Object.keys(lb)) if (re.matches(name)) delete lb[name];
      return true;
    case 'labelkeep':
      for (const name of Object.keys(lb)) if (!re.matches(name)) delete lb[name];
      return true;
  }
}

type Matcher = ReturnType<RE2JS['matcher']>;

/**
 * Go's `Regexp.ExpandString` template expansion: `$name` / `${name}` with `name` the longest run of
 * `[a-zA-Z0-9_]`; a number names a group by index, anything else by name; unknown groups expand to ''; `$$` is `$`;
 * a `$` not followed by a valid reference is kept literally.
 */
export function expand(template: string, m: Matcher, re: RE2JS): string {
  if (!template.includes('$')) return template;
  let out = '';
  let i = 0;
  while (i < template.length) {
    const c = template[i] as string;
    if (c !== '$') {
      out += c;
      i++;
      continue;
    }
    const next = template[i + 1];
    if (next === '$') {
      out += '$';
      i += 2;
      continue;
    }
    let name: string;
    let end: number;
    if (next === '{') {
      const close = template.indexOf('}', i + 2);
      name = close < 0 ? '' : template.slice(i + 2, close);
      if (close < 0 || !/^[a-zA-Z0-9_]+$/.test(name)) {
        out += '$';
        i++;
        continue;
      }
      end = close + 1;
    } else {
      const mm = /^[a-zA-Z0-9_]+/.exec(template.slice(i + 1));
      if (!mm) {
        out += '$';
        i++;
        continue;
      }
      name = mm[0];
      end = i + 1 + name.length;
    }
    out += groupValue(name, m, re);
    i = end;
  }
  return out;
}

function groupValue(name: string, m: Matcher, re: RE2JS): string {
  if (/^[0-9]+$/.test(name)) {
    const n = Number(name);
    if (n > re.groupCount()) return '';
    return m.group(n) ?? '';
  }
  if (!(name in re.namedGroups())) return '';
  return m.group(name) ?? '';
}
