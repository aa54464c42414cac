/**
 * YAML config sources and precise error messages: parses YAML text with node positions, validates the plain
 * value with a zod schema, and maps every issue back to `file:line:col: key.path: message`.
 *
 * Shared by the bridge config (`load.ts`) and the web config (`web-config.ts`). Values of keys are never put into
 * messages here, except where a schema's own message chooses to (durations, enums): secrets stay out of errors.
 */
import { isAlias, isMap, isNode, isPair, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { Document } from 'yaml';
import type { z } from 'zod';
import { ConfigError } from '../errors.js';

/** A key path into the config: map keys as strings, list indexes as numbers. */
export type IssuePath = readonly (string | number)[];

/** One problem found in a config source. `atKey` points the position at the key instead of its value. */
export interface SourceIssue {
  readonly path: IssuePath;
  readonly message: string;
  readonly atKey?: boolean;
}

/** 1-based line and column. */
export interface Position {
  readonly line: number;
  readonly col: number;
}

/** A parsed YAML source: its plain value and a way back from key paths to positions. */
export interface YamlSource {
  /** The name used in messages (usually the file path as given). */
  readonly name: string;
  /** The document as plain JS values; `undefined` for an empty document (no content or only comments). */
  readonly value: unknown;
  /** Position of the node at `path` (or of its key with `atKey`), else of the deepest existing ancestor. */
  locate(path: IssuePath, atKey?: boolean): Position | undefined;
}

/** Most issues listed in one error message; the rest are counted. */
const MAX_LISTED_ISSUES = 20;

/**
 * Parses YAML text (YAML 1.2 core schema, unique keys, at most 100 aliases, no custom tags).
 *
 * @param text the YAML text
 * @param name the source name used in messages, e.g. the file path as the user gave it
 * @throws ConfigError for YAML syntax errors and warnings (`name:line:col: message`) and for resource-exhaustion
 *         inputs (too many aliases, too deep)
 */
export function parseYamlSource(text: string, name: string): YamlSource {
  const lineCounter = new LineCounter();
  let doc: Document.Parsed;
  let value: unknown;
  try {
    doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, strict: true });
  } catch (err) {
    throw new ConfigError(`${name}: cannot parse YAML: ${errorText(err)}`, { cause: err });
  }
  const problems = [...doc.errors, ...doc.warnings];
  if (problems.length > 0) {
    const lines = problems.slice(0, MAX_LISTED_ISSUES).map((e) => {
      const start = e.pos[0];
      const at = start >= 0 ? lineCounter.linePos(Math.min(start, text.length)) : undefined;
      return `${prefix(name, at)}YAML syntax error: ${firstLine(e.message)}`;
    });
    throw new ConfigError(lines.join('\n'));
  }
  try {
    value = doc.contents === null ? undefined : (doc.toJS({ maxAliasCount: 100 }) as unknown);
  } catch (err) {
    throw new ConfigError(`${name}: cannot read YAML: ${errorText(err)}`, { cause: err });
  }
  return {
    name,
    value: value === null ? undefined : value,
    locate: (path, atKey) => locateIn(doc, lineCounter, path, atKey === true),
  };
}

/**
 * Validates `source.value` against `schema`, turning zod issues into one `ConfigError` with positions.
 *
 * @param errorMap zod per-parse error map producing the messages (see `configErrorMap`)
 * @returns the schema's output
 * @throws ConfigError listing every issue as `name:line:col: path: message`, ordered by position
 */
export function validateSource<S extends z.ZodType>(
  schema: S,
  source: YamlSource,
  errorMap: z.core.$ZodErrorMap,
): z.output<S> {
  const result = schema.safeParse(source.value ?? {}, { error: errorMap });
  if (result.success) return result.data;
  throw issuesToError(source, fromZodIssues(result.error.issues));
}

/** Converts zod issues to source issues: one `unknown key` issue per unrecognised key, positioned at the key. */
export function fromZodIssues(issues: readonly z.core.$ZodIssue[]): SourceIssue[] {
  const out: SourceIssue[] = [];
  for (const iss of issues) {
    const path = iss.path.map((p) => (typeof p === 'number' ? p : String(p)));
    if (iss.code === 'unrecognized_keys') {
      for (const key of iss.keys) out.push({ path: [...path, key], message: 'unknown key', atKey: true });
    } else {
      const params = iss.code === 'custom' ? (iss.params as { atKey?: unknown } | undefined) : undefined;
      out.push({ path, message: iss.message, atKey: params?.atKey === true });
    }
  }
  return out;
}

/**
 * Builds one ConfigError from issues: each line `name:line:col: path: message`, sorted by position, at most
 * 20 listed. Never includes values unless the issue messages do.
 */
export function issuesToError(source: YamlSource, issues: readonly SourceIssue[]): ConfigError {
  const located = issues.map((iss, i) => ({ iss, i, at: source.locate(iss.path, iss.atKey) }));
  located.sort((a, b) => {
    const la = a.at?.line ?? 0;
    const lb = b.at?.line ?? 0;
    if (la !== lb) return la - lb;
    const ca = a.at?.col ?? 0;
    const cb = b.at?.col ?? 0;
    return ca !== cb ? ca - cb : a.i - b.i;
  });
  const lines = located.slice(0, MAX_LISTED_ISSUES).map(({ iss, at }) => {
    const where = iss.path.length === 0 ? 'top level' : formatPath(iss.path);
    return `${prefix(source.name, at)}${where}: ${iss.message}`;
  });
  if (located.length > MAX_LISTED_ISSUES) lines.push(`… and ${located.length - MAX_LISTED_ISSUES} more`);
  return new ConfigError(lines.join('\n'));
}

/** `['global', 'windows', 1]` → `global.windows[1]`. Keys that are not identifiers are quoted. */
export function formatPath(path: IssuePath): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

/** How an input value is named in messages: its kind only, never its content. */
export function describeKind(input: unknown): string {
  if (input === undefined) return 'nothing';
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'a list';
  switch (typeof input) {
    case 'string':
      return 'a string';
    case 'number':
      return 'a number';
    case 'boolean':
      return 'a boolean';
    case 'object':
      return 'a mapping';
    default:
      return typeof input;
  }
}

const EXPECTED_NAMES: Readonly<Record<string, string>> = {
  object: 'a mapping',
  record: 'a mapping',
  map: 'a mapping',
  array: 'a list',
  tuple: 'a list',
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'a boolean (true or false)',
};

/**
 * The zod error map for config files: short messages that name kinds, not values. Numbers are echoed only for
 * integer/number fields (never secrets); enum failures list the allowed values.
 */
export const configErrorMap: z.core.$ZodErrorMap = (iss) => {
  switch (iss.code) {
    case 'invalid_type': {
      if (iss.input === undefined) return 'missing required key';
      const expected = EXPECTED_NAMES[iss.expected] ?? iss.expected;
      let msg = `expected ${expected}, got ${describeKind(iss.input)}`;
      if (typeof iss.input === 'number' && (iss.expected === 'int' || iss.expected === 'number')) {
        msg = `expected ${expected}, got ${iss.input}`;
      }
      if (iss.expected === 'string' && (typeof iss.input === 'number' || typeof iss.input === 'boolean')) {
        msg += ' (quote the value to make it a string)';
      }
      return msg;
    }
    case 'too_small': {
      const n = Number(iss.minimum);
      if (iss.origin === 'array' || iss.origin === 'set') return `must have at least ${n} item${n === 1 ? '' : 's'}`;
      if (iss.origin === 'string') return n <= 1 ? 'must not be empty' : `must be at least ${n} characters long`;
      return iss.inclusive === false ? `must be greater than ${n}` : `must be at least ${n}`;
    }
    case 'too_big': {
      const n = Number(iss.maximum);
      if (iss.origin === 'array' || iss.origin === 'set') return `must have at most ${n} item${n === 1 ? '' : 's'}`;
      if (iss.origin === 'string') return `must be at most ${n} characters long`;
      return iss.inclusive === false ? `must be less than ${n}` : `must be at most ${n}`;
    }
    case 'invalid_value': {
      const allowed = iss.values.map((v) => JSON.stringify(v)).join(', ');
      return typeof iss.input === 'string'
        ? `${JSON.stringify(iss.input)} is not one of ${allowed}`
        : `expected one of ${allowed}, got ${describeKind(iss.input)}`;
    }
    case 'invalid_format':
      return 'has an invalid format';
    default:
      return undefined;
  }
};

function prefix(name: string, at: Position | undefined): string {
  return at === undefined ? `${name}: ` : `${name}:${at.line}:${at.col}: `;
}

function firstLine(message: string): string {
  const nl = message.indexOf('\n');
  return nl === -1 ? message : message.slice(0, nl);
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

type Range = readonly [number, number, number];

function rangeOf(node: unknown): Range | undefined {
  if (isNode(node) && node.range) return node.range;
  return undefined;
}

function keyText(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  if (typeof key === 'string' || typeof key === 'number' || typeof key === 'boolean') return String(key);
  return undefined;
}

function locateIn(
  doc: Document.Parsed,
  lineCounter: LineCounter,
  path: IssuePath,
  atKey: boolean,
): Position | undefined {
  let node: unknown = doc.contents;
  let best: Range | undefined = rangeOf(node);
  for (let i = 0; i < path.length; i++) {
    let guard = 0;
    while (isAlias(node) && guard++ < 100) node = node.resolve(doc);
    const seg = path[i];
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && keyText(p.key) === String(seg));
      if (pair === undefined) break;
      if (last && atKey) {
        best = rangeOf(pair.key) ?? best;
        break;
      }
      best = rangeOf(pair.value) ?? rangeOf(pair.key) ?? best;
      node = pair.value;
    } else if (isSeq(node) && typeof seg === 'number') {
      const item: unknown = node.items[seg];
      if (item === undefined) break;
      best = rangeOf(item) ?? best;
      node = item;
    } else {
      break;
    }
  }
  return best === undefined ? undefined : lineCounter.linePos(best[0]);
}
