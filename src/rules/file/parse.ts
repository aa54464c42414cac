/**
 * Rule files like Prometheus 3.16 `model/rulefmt/rulefmt.go` `Parse` + `Validate`: YAML with positions, strict
 * keys (yaml.v3 `KnownFields`), the same checks in the same order and the same wording, so `check rules` can print
 * what promtool prints and the rule manager can log `file:line:col` errors.
 */
import { isAlias, isNode, LineCounter, parseAllDocuments, visit } from 'yaml';
import type { Document } from 'yaml';
import { BridgeError } from '../../errors.js';
import { parseExpr } from '../../promql/parser/index.js';
import type { ParseOptions } from '../../promql/parser/index.js';
import type { LabelRecord } from '../../model/labels.js';
import type { RuleGroupSpec, RuleSpec, TemplateExpander } from '../types.js';
import { decodeGoYaml, GoYamlFail } from './go-yaml-decode.js';
import type { GoStruct, GoType, NodePos } from './go-yaml-decode.js';
import { goQuote } from './go-duration.js';

/** One problem of a rule file, as rulefmt reports it. */
export interface RuleFileIssue {
  /** Exactly what promtool prints after `FILE: ` (may span lines, e.g. `yaml: unmarshal errors:\n  line 3: …`). */
  readonly text: string;
  /** Position for `file:line:col` (0 when rulefmt has none). */
  readonly line: number;
  readonly column: number;
  /** `text` without rulefmt's leading `L:C: ` position(s). */
  readonly detail: string;
}

/** A rule group as rulefmt's `RuleGroup` holds it (what the duplicate lint and the loader read). */
export interface ParsedRule {
  readonly record: string;
  readonly alert: string;
  readonly expr: string;
  readonly forMs: number;
  readonly keepFiringForMs: number;
  readonly labels: ReadonlyMap<string, string>;
  readonly annotations: ReadonlyMap<string, string>;
  readonly pos: NodePos;
}
export interface ParsedGroup {
  readonly name: string;
  readonly intervalMs: number;
  readonly queryOffsetMs: number | undefined;
  readonly limit: number;
  readonly labels: ReadonlyMap<string, string>;
  readonly rules: readonly ParsedRule[];
  readonly pos: NodePos;
}

/** What parsing one file gives: the groups when there are no issues. Never throws. */
export interface RuleFileParse {
  readonly groups: readonly ParsedGroup[];
  readonly issues: readonly RuleFileIssue[];
  /** rulefmt's logged warnings (`Multiple document yaml rules files are not supported, …`). */
  readonly warnings: readonly string[];
}

export interface RuleFileParseOptions {
  /** Checks alert label and annotation templates (`testTemplateParsing`); without it they are not checked. */
  readonly templates?: TemplateExpander;
  /** promtool's `--ignore-unknown-fields`. */
  readonly ignoreUnknownFields?: boolean;
  /** Options of our PromQL parser (default: Prometheus 3.16 without feature flags, like promtool). */
  readonly promql?: ParseOptions;
}

export const MULTI_DOC_WARNING = 'Multiple document yaml rules files are not supported, only the first document is processed';

const STRMAP: GoType = { k: 'strmap' };
function types(strict: boolean): GoType {
  const rule: GoType = {
    k: 'struct',
    name: strict ? 'rulefmt.Rule' : 'rulefmt.RuleNode',
    fields: {
      record: strict ? { k: 'string' } : { k: 'node' },
      alert: strict ? { k: 'string' } : { k: 'node' },
      expr: strict ? { k: 'string' } : { k: 'node' },
      for: { k: 'duration' },
      keep_firing_for: { k: 'duration' },
      labels: STRMAP,
      annotations: STRMAP,
    },
  };
  const group: GoType = {
    k: 'struct',
    name: strict ? 'rulefmt.RuleGroup' : 'rulefmt.RuleGroupNode',
    fields: {
      // RuleGroupNode embeds yaml.Node without `,inline`: yaml.v3 fills it only from a key named `node`.
      ...(strict ? {} : { node: { k: 'node' } as GoType }),
      name: { k: 'string' },
      interval: { k: 'duration' },
      query_offset: { k: 'optDuration' },
      limit: { k: 'int' },
      rules: { k: 'seq', name: strict ? '[]rulefmt.Rule' : '[]rulefmt.RuleNode', of: rule },
      labels: STRMAP,
    },
  };
  return {
    k: 'struct',
    name: strict ? 'rulefmt.RuleGroups' : 'rulefmt.ruleGroups',
    fields: { groups: { k: 'seq', name: strict ? '[]rulefmt.RuleGroup' : '[]rulefmt.RuleGroupNode', of: group } },
  };
}

/**
 * Parses and validates rule-file content like `rulefmt.Parse` (UTF-8 name validation, as Prometheus 3 and promtool).
 *
 * @param content the file's bytes or text
 * @returns groups (empty when there are issues), issues in rulefmt's order, warnings. Never throws.
 */
export function parseRuleFileContent(content: Uint8Array | string, opts: RuleFileParseOptions = {}): RuleFileParse {
  const warnings: string[] = [];
  let text: string;
  if (typeof content === 'string') text = content;
  else {
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(content);
    } catch {
      // libyaml's reader refuses invalid UTF-8 before parsing; both decodes report it.
      const t = 'yaml: invalid leading UTF-8 octet';
      return { groups: [], issues: [plainIssue(t), plainIssue(t)], warnings: [MULTI_DOC_WARNING] };
    }
  }
  if (text.startsWith('\ufeff')) text = text.slice(1);
  const bad = firstNonPrintable(text);
  if (bad) {
    const t = 'yaml: control characters are not allowed';
    return { groups: [], issues: [plainIssue(t), plainIssue(t)], warnings: [MULTI_DOC_WARNING] };
  }

  const lineCounter = new LineCounter();
  let docs: Document.Parsed[];
  try {
    docs = parseAllDocuments(text, { schema: 'failsafe', lineCounter, uniqueKeys: false, prettyErrors: false }) as Document.Parsed[];
  } catch (err) {
    const t = `yaml: ${err instanceof Error ? err.message : String(err)}`;
    return { groups: [], issues: [plainIssue(t), plainIssue(t)], warnings };
  }
  if (!Array.isArray(docs)) docs = [];
  const first = docs[0];
  if (first !== undefined && first.errors.length > 0) {
    // Go's decoder fails the first Decode, its second Decode fails again (hence the warning), and the node
    // Unmarshal fails the same way: one syntax error, printed twice.
    const e = first.errors[0] as { message: string; pos: [number, number] };
    const at = lineCounter.linePos(Math.min(Math.max(e.pos[0], 0), text.length));
    const t = `yaml: line ${at.line}: ${firstLine(e.message)}`;
    const issue: RuleFileIssue = { text: t, line: at.line, column: at.col, detail: t };
    return { groups: [], issues: [issue, issue], warnings: [MULTI_DOC_WARNING] };
  }
  if (first !== undefined) {
    // yaml.v3's parser refuses an alias to an anchor not defined before it, like a syntax error.
    const unknown = firstUnknownAlias(first);
    if (unknown !== undefined) {
      const t = `yaml: unknown anchor '${unknown}' referenced`;
      return { groups: [], issues: [plainIssue(t), plainIssue(t)], warnings: [MULTI_DOC_WARNING] };
    }
  }
  if (docs.length > 1) warnings.push(MULTI_DOC_WARNING);
  if (first === undefined) return { groups: [], issues: [], warnings };

  const issues: RuleFileIssue[] = [];
  let strictValue: GoStruct = {};
  let nodeValue: GoStruct = {};
  for (const strict of [true, false]) {
    try {
      const r = decodeGoYaml(first, text, lineCounter, types(strict), strict && opts.ignoreUnknownFields !== true);
      if (strict) strictValue = r.value;
      else nodeValue = r.value;
      if (r.typeErrors.length > 0) {
        const t = `yaml: unmarshal errors:\n  ${r.typeErrors.join('\n  ')}`;
        issues.push({ text: t, line: r.firstErrorPos?.line ?? 0, column: r.firstErrorPos?.column ?? 0, detail: t });
      }
    } catch (err) {
      if (!(err instanceof GoYamlFail)) throw err;
      issues.push(plainIssue(err.message));
    }
  }
  if (issues.length > 0) return { groups: [], issues, warnings };

  const groups = toGroups(strictValue, nodeValue);
  const validation = validateGroups(groups, opts);
  return { groups: validation.length > 0 ? [] : groups, issues: validation, warnings };
}

/** The name of the first alias (in document order) whose anchor is not defined before it, if any. */
function firstUnknownAlias(doc: Document.Parsed): string | undefined {
  const defined = new Set<string>();
  let unknown: string | undefined;
  visit(doc, (_key, node) => {
    if (isAlias(node)) {
      if (!defined.has(node.source)) {
        unknown = node.source;
        return visit.BREAK;
      }
    } else if (isNode(node) && typeof node.anchor === 'string' && node.anchor !== '') {
      defined.add(node.anchor);
    }
    return undefined;
  });
  return unknown;
}

function plainIssue(text: string): RuleFileIssue {
  return { text, line: 0, column: 0, detail: text };
}

function firstLine(message: string): string {
  const nl = message.indexOf('\n');
  return (nl === -1 ? message : message.slice(0, nl)).replace(/ at line \d+, column \d+:?$/, '');
}

// libyaml's reader accepts tab, LF, CR, printable ASCII, NEL, and the BMP/astral ranges of YAML's c-printable.
function firstNonPrintable(text: string): boolean {
  // eslint-disable-next-line no-control-regex
  return /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]/u.test(text.replace(/[\ud800-\udbff][\udc00-\udfff]/g, 'x'));
}

const ZERO: NodePos = { line: 0, column: 0 };

function toGroups(strict: GoStruct, node: GoStruct): ParsedGroup[] {
  const sg = (strict['groups'] as readonly GoStruct[] | undefined) ?? [];
  const ng = (node['groups'] as readonly GoStruct[] | undefined) ?? [];
  return sg.map((g, j) => {
    const gn = ng[j] ?? {};
    const rules = (g['rules'] as readonly GoStruct[] | undefined) ?? [];
    const rn = (gn['rules'] as readonly GoStruct[] | undefined) ?? [];
    return {
      name: (g['name'] as string | undefined) ?? '',
      intervalMs: (g['interval'] as number | undefined) ?? 0,
      queryOffsetMs: g['query_offset'] as number | undefined,
      limit: (g['limit'] as number | undefined) ?? 0,
      labels: (g['labels'] as ReadonlyMap<string, string> | undefined) ?? new Map(),
      pos: (gn['node'] as NodePos | undefined) ?? ZERO,
      rules: rules.map((r, i) => {
        const n = rn[i] ?? {};
        return {
          record: (r['record'] as string | undefined) ?? '',
          alert: (r['alert'] as string | undefined) ?? '',
          expr: (r['expr'] as string | undefined) ?? '',
          forMs: (r['for'] as number | undefined) ?? 0,
          keepFiringForMs: (r['keep_firing_for'] as number | undefined) ?? 0,
          labels: (r['labels'] as ReadonlyMap<string, string> | undefined) ?? new Map(),
          annotations: (r['annotations'] as ReadonlyMap<string, string> | undefined) ?? new Map(),
          pos: ruleNodePos(n),
          recordPos: (n['record'] as NodePos | undefined) ?? ZERO,
          alertPos: (n['alert'] as NodePos | undefined) ?? ZERO,
          exprPos: (n['expr'] as NodePos | undefined) ?? ZERO,
        } as ParsedRule & RuleNodePositions;
      }),
    };
  });
}

interface RuleNodePositions {
  readonly recordPos: NodePos;
  readonly alertPos: NodePos;
  readonly exprPos: NodePos;
}

function ruleNodePos(n: GoStruct): NodePos {
  const all = ['record', 'alert', 'expr'].map((k) => n[k] as NodePos | undefined).filter((p): p is NodePos => p !== undefined);
  all.sort((a, b) => a.line - b.line || a.column - b.column);
  return all[0] ?? ZERO;
}

/** Valid UTF-8 once encoded: no lone surrogates (a YAML `\ud800` escape can make one). */
function wellFormed(s: string): boolean {
  return !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(s);
}

/** `model.UTF8Validation.IsValidLabelName` / `IsValidMetricName`: non-empty valid UTF-8. */
function validName(s: string): boolean {
  return s !== '' && wellFormed(s);
}

/** `RuleGroups.Validate` (and `Rule.Validate` per rule), in Prometheus's order and wording. */
function validateGroups(groups: readonly ParsedGroup[], opts: RuleFileParseOptions): RuleFileIssue[] {
  const out: RuleFileIssue[] = [];
  const seen = new Set<string>();
  for (const g of groups) {
    const gp = `${g.pos.line}:${g.pos.column}: `;
    if (g.name === '') out.push(positioned(g.pos, undefined, `${gp}Groupname must not be empty`, 'Groupname must not be empty'));
    if (seen.has(g.name)) {
      const d = `groupname: "${g.name}" is repeated in the same file`;
      out.push(positioned(g.pos, undefined, `${gp}${d}`, d));
    }
    for (const [k, v] of g.labels) {
      if (!validName(k) || k === '__name__') out.push(plainIssue(`invalid label name: ${k}`));
      if (!wellFormed(v)) out.push(plainIssue(`invalid label value: ${v}`));
    }
    seen.add(g.name);
    g.rules.forEach((r, i) => {
      const name = r.alert !== '' ? r.alert : r.record;
      for (const e of validateRule(r as ParsedRule & RuleNodePositions, opts)) {
        const core = `group ${goQuote(g.name)}, rule ${i + 1}, ${goQuote(name)}: ${e.err}`;
        const prefix = e.node === undefined ? '' : `${e.node.line}:${e.node.column}: ${e.alt === undefined ? '' : `${e.alt.line}:${e.alt.column}: `}`;
        out.push(positioned(e.node ?? ZERO, e.alt, `${prefix}${core}`, core));
      }
    });
  }
  return out;
}

function positioned(node: NodePos, _alt: NodePos | undefined, text: string, detail: string): RuleFileIssue {
  return { text, line: node.line, column: node.column, detail };
}

interface WrappedError {
  readonly err: string;
  readonly node?: NodePos;
  readonly alt?: NodePos;
}

function validateRule(r: ParsedRule & RuleNodePositions, opts: RuleFileParseOptions): WrappedError[] {
  const out: WrappedError[] = [];
  if (r.record !== '' && r.alert !== '') {
    out.push({ err: "only one of 'record' and 'alert' must be set", node: r.recordPos, alt: r.alertPos });
  }
  if (r.record === '' && r.alert === '') {
    out.push({ err: "one of 'record' or 'alert' must be set", node: r.recordPos, alt: r.alertPos });
  }
  if (r.expr === '') out.push({ err: "field 'expr' must be set in rule", node: r.exprPos });
  else {
    try {
      parseExpr(r.expr, opts.promql ?? {});
    } catch (err) {
      out.push({ err: `could not parse expression: ${err instanceof Error ? err.message : String(err)}`, node: r.exprPos });
    }
  }
  if (r.record !== '') {
    if (r.annotations.size > 0) out.push({ err: "invalid field 'annotations' in recording rule", node: r.recordPos });
    if (r.forMs !== 0) out.push({ err: "invalid field 'for' in recording rule", node: r.recordPos });
    if (r.keepFiringForMs !== 0) out.push({ err: "invalid field 'keep_firing_for' in recording rule", node: r.recordPos });
    if (!validName(r.record)) out.push({ err: `invalid recording rule name: ${r.record}`, node: r.recordPos });
    if (r.record.includes('{') || r.record.includes('}')) {
      out.push({ err: `braces present in the recording rule name; should it be in expr?: ${r.record}`, node: r.recordPos });
    }
  }
  for (const [k, v] of r.labels) {
    if (!validName(k) || k === '__name__') out.push({ err: `invalid label name: ${k}` });
    if (!wellFormed(v)) out.push({ err: `invalid label value: ${v}` });
  }
  for (const k of r.annotations.keys()) {
    if (!validName(k)) out.push({ err: `invalid annotation name: ${k}` });
  }
  if (r.alert !== '' && opts.templates !== undefined) {
    const t = opts.templates;
    const check = (kind: string, k: string, text: string): void => {
      try {
        t.check(`__alert_${r.alert}`, text);
      } catch (err) {
        const msg = err instanceof BridgeError || err instanceof Error ? err.message : String(err);
        out.push({ err: `${kind} ${goQuote(k)}: ${msg}` });
      }
    };
    for (const [k, v] of r.labels) check('label', k, v);
    for (const [k, v] of r.annotations) check('annotation', k, v);
  }
  return out;
}

/** Converts parsed groups (no issues) to the contract's specs; `file` is the group's file as resolved. */
export function toGroupSpecs(groups: readonly ParsedGroup[], file: string): RuleGroupSpec[] {
  return groups.map((g) => ({
    name: g.name,
    file,
    // Prometheus uses the global interval when a group's interval is 0 (absent or `0`).
    intervalMs: g.intervalMs === 0 ? undefined : g.intervalMs,
    queryOffsetMs: g.queryOffsetMs,
    limit: g.limit,
    labels: record(g.labels),
    pos: g.pos,
    rules: g.rules.map((r): RuleSpec =>
      r.alert !== ''
        ? {
            kind: 'alerting',
            alert: r.alert,
            expr: r.expr,
            forMs: r.forMs,
            keepFiringForMs: r.keepFiringForMs,
            labels: record(r.labels),
            annotations: record(r.annotations),
            pos: r.pos,
          }
        : { kind: 'recording', record: r.record, expr: r.expr, labels: record(r.labels), pos: r.pos },
    ),
  }));
}

function record(m: ReadonlyMap<string, string>): LabelRecord {
  const out: Record<string, string> = {};
  for (const k of [...m.keys()].sort()) out[k] = m.get(k) as string;
  return out;
}
