/**
 * The bundled rule files (top-level `rules/`) as the metric-name checks see them: every rule's expression parsed by
 * the sidecar's own PromQL parser (src/promql/parser), the selectors and label names it uses, the `flink_…` names
 * its annotations mention (runbook text and `query` templates), and the documented allow-list of names the sidecar
 * does not produce by itself. Used by test/unit/rules/bundled/metric-names.test.ts (against the poller's output on
 * the recorded fixtures) and test/e2e/rule-metric-names.e2e.test.ts (against a real Flink).
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import type { Expr, LabelMatcher } from '../../src/promql/ast.js';
import { parseExpr } from '../../src/promql/parser/index.js';

export const RULES_DIR = resolve(import.meta.dirname, '../../rules');
export const BUNDLED_RULE_FILES = ['flink-alerts.yml', 'flink-recording.yml'] as const;

/** One rule of a bundled file, as written. */
export interface BundledRule {
  readonly file: string;
  readonly group: string;
  /** `alert` or `record` name. */
  readonly name: string;
  readonly kind: 'alert' | 'record';
  readonly expr: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
}

interface RuleFileYaml {
  groups: { name: string; rules: { alert?: string; record?: string; expr: string; labels?: Record<string, string>; annotations?: Record<string, string> }[] }[];
}

export function bundledRules(): BundledRule[] {
  return BUNDLED_RULE_FILES.flatMap((file) => {
    const doc = parse(readFileSync(join(RULES_DIR, file), 'utf8')) as RuleFileYaml;
    return doc.groups.flatMap((g) =>
      g.rules.map((r) => ({
        file,
        group: g.name,
        name: r.alert ?? r.record ?? '',
        kind: r.alert !== undefined ? ('alert' as const) : ('record' as const),
        expr: r.expr,
        labels: r.labels ?? {},
        annotations: r.annotations ?? {},
      })),
    );
  });
}

/** One vector or matrix selector of an expression. */
export interface SelectorUse {
  readonly name: string;
  readonly matchers: readonly LabelMatcher[];
}

/** What an expression reads: its selectors, and the label names of its `by`/`without`/`on`/`ignoring`/`group_*`. */
export interface ExprUses {
  readonly selectors: SelectorUse[];
  readonly groupingLabels: Set<string>;
}

/** Parses `expr` with the sidecar's parser (`compat` '2' = Prometheus 2.x grammar) and collects what it reads. */
export function exprUses(expr: string, compat: '2' | '3' = '3'): ExprUses {
  const uses: ExprUses = { selectors: [], groupingLabels: new Set() };
  walk(parseExpr(expr, { compat }), uses);
  return uses;
}

function walk(e: Expr, uses: ExprUses): void {
  switch (e.type) {
    case 'vectorSelector':
    case 'matrixSelector':
      uses.selectors.push({ name: e.name, matchers: e.matchers.filter((m) => m.name !== '__name__') });
      return;
    case 'aggregation':
      for (const l of e.grouping) uses.groupingLabels.add(l);
      walk(e.expr, uses);
      if (e.param) walk(e.param, uses);
      return;
    case 'binaryExpr':
      for (const l of [...(e.matching?.labels ?? []), ...(e.matching?.include ?? [])]) uses.groupingLabels.add(l);
      walk(e.lhs, uses);
      walk(e.rhs, uses);
      return;
    case 'call':
      for (const a of e.args) walk(a, uses);
      return;
    case 'subquery':
    case 'parenExpr':
    case 'unaryExpr':
      walk(e.expr, uses);
      return;
    case 'numberLiteral':
    case 'stringLiteral':
      return;
  }
}

/**
 * The `flink_…` metric names an annotation mentions (runbook text and `query` templates), e.g.
 * `flink_cluster_slots{state="available"}` → `flink_cluster_slots`. Recording-rule names (with `:`) are not
 * mentioned by the bundled annotations.
 */
export function annotationMetricNames(text: string): string[] {
  return [...text.matchAll(/(?<![A-Za-z0-9_.])flink_[a-zA-Z0-9_]+/g)].map((m) => m[0]);
}

/** Why a name the rules use is not in the sidecar's own output on the recorded fixtures. */
export interface AllowListEntry {
  readonly name: string;
  /**
   * `pushed`: written by Flink's PrometheusPushGatewayReporter and stored under its Flink name, present only with a
   * reporter pushing to the sidecar and a source that registers it (the e2e demo job's datagen source does not);
   * `rule-manager`: a self-metric of the rule manager (issue 9 §1), not on main yet.
   */
  readonly kind: 'pushed' | 'rule-manager';
  /** Where the name comes from. */
  readonly source: string;
  /** Its label names (the reporter's scope variables, or the self-metric's labels). */
  readonly labels: readonly string[];
}

/** Flink's operator-scope variables (docs "Metrics" → "Scope" → list of all variables), the labels the reporter gives every operator metric. */
const OPERATOR_SCOPE_LABELS = ['host', 'tm_id', 'job_id', 'job_name', 'task_id', 'task_name', 'task_attempt_id', 'task_attempt_num', 'subtask_index', 'operator_id', 'operator_name'];

/**
 * Names the bundled rules may use although the fixture pipeline does not produce them. Every entry says where its
 * name comes from; the unit test fails on a name that is neither produced nor listed here.
 */
export const RULE_NAME_ALLOW_LIST: readonly AllowListEntry[] = [
  {
    name: 'flink_taskmanager_job_task_operator_pendingRecords',
    kind: 'pushed',
    source:
      'FLIP-33 source metric pendingRecords (MetricNames.PENDING_RECORDS), which the Kafka source sets lazily as the sum of its partitions\' ' +
      'records-lag (apache/flink-connector-kafka source/metrics/KafkaSourceReaderMetrics.java, maybeAddRecordsLagMetric → ' +
      'SourceReaderMetricGroup.setPendingRecordsGauge) in the operator scope taskmanager.job.task.operator; the reporter names it ' +
      'flink_ + scope + _ + name (reference/flink.md §2.5, §2.6)',
    labels: OPERATOR_SCOPE_LABELS,
  },
  {
    name: 'flink_taskmanager_job_task_operator_KafkaSourceReader_KafkaConsumer_records_lag_max',
    kind: 'pushed',
    source:
      'Kafka consumer metric records-lag-max, registered as a gauge under its Kafka name in the groups KafkaSourceReader → KafkaConsumer ' +
      '(apache/flink-connector-kafka KafkaSourceReaderMetrics.registerKafkaConsumerMetrics; register.consumer.metrics, default true); ' +
      'the reporter turns "-" into "_" (reference/flink.md §2.6)',
    labels: OPERATOR_SCOPE_LABELS,
  },
  {
    name: 'flink_bridge_rule_evaluation_failures_total',
    kind: 'rule-manager',
    source: "the rule manager's counter, labelled rule_group, named after Prometheus's prometheus_rule_evaluation_failures_total (branch rulemgr, src/self/metrics.ts)",
    labels: ['rule_group'],
  },
  {
    name: 'flink_bridge_config_last_reload_successful',
    kind: 'rule-manager',
    source: "the config/rule reload gauge, named after Prometheus's prometheus_config_last_reload_successful (branch rulemgr, src/self/metrics.ts)",
    labels: [],
  },
];

export const ALLOW_LISTED = new Set(RULE_NAME_ALLOW_LIST.map((e) => e.name));

/**
 * Self-metrics the rules use that are labelled counters or gauges without any series until their first event (a
 * failed endpoint, a configured remote). They are declared in src/self/metrics.ts; the e2e run sees them only
 * after such an event, so it checks them where it can provoke one (a remote-write target) and lists the rest.
 */
export const EVENT_ONLY_SELF_METRICS: ReadonlySet<string> = new Set(['flink_bridge_poll_endpoint_errors_total']);

/** Every metric name the bundled rules read (expressions and annotation mentions), sorted. */
export function bundledRuleMetricNames(): string[] {
  const names = new Set<string>();
  for (const r of bundledRules()) {
    for (const s of exprUses(r.expr).selectors) names.add(s.name);
    for (const a of Object.values(r.annotations)) for (const n of annotationMetricNames(a)) names.add(n);
  }
  return [...names].sort();
}
