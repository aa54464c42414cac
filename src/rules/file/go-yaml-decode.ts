/**
 * Decodes a parsed YAML document into rule-file shapes the way Go's `go.yaml.in/yaml/v3` v3.0.5 `decoder` does
 * (`decode.go`: `unmarshal`, `scalar`, `mapping`, `mappingStruct`, `sequence`, `merge`; `resolve.go`), because
 * promtool's messages are yaml.v3's: `line N: field x not found in type rulefmt.RuleGroup`,
 * `line N: cannot unmarshal !!str \`abc\` into int`, `line N: mapping key "x" already defined at line M`.
 * rulefmt decodes a file twice (strictly into `RuleGroups`, then leniently into `ruleGroups` for node positions),
 * so the decoder is driven by a small description of the Go types (`GoType`) and their Go names.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, Scalar } from 'yaml';
import type { Document, LineCounter, Node as YamlNode } from 'yaml';
import { parseGoDuration } from './go-duration.js';

/** A Go type the decoder fills; `name` is what yaml.v3 prints (`out.Type()`). */
export type GoType =
  | { readonly k: 'string' }
  | { readonly k: 'int' }
  | { readonly k: 'duration' }
  | { readonly k: 'optDuration' }
  | { readonly k: 'node' }
  | { readonly k: 'strmap' }
  | { readonly k: 'seq'; readonly name: string; readonly of: GoType }
  | { readonly k: 'struct'; readonly name: string; readonly fields: Readonly<Record<string, GoType>> };

/** 1-based line and column (columns in characters, like libyaml's marks). 0:0 = a zero `yaml.Node`. */
export interface NodePos {
  readonly line: number;
  readonly column: number;
}

/** A decoded struct: the fields that were present, by YAML key. */
export type GoStruct = { readonly [key: string]: GoValue | undefined };
export type GoValue = string | number | NodePos | ReadonlyMap<string, string> | readonly GoValue[] | GoStruct;

/** A yaml.v3 `fail`: aborts the whole decode with this message (no line), like a duration error. */
export class GoYamlFail extends Error {}

/** The outcome of one `Decode`: the value (even when partly decoded) and yaml.v3's type errors. */
export interface DecodeResult {
  readonly value: GoStruct;
  /** `line N: …` lines of a `yaml.TypeError`; empty when none. */
  readonly typeErrors: readonly string[];
  /** Line and column of the first type error (for `file:line:col`). */
  readonly firstErrorPos: NodePos | undefined;
}

const YAML_PREFIX = 'tag:yaml.org,2002:';
const MAX_DECODES = 1_000_000;
const MAX_INT64 = 9223372036854775807n;
const MIN_INT64 = -9223372036854775808n;
const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;

type Resolved =
  | { readonly tag: '!!null' }
  | { readonly tag: '!!bool'; readonly v: boolean }
  | { readonly tag: '!!int'; readonly v: bigint }
  | { readonly tag: '!!float'; readonly v: number }
  | { readonly tag: string; readonly v: string }; // !!str, !!timestamp, custom tags

/**
 * Decodes `doc` (its first document's contents) into `type`, with yaml.v3's `KnownFields(knownFields)`.
 *
 * @throws GoYamlFail for what yaml.v3 reports with `fail` (a bad duration, a bad merge, excessive aliasing)
 */
export function decodeGoYaml(doc: Document, text: string, lineCounter: LineCounter, type: GoType, knownFields: boolean): DecodeResult {
  const d = new Decoder(doc, text, lineCounter, knownFields);
  const root = doc.contents as YamlNode | null;
  let value: GoValue | undefined;
  if (root !== null) value = d.unmarshal(root, type).value;
  return {
    // The root type is a struct: anything else decoded to undefined (with a type error).
    value: (value as GoStruct | undefined) ?? {},
    typeErrors: d.terrors.map((e) => e.text),
    firstErrorPos: d.terrors[0]?.pos,
  };
}

/** Go's short tag: `tag:yaml.org,2002:int` → `!!int`. */
function shortTag(tag: string): string {
  return tag.startsWith(YAML_PREFIX) ? `!!${tag.slice(YAML_PREFIX.length)}` : tag;
}

function goTypeName(t: GoType): string {
  switch (t.k) {
    case 'string':
    case 'duration':
    case 'optDuration':
      return 'string';
    case 'int':
      return 'int';
    case 'node':
      return 'yaml.Node';
    case 'strmap':
      return 'map[string]string';
    case 'seq':
    case 'struct':
      return t.name;
  }
}

interface Outcome {
  readonly ok: boolean;
  readonly value: GoValue | undefined;
  /** The node was a YAML null (a map entry then gets the zero value). */
  readonly isNull?: boolean;
}

class Decoder {
  readonly terrors: { text: string; pos: NodePos }[] = [];
  private decodeCount = 0;
  private readonly aliasStack = new Set<unknown>();

  constructor(
    private readonly doc: Document,
    private readonly text: string,
    private readonly lineCounter: LineCounter,
    private readonly knownFields: boolean,
  ) {}

  pos(node: unknown): NodePos {
    const range = (node as { range?: [number, number, number] | null }).range;
    if (range === undefined || range === null) return { line: 0, column: 0 };
    let offset = Math.min(range[0], this.text.length);
    // libyaml's node starts at its properties (`&anchor`, `!tag`); the yaml package's range starts after them.
    const props = node as { anchor?: string; tag?: string };
    if ((props.anchor !== undefined && props.anchor !== '') || (props.tag !== undefined && props.tag !== '')) {
      offset = propsStart(this.text, offset);
    }
    const lp = this.lineCounter.linePos(offset);
    // libyaml counts characters; LineCounter counts UTF-16 units.
    const lineStart = offset - (lp.col - 1);
    const column = [...this.text.slice(lineStart, offset)].length + 1;
    return { line: lp.line, column };
  }

  /**
   * A scalar's `yaml.Node.Value`. libyaml ends a block scalar that runs to the end of a file without a final
   * line break without one; the yaml package adds it.
   */
  scalarValue(n: Scalar): string {
    const v = scalarText(n);
    if ((n.type === Scalar.BLOCK_LITERAL || n.type === Scalar.BLOCK_FOLDED) && v.endsWith('\n') && !this.text.endsWith('\n')) {
      const end = n.range?.[1] ?? 0;
      if (end >= this.text.length) return v.slice(0, -1);
    }
    return v;
  }

  private terror(node: YamlNode, tag: string, t: GoType): void {
    const nodeTag = typeof node.tag === 'string' && node.tag !== '' ? shortTag(node.tag) : tag;
    let value = '';
    if (nodeTag !== '!!seq' && nodeTag !== '!!map') {
      const raw = isScalar(node) ? this.scalarValue(node) : '';
      const bytes = Buffer.from(raw, 'utf8');
      value = bytes.length > 10 ? ` \`${bytes.subarray(0, 7).toString('utf8')}...\`` : ` \`${raw}\``;
    }
    const pos = this.pos(node);
    this.terrors.push({ text: `line ${pos.line}: cannot unmarshal ${nodeTag}${value} into ${goTypeName(t)}`, pos });
  }

  unmarshal(node: YamlNode, t: GoType): Outcome {
    if (++this.decodeCount > MAX_DECODES) throw new GoYamlFail('yaml: document contains excessive aliasing');
    if (t.k === 'node') return { ok: true, value: this.pos(node) };
    if (isAlias(node)) {
      if (this.aliasStack.has(node)) throw new GoYamlFail(`yaml: anchor '${node.source}' value contains itself`);
      const target = node.resolve(this.doc) as YamlNode | undefined;
      if (target === undefined) throw new GoYamlFail(`yaml: unknown anchor '${node.source}' referenced`);
      this.aliasStack.add(node);
      try {
        return this.unmarshal(target, t);
      } finally {
        this.aliasStack.delete(node);
      }
    }
    // `prepare`: a null node leaves the value alone (no Unmarshaler is called).
    const resolved = isScalar(node) ? resolveScalar(node) : undefined;
    if (resolved !== undefined && resolved.tag === '!!null') {
      // `d.null`: maps, slices and pointers are set to nil (good); strings, ints and structs are not (bad).
      const ok = t.k === 'strmap' || t.k === 'seq' || t.k === 'optDuration';
      return { ok, value: undefined, isNull: true };
    }
    if (t.k === 'duration' || t.k === 'optDuration') {
      // model.Duration.UnmarshalYAML: unmarshal into a string, then ParseDuration (whose error is a `fail`).
      const before = this.terrors.length;
      const s = this.unmarshal(node, { k: 'string' });
      if (this.terrors.length > before) return { ok: false, value: undefined };
      const r = parseGoDuration(typeof s.value === 'string' ? s.value : '');
      if (!r.ok) throw new GoYamlFail(r.error);
      return { ok: true, value: r.ms };
    }
    if (isScalar(node)) return this.scalar(node, resolved as Resolved, t);
    if (isMap(node)) return this.mapping(node as YamlNode & { items: unknown[] }, t);
    if (isSeq(node)) return this.sequence(node as YamlNode & { items: unknown[] }, t);
    return { ok: false, value: undefined };
  }

  private scalar(node: Scalar, r: Resolved, t: GoType): Outcome {
    switch (t.k) {
      case 'string':
        return { ok: true, value: this.scalarValue(node) };
      case 'int': {
        let v: bigint | undefined;
        if (r.tag === '!!int') v = (r as { v: bigint }).v;
        else if (r.tag === '!!float') {
          const f = (r as { v: number }).v;
          // Go: `resolved <= math.MaxInt64` then int64(f); NaN and +Inf fail, -Inf wraps to MinInt64.
          if (f === -Infinity) v = MIN_INT64;
          else if (f <= 9223372036854775807) v = BigInt(Math.trunc(f));
        }
        if (v !== undefined && v >= MIN_INT64 && v <= MAX_INT64) return { ok: true, value: Number(v) };
        this.terror(node, r.tag, t);
        return { ok: false, value: undefined };
      }
      default:
        this.terror(node, r.tag, t);
        return { ok: false, value: undefined };
    }
  }

  private uniqueKeysOk(node: YamlNode & { items: unknown[] }): boolean {
    const before = this.terrors.length;
    const keys = node.items.map((p) => (isPair(p) ? (p.key as YamlNode | null) : null));
    for (let i = 0; i < keys.length; i++) {
      const ki = keys[i];
      for (let j = i + 1; j < keys.length; j++) {
        const kj = keys[j];
        if (nodeKind(ki) === nodeKind(kj) && nodeValue(ki) === nodeValue(kj)) {
          const pj = kj == null ? this.pos(node) : this.pos(kj);
          const pi = ki == null ? this.pos(node) : this.pos(ki);
          this.terrors.push({ text: `line ${pj.line}: mapping key ${JSON.stringify(nodeValue(kj))} already defined at line ${pi.line}`, pos: pj });
        }
      }
    }
    return this.terrors.length === before;
  }

  private mapping(node: YamlNode & { items: unknown[] }, t: GoType, merged?: Set<string>): Outcome {
    if (!this.uniqueKeysOk(node)) return { ok: false, value: undefined };
    if (t.k === 'struct') return { ok: true, value: this.mappingStruct(node, t, {}, merged) };
    if (t.k === 'strmap') return { ok: true, value: this.mappingMap(node, new Map(), merged) };
    this.terror(node, '!!map', t);
    return { ok: false, value: undefined };
  }

  private keyName(key: YamlNode | null): string | undefined {
    if (key === null) return undefined; // an empty key is a null: `d.null` of a string is "bad", the entry skipped
    const r = this.unmarshal(key, { k: 'string' });
    return r.ok && typeof r.value === 'string' ? r.value : undefined;
  }

  private mappingStruct(
    node: YamlNode & { items: unknown[] },
    t: Extract<GoType, { k: 'struct' }>,
    out: Record<string, GoValue | undefined>,
    merged: Set<string> | undefined,
  ): GoStruct {
    let mergeNode: YamlNode | undefined;
    for (const p of node.items) {
      if (!isPair(p)) continue;
      const key = p.key as YamlNode | null;
      const value = (p.value ?? null) as YamlNode | null;
      if (isMergeKey(key)) {
        mergeNode = value ?? undefined;
        continue;
      }
      const name = this.keyName(key);
      if (name === undefined) continue;
      if (merged !== undefined) {
        if (merged.has(name)) continue;
        merged.add(name);
      }
      const ft = Object.prototype.hasOwnProperty.call(t.fields, name) ? t.fields[name] : undefined;
      if (ft !== undefined) {
        if (value === null) continue; // an empty value is a null: the field keeps its zero value
        const r = this.unmarshal(value, ft);
        if (r.value !== undefined) out[name] = r.value;
      } else if (this.knownFields) {
        const kp = key === null ? this.pos(node) : this.pos(key);
        this.terrors.push({ text: `line ${kp.line}: field ${name} not found in type ${t.name}`, pos: kp });
      }
    }
    if (mergeNode !== undefined) this.merge(node, mergeNode, merged, (m, set) => this.mappingStruct(m, t, out, set));
    return out;
  }

  private mappingMap(node: YamlNode & { items: unknown[] }, out: Map<string, string>, merged: Set<string> | undefined): Map<string, string> {
    let mergeNode: YamlNode | undefined;
    for (const p of node.items) {
      if (!isPair(p)) continue;
      const key = p.key as YamlNode | null;
      const value = (p.value ?? null) as YamlNode | null;
      if (isMergeKey(key)) {
        mergeNode = value ?? undefined;
        continue;
      }
      const name = this.keyName(key);
      if (name === undefined) continue;
      if (merged !== undefined) {
        if (merged.has(name)) continue;
        merged.add(name);
      }
      if (value === null) {
        if (!out.has(name)) out.set(name, '');
        continue;
      }
      const r = this.unmarshal(value, { k: 'string' });
      if (r.ok && typeof r.value === 'string') out.set(name, r.value);
      else if (r.isNull === true && !out.has(name)) out.set(name, '');
    }
    if (mergeNode !== undefined) this.merge(node, mergeNode, merged, (m, set) => this.mappingMap(m, out, set));
    return out;
  }

  /** `d.merge`: the merged mapping(s) fill only the keys the parent does not set; the first merged one wins. */
  private merge(
    parent: YamlNode & { items: unknown[] },
    mergeNode: YamlNode,
    merged: Set<string> | undefined,
    into: (m: YamlNode & { items: unknown[] }, set: Set<string>) => void,
  ): void {
    const set = merged ?? new Set<string>();
    if (merged === undefined) {
      for (const p of parent.items) {
        if (!isPair(p) || !isScalar(p.key)) continue;
        set.add(scalarText(p.key));
      }
    }
    const asMapping = (n: YamlNode): (YamlNode & { items: unknown[] }) | undefined => {
      let cur: unknown = n;
      let guard = 0;
      while (isAlias(cur) && guard++ < 100) cur = (cur as { resolve(d: Document): unknown }).resolve(this.doc);
      return isMap(cur) ? (cur as unknown as YamlNode & { items: unknown[] }) : undefined;
    };
    const fail = (): never => {
      throw new GoYamlFail('yaml: map merge requires map or sequence of maps as the value');
    };
    if (isSeq(mergeNode)) {
      for (const item of mergeNode.items) {
        const m = asMapping(item as YamlNode) ?? fail();
        if (this.uniqueKeysOk(m)) into(m, set);
      }
      return;
    }
    const m = asMapping(mergeNode) ?? fail();
    if (this.uniqueKeysOk(m)) into(m, set);
  }

  private sequence(node: YamlNode & { items: unknown[] }, t: GoType): Outcome {
    if (t.k !== 'seq') {
      this.terror(node, '!!seq', t);
      return { ok: false, value: undefined };
    }
    const out: GoValue[] = [];
    for (const item of node.items) {
      if (item === null || item === undefined) continue; // an empty item is a null: dropped, like a bad element
      const r = this.unmarshal(item as YamlNode, t.of);
      // yaml.v3 keeps only the elements that decoded "good".
      if (r.ok && r.value !== undefined) out.push(r.value);
    }
    return { ok: true, value: out };
  }
}

/** Walks back over `&anchor` / `!tag` words (and the blanks between them) that precede `offset`. */
function propsStart(text: string, offset: number): number {
  let start = offset;
  for (;;) {
    let j = start;
    while (j > 0 && (text[j - 1] === ' ' || text[j - 1] === '\t')) j--;
    let k = j;
    while (k > 0 && !/\s/.test(text[k - 1] as string)) k--;
    const word = text.slice(k, j);
    if (k < j && (word.startsWith('&') || word.startsWith('!'))) start = k;
    else return start;
  }
}

function nodeKind(n: YamlNode | null | undefined): string {
  if (n === null || n === undefined) return 'scalar';
  if (isScalar(n)) return 'scalar';
  if (isMap(n)) return 'map';
  if (isSeq(n)) return 'seq';
  if (isAlias(n)) return 'alias';
  return 'other';
}

function nodeValue(n: YamlNode | null | undefined): string {
  if (n === null || n === undefined) return '';
  if (isScalar(n)) return scalarText(n);
  if (isAlias(n)) return n.source;
  return '';
}

/** The scalar's text (`yaml.Node.Value`): the content after unquoting and folding, as the failsafe schema keeps it. */
export function scalarText(n: Scalar): string {
  const v = n.value;
  return typeof v === 'string' ? v : v === null || v === undefined ? '' : String(v);
}

function isMergeKey(key: YamlNode | null): boolean {
  if (key === null || !isScalar(key) || key.type !== Scalar.PLAIN || scalarText(key) !== '<<') return false;
  const tag = key.tag;
  return tag === undefined || tag === '' || tag === '!' || shortTag(tag) === '!!merge';
}

const GO_INT = /^[-+]?(0[xX][0-9a-fA-F]+|0[oO]?[0-7]+|0[bB][01]+|[1-9][0-9]*|0)$/;

/** yaml.v3 `resolve` for a scalar: quoted and block scalars are strings; plain ones by yaml.v3's table. */
function resolveScalar(n: Scalar): Resolved {
  const text = scalarText(n);
  const explicit = typeof n.tag === 'string' && n.tag !== '' ? shortTag(n.tag) : '';
  const indicatedString = n.type !== undefined && n.type !== Scalar.PLAIN;
  if (indicatedString && explicit === '') return { tag: '!!str', v: text };
  const resolvable = explicit === '' || ['!!str', '!!bool', '!!int', '!!float', '!!null', '!!timestamp'].includes(explicit);
  if (!resolvable) return { tag: explicit, v: text };
  const plain = resolvePlain(text, explicit);
  if (explicit === '' || explicit === plain.tag || explicit === '!!str') return explicit === '!!str' ? { tag: '!!str', v: text } : plain;
  if (explicit === '!!float' && plain.tag === '!!int') return { tag: '!!float', v: Number((plain as { v: bigint }).v) };
  throw new GoYamlFail(`yaml: cannot decode ${plain.tag} \`${text}\` as a ${explicit}`);
}

function resolvePlain(text: string, explicit: string): Resolved {
  switch (text) {
    case 'true':
    case 'True':
    case 'TRUE':
      return { tag: '!!bool', v: true };
    case 'false':
    case 'False':
    case 'FALSE':
      return { tag: '!!bool', v: false };
    case '':
    case '~':
    case 'null':
    case 'Null':
    case 'NULL':
      return { tag: '!!null' };
    case '.nan':
    case '.NaN':
    case '.NAN':
      return { tag: '!!float', v: NaN };
    case '.inf':
    case '.Inf':
    case '.INF':
    case '+.inf':
    case '+.Inf':
    case '+.INF':
      return { tag: '!!float', v: Infinity };
    case '-.inf':
    case '-.Inf':
    case '-.INF':
      return { tag: '!!float', v: -Infinity };
    case '<<':
      return { tag: '!!merge', v: text };
  }
  const c = text.charCodeAt(0);
  const numericHint = (c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46;
  if (!numericHint) return { tag: '!!str', v: text };
  if (c === 46) {
    const f = goParseFloat(text);
    return f === undefined ? { tag: '!!str', v: text } : { tag: '!!float', v: f };
  }
  if ((explicit === '' || explicit === '!!timestamp') && /^\d{4}-\d\d?-\d\d?([Tt ].*)?$/.test(text)) {
    return { tag: '!!timestamp', v: text };
  }
  const plain = text.replaceAll('_', '');
  if (GO_INT.test(plain)) {
    const neg = plain.startsWith('-');
    const body = plain.replace(/^[-+]/, '');
    let digits = body;
    if (/^0[0-7]+$/.test(body)) digits = `0o${body.slice(1)}`;
    else if (/^0[oO]/.test(body)) digits = `0o${body.slice(2)}`;
    try {
      const v = BigInt(digits) * (neg ? -1n : 1n);
      if (v >= MIN_INT64 && v <= 18446744073709551615n) return { tag: '!!int', v };
    } catch {
      // not an integer after all
    }
  }
  if (YAML_STYLE_FLOAT.test(plain)) {
    const f = goParseFloat(plain);
    if (f !== undefined) return { tag: '!!float', v: f };
  }
  return { tag: '!!str', v: text };
}

function goParseFloat(s: string): number | undefined {
  if (!/^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/.test(s)) return undefined;
  const f = Number(s);
  return Number.isNaN(f) || !Number.isFinite(f) ? undefined : f;
}
