/**
 * promtool's unit-test file (`cmd/promtool/unittest.go` at v0.316.0: `unitTestFile`, `testGroup`, `series`,
 * `alertTestCase`, `alert`, `promqlTestCase`, `sample`), decoded strictly like `yaml.UnmarshalStrict` of
 * `go.yaml.in/yaml/v2`: unknown fields are errors (`line N: field x not found in type main.testGroup`; promtool's
 * `--ignore-unknown-fields` reaches only the rule files), keys set twice too; aliases and merge keys resolved; scalars decode into strings as their text; durations are Prometheus durations.
 */
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node as YamlNode, type Pair } from 'yaml';
import { RuleTestFileError } from '../../errors.js';
import { parseDuration } from '../../config/duration.js';

export interface UnitTestFile {
  readonly ruleFiles: readonly string[];
  /** ms; 0 when absent (the runner defaults it to 1m). */
  readonly evaluationIntervalMs: number;
  readonly groupEvalOrder: readonly string[];
  readonly tests: readonly TestGroup[];
  readonly fuzzyCompare: boolean;
}

export interface TestGroup {
  /** ms; 0 when absent (= the file's evaluation interval). */
  readonly intervalMs: number;
  readonly inputSeries: readonly { readonly series: string; readonly values: string }[];
  readonly alertRuleTests: readonly AlertTestCase[];
  readonly promqlExprTests: readonly PromqlTestCase[];
  readonly externalLabels: Readonly<Record<string, string>>;
  readonly externalURL: string;
  readonly name: string;
  /** Unix ms; undefined when absent (the Unix epoch). */
  readonly startTimestampMs: number | undefined;
}

export interface AlertTestCase {
  readonly evalTimeMs: number;
  readonly alertname: string;
  readonly expAlerts: readonly { readonly labels: Readonly<Record<string, string>>; readonly annotations: Readonly<Record<string, string>> }[];
}

export interface PromqlTestCase {
  readonly expr: string;
  readonly evalTimeMs: number;
  readonly expSamples: readonly { readonly labels: string; readonly value: number; readonly histogram: string }[];
}

type Fields = Readonly<Record<string, (n: YamlNode, d: Decoder) => unknown>>;

/** yaml.v2's decoder state: type errors are collected (`yaml: unmarshal errors:`), a `fail` aborts at once. */
class Decoder {
  readonly errors: string[] = [];
  constructor(
    private readonly lc: LineCounter,
    private readonly strict: boolean,
    private readonly doc: Document,
  ) {}

  /** An alias (`*name`) is its anchored node, as yaml.v2 decodes it. */
  deref(n: YamlNode): YamlNode {
    let cur = n;
    for (let i = 0; i < 64 && isAlias(cur); i++) {
      const r = cur.resolve(this.doc);
      if (r === undefined) break;
      cur = r as YamlNode;
    }
    return cur;
  }

  /**
   * A mapping's pairs with yaml.v2's merge keys (`<<: *a`, `<<: [*a, *b]`) spliced in; explicit keys win. Strict
   * decoding refuses a key given twice, merged ones included (`line N: key "x" already set in map`), as
   * `UnmarshalStrict` does.
   */
  pairs(n: YamlNode & { items: unknown[] }, depth = 0): Pair[] {
    const own: Pair[] = [];
    const merged: Pair[] = [];
    for (const item of n.items as Pair[]) {
      const key = item.key as YamlNode | null;
      if (depth < 16 && key !== null && isScalar(key) && (key.value === '<<' || typeof key.value === 'symbol') && item.value !== null) {
        const v = this.deref(item.value as YamlNode);
        const sources = isSeq(v) ? v.items.map((x) => this.deref(x as YamlNode)) : [v];
        for (const src of sources) if (isMap(src)) merged.push(...this.pairs(src, depth + 1));
        continue;
      }
      own.push(item);
    }
    const keyOf = (p: Pair): string => (isScalar(p.key) ? String(p.key.source ?? p.key.value) : '');
    const seen = new Set(merged.map(keyOf));
    const ownKeys = new Set<string>();
    for (const p of own) {
      const k = keyOf(p);
      if (depth === 0 && (seen.has(k) || ownKeys.has(k))) {
        this.errors.push(`line ${this.line(p.key as YamlNode)}: key ${goQuoteKey(k)} already set in map`);
      }
      ownKeys.add(k);
    }
    return [...merged.filter((p) => !ownKeys.has(keyOf(p))), ...own];
  }

  line(n: YamlNode): number {
    return n.range !== undefined && n.range !== null ? this.lc.linePos(n.range[0]).line : 0;
  }

  typeError(n: YamlNode, into: string): void {
    const tag = isScalar(n) ? scalarTag(n) : isMap(n) ? '!!map' : isSeq(n) ? '!!seq' : '!!null';
    const text = isScalar(n) ? ` \`${String(n.source ?? n.value)}\`` : '';
    this.errors.push(`line ${this.line(n)}: cannot unmarshal ${tag}${text} into ${into}`);
  }

  struct(n: YamlNode | null | undefined, typeName: string, fields: Fields): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    if (n === null || n === undefined) return out;
    n = this.deref(n);
    if (isNull(n)) return out;
    if (!isMap(n)) {
      this.typeError(n, typeName);
      return out;
    }
    for (const item of this.pairs(n)) {
      const key = item.key as YamlNode | null;
      const k = key !== null && isScalar(key) ? String(key.source ?? key.value) : '';
      const f = fields[k];
      if (f === undefined) {
        if (this.strict) this.errors.push(`line ${key !== null ? this.line(key) : 0}: field ${k} not found in type ${typeName}`);
        continue;
      }
      const v0 = item.value as YamlNode | null;
      const v = v0 === null ? null : this.deref(v0);
      if (v === null || isNull(v)) continue;
      out[k] = f(v, this);
    }
    return out;
  }

  string(n0: YamlNode): string | undefined {
    const n = this.deref(n0);
    if (isScalar(n)) return n.source !== undefined ? String(n.source) : String(n.value);
    this.typeError(n, 'string');
    return undefined;
  }

  list<T>(n0: YamlNode, item: (n: YamlNode, d: Decoder) => T | undefined, typeName: string): T[] {
    const n = this.deref(n0);
    if (!isSeq(n)) {
      this.typeError(n, typeName);
      return [];
    }
    const out: T[] = [];
    for (const it of n.items) {
      const node = this.deref(it as YamlNode);
      const v = isNull(node) ? undefined : item(node, this);
      if (v !== undefined) out.push(v);
    }
    return out;
  }

  stringMap(n0: YamlNode, typeName: string): Record<string, string> {
    const out: Record<string, string> = {};
    const n = this.deref(n0);
    if (!isMap(n)) {
      this.typeError(n, typeName);
      return out;
    }
    for (const item of this.pairs(n)) {
      const k = item.key as YamlNode;
      const v = item.value === null ? null : this.deref(item.value as YamlNode);
      const ks = this.string(k);
      const vs = v === null || isNull(v) ? '' : this.string(v);
      if (ks !== undefined && vs !== undefined) out[ks] = vs;
    }
    return out;
  }

  /** `model.Duration`'s UnmarshalYAML: a failure aborts the decode (yaml.v2 returns the unmarshaler's error). */
  duration(n: YamlNode): number {
    const s = this.string(n);
    if (s === undefined) return 0;
    try {
      return parseDuration(s);
    } catch {
      throw new RuleTestFileError(`not a valid duration string: ${JSON.stringify(s)}`);
    }
  }

  float(n0: YamlNode): number {
    const n = this.deref(n0);
    if (isScalar(n) && typeof n.value === 'number') return n.value;
    this.typeError(n, 'float64');
    return 0;
  }

  bool(n0: YamlNode): boolean {
    const n = this.deref(n0);
    if (isScalar(n) && typeof n.value === 'boolean') return n.value;
    this.typeError(n, 'bool');
    return false;
  }
}

/** `%#v` of a string key: Go syntax, double-quoted. */
function goQuoteKey(k: string): string {
  return JSON.stringify(k);
}

function isNull(n: YamlNode): boolean {
  return isScalar(n) && n.value === null;
}

function scalarTag(n: YamlNode & { value: unknown }): string {
  const v = n.value;
  return typeof v === 'number' ? (Number.isInteger(v) ? '!!int' : '!!float') : typeof v === 'boolean' ? '!!bool' : '!!str';
}

/** promtool's `parseTime`: a float of Unix seconds, or RFC 3339. */
export function parseStartTime(s: string): number {
  if (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(s)) return Math.trunc(Number(s) * 1000);
  const t = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(s) ? Date.parse(s) : NaN;
  if (Number.isNaN(t)) throw new RuleTestFileError(`cannot parse ${JSON.stringify(s)} to a valid timestamp`);
  return t;
}

/**
 * Decodes a unit-test file.
 * @throws RuleTestFileError with yaml.v2's wording where we have it (`yaml: unmarshal errors:` + lines)
 */
export function parseUnitTestFile(text: string, ignoreUnknownFields: boolean): UnitTestFile {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, version: '1.1', uniqueKeys: false, strict: false, merge: false });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    throw new RuleTestFileError(`yaml: line ${e?.linePos?.[0].line ?? 0}: ${e?.message.split('\n')[0] ?? 'syntax error'}`);
  }
  // promtool decodes the unit-test file with `yaml.UnmarshalStrict` whatever `--ignore-unknown-fields` says (the flag
  // reaches the rule files only); the parameter stays for callers that want lenient decoding.
  const d = new Decoder(lc, !ignoreUnknownFields, doc);
  const str = (n: YamlNode, dd: Decoder): string | undefined => dd.string(n);
  const dur = (n: YamlNode, dd: Decoder): number => dd.duration(n);

  const sample = (n: YamlNode, dd: Decoder): PromqlTestCase['expSamples'][number] => {
    const s = dd.struct(n, 'main.sample', { labels: str, value: (x) => dd.float(x), histogram: str });
    return { labels: (s['labels'] as string | undefined) ?? '', value: (s['value'] as number | undefined) ?? 0, histogram: (s['histogram'] as string | undefined) ?? '' };
  };
  const expAlert = (n: YamlNode, dd: Decoder): AlertTestCase['expAlerts'][number] => {
    const s = dd.struct(n, 'main.alert', {
      exp_labels: (x) => dd.stringMap(x, 'map[string]string'),
      exp_annotations: (x) => dd.stringMap(x, 'map[string]string'),
    });
    return { labels: (s['exp_labels'] as Record<string, string> | undefined) ?? {}, annotations: (s['exp_annotations'] as Record<string, string> | undefined) ?? {} };
  };
  const alertCase = (n: YamlNode, dd: Decoder): AlertTestCase => {
    const s = dd.struct(n, 'main.alertTestCase', {
      eval_time: dur,
      alertname: str,
      exp_alerts: (x) => dd.list(x, expAlert, '[]main.alert'),
    });
    return {
      evalTimeMs: (s['eval_time'] as number | undefined) ?? 0,
      alertname: (s['alertname'] as string | undefined) ?? '',
      expAlerts: (s['exp_alerts'] as AlertTestCase['expAlerts'] | undefined) ?? [],
    };
  };
  const promqlCase = (n: YamlNode, dd: Decoder): PromqlTestCase => {
    const s = dd.struct(n, 'main.promqlTestCase', {
      expr: str,
      eval_time: dur,
      exp_samples: (x) => dd.list(x, sample, '[]main.sample'),
    });
    return {
      expr: (s['expr'] as string | undefined) ?? '',
      evalTimeMs: (s['eval_time'] as number | undefined) ?? 0,
      expSamples: (s['exp_samples'] as PromqlTestCase['expSamples'] | undefined) ?? [],
    };
  };
  const series = (n: YamlNode, dd: Decoder): TestGroup['inputSeries'][number] => {
    const s = dd.struct(n, 'main.series', { series: str, values: str });
    return { series: (s['series'] as string | undefined) ?? '', values: (s['values'] as string | undefined) ?? '' };
  };
  const testGroup = (n: YamlNode, dd: Decoder): TestGroup => {
    const s = dd.struct(n, 'main.testGroup', {
      interval: dur,
      input_series: (x) => dd.list(x, series, '[]main.series'),
      alert_rule_test: (x) => dd.list(x, alertCase, '[]main.alertTestCase'),
      promql_expr_test: (x) => dd.list(x, promqlCase, '[]main.promqlTestCase'),
      external_labels: (x) => dd.stringMap(x, 'labels.Labels'),
      external_url: str,
      name: str,
      start_timestamp: (x) => {
        const t = dd.string(x);
        return t === undefined ? undefined : parseStartTime(t);
      },
    });
    return {
      intervalMs: (s['interval'] as number | undefined) ?? 0,
      inputSeries: (s['input_series'] as TestGroup['inputSeries'] | undefined) ?? [],
      alertRuleTests: (s['alert_rule_test'] as AlertTestCase[] | undefined) ?? [],
      promqlExprTests: (s['promql_expr_test'] as PromqlTestCase[] | undefined) ?? [],
      externalLabels: (s['external_labels'] as Record<string, string> | undefined) ?? {},
      externalURL: (s['external_url'] as string | undefined) ?? '',
      name: (s['name'] as string | undefined) ?? '',
      startTimestampMs: s['start_timestamp'] as number | undefined,
    };
  };

  const top = d.struct(doc.contents as YamlNode | null, 'main.unitTestFile', {
    rule_files: (x) => d.list(x, str, '[]string'),
    evaluation_interval: dur,
    group_eval_order: (x) => d.list(x, str, '[]string'),
    tests: (x) => d.list(x, testGroup, '[]main.testGroup'),
    fuzzy_compare: (x) => d.bool(x),
  });
  if (d.errors.length > 0) throw new RuleTestFileError(`yaml: unmarshal errors:\n  ${d.errors.join('\n  ')}`);
  return {
    ruleFiles: (top['rule_files'] as string[] | undefined) ?? [],
    evaluationIntervalMs: (top['evaluation_interval'] as number | undefined) ?? 0,
    groupEvalOrder: (top['group_eval_order'] as string[] | undefined) ?? [],
    tests: (top['tests'] as TestGroup[] | undefined) ?? [],
    fuzzyCompare: (top['fuzzy_compare'] as boolean | undefined) ?? false,
  };
}
