/**
 * Go's `regexp.Regexp.Expand` template syntax (`expand` / `extract` in Go's `src/regexp/regexp.go`), which
 * `label_replace` uses for its replacement: `$$` is a literal `$`; `$name` and `${name}` refer to a capture group
 * by number or name, where `name` is the LONGEST run of letters, digits and `_` — so `$1x` is the group named
 * `1x` (usually absent, hence empty), not group 1 followed by `x`; a reference to an absent or unmatched group
 * expands to ''; a malformed reference (`$` followed by nothing usable, `${x` without `}`) is kept as a literal `$`.
 * Numbers are decimal without leading zeros and below 1e8 (else the text is taken as a name).
 */

const NAME_CHAR = /[\p{L}\p{Nd}_]/u;

/** A parsed `$…` reference: a group number (≥ 0) or, when `num` is −1, a group name; `rest` follows it. */
interface Reference {
  name: string;
  num: number;
  rest: string;
}

function extract(str: string): Reference | undefined {
  if (str === '') return undefined;
  let brace = false;
  if (str[0] === '{') {
    brace = true;
    str = str.slice(1);
  }
  let i = 0;
  for (const ch of str) {
    if (!NAME_CHAR.test(ch)) break;
    i += ch.length;
  }
  if (i === 0) return undefined; // empty name is not okay
  const name = str.slice(0, i);
  if (brace) {
    if (i >= str.length || str[i] !== '}') return undefined; // missing closing brace
    i++;
  }
  let num = 0;
  for (let j = 0; j < name.length; j++) {
    const c = name.charCodeAt(j);
    if (c < 0x30 || c > 0x39 || num >= 1e8) {
      num = -1;
      break;
    }
    num = num * 10 + (c - 0x30);
  }
  // Disallow leading zeros.
  if (name[0] === '0' && name.length > 1) num = -1;
  return { name, num, rest: str.slice(i) };
}

/**
 * Expands `template` for one match. `group(i)` returns capture group i's text, or undefined when the group did
 * not participate (or does not exist); `groupIndex(name)` the index of the first group with that name, or −1.
 */
export function goExpand(template: string, group: (i: number) => string | undefined, groupIndex: (name: string) => number): string {
  let dst = '';
  while (template.length > 0) {
    const dollar = template.indexOf('$');
    if (dollar < 0) break;
    dst += template.slice(0, dollar);
    template = template.slice(dollar + 1);
    if (template !== '' && template[0] === '$') {
      dst += '$';
      template = template.slice(1);
      continue;
    }
    const ref = extract(template);
    if (ref === undefined) {
      // Malformed; treat $ as raw text.
      dst += '$';
      continue;
    }
    template = ref.rest;
    const index = ref.num >= 0 ? ref.num : groupIndex(ref.name);
    if (index >= 0) dst += group(index) ?? '';
  }
  return dst + template;
}
