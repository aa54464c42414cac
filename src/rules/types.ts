/**
 * The contract between the rule-file loader (`rules/file/`), the template engine (`rules/template/`), the rule
 * evaluator (`rules/` groups and rules), the `check rules` / `test rules` CLI and the notifier (`notify/`).
 *
 * Semantics are Prometheus 3.16's: `model/rulefmt/rulefmt.go` (file shape), `rules/{group,alerting,recording,
 * manager}.go` (evaluation), `template/template.go` (templates), `notifier/` (what is sent). Times are Unix
 * milliseconds, durations milliseconds, unless a name says otherwise.
 */
import type { LabelRecord } from '../model/labels.js';

/** A place in a rule file: 1-based line and column, as promtool prints them (`file:line:col`). */
export interface FilePosition {
  readonly line: number;
  readonly column: number;
}

/** `record:` rule of a group, validated (name, expr parses, label names). Labels are static (never templated). */
export interface RecordingRuleSpec {
  readonly kind: 'recording';
  readonly record: string;
  /** The PromQL text as written (it parsed when the file was loaded). */
  readonly expr: string;
  readonly labels: LabelRecord;
  /** Position of the rule's mapping (its first key). */
  readonly pos: FilePosition;
}

/** `alert:` rule of a group, validated (expr parses, label names, templates parse). */
export interface AlertingRuleSpec {
  readonly kind: 'alerting';
  readonly alert: string;
  readonly expr: string;
  /** `for`, ms; 0 when absent. */
  readonly forMs: number;
  /** `keep_firing_for`, ms; 0 when absent. */
  readonly keepFiringForMs: number;
  /** Label templates (expanded per alert). */
  readonly labels: LabelRecord;
  /** Annotation templates (expanded per alert). */
  readonly annotations: LabelRecord;
  readonly pos: FilePosition;
}

export type RuleSpec = RecordingRuleSpec | AlertingRuleSpec;

/** One `groups:` entry of a rule file. */
export interface RuleGroupSpec {
  readonly name: string;
  /** The file it came from, as resolved from `rule_files` (the API's `file`, part of the group's identity). */
  readonly file: string;
  /** `interval`, ms; undefined = the global `evaluation_interval`. */
  readonly intervalMs: number | undefined;
  /** `query_offset`, ms; undefined = the global `rule_query_offset`. */
  readonly queryOffsetMs: number | undefined;
  /** `limit`; 0 = no limit. */
  readonly limit: number;
  /** Group `labels`, added to every rule's output (rule labels win). */
  readonly labels: LabelRecord;
  readonly rules: readonly RuleSpec[];
  readonly pos: FilePosition;
}

/** A loaded, validated rule file. */
export interface RuleFile {
  readonly path: string;
  readonly groups: readonly RuleGroupSpec[];
}

/** What a label or annotation template sees (Prometheus's `$labels`, `$externalLabels`, `$externalURL`, `$value`). */
export interface AlertTemplateData {
  readonly labels: LabelRecord;
  readonly externalLabels: LabelRecord;
  readonly externalURL: string;
  readonly value: number;
}

/** One element of a template `query` result (Prometheus's `queryResult` / `sample`: `.Labels`, `.Value`). */
export interface TemplateSample {
  readonly labels: LabelRecord;
  readonly value: number;
}

/** Environment of one template expansion. */
export interface TemplateEnv {
  /** Evaluation time of the rule, ms (the `query` function's time, as Prometheus's `QueryFunc(ctx, q, ts)`). */
  readonly evalTimeMs: number;
  /** Runs the template `query` function: an instant query at `evalTimeMs`; rejects with the engine's error. */
  readonly query: (expr: string, evalTimeMs: number) => Promise<readonly TemplateSample[]>;
  /** `--web.external-url` (for `externalURL` and `pathPrefix`). */
  readonly externalURL: string;
}

/**
 * The template engine as the rule evaluator and the loader use it (implemented in `rules/template/`).
 * Prometheus prepends `{{$labels := .Labels}}{{$externalLabels := .ExternalLabels}}{{$externalURL := .ExternalURL}}
 * {{$value := .Value}}` to every alert label and annotation template; the implementation does the same.
 */
export interface TemplateExpander {
  /** Checks that `text` parses as a Go text/template (with the prefix). Throws `TemplateParseError` with the position. */
  check(name: string, text: string): void;
  /**
   * Expands `text` with `data`. Never throws: a failure yields Prometheus's text `<error expanding template: …>`
   * (as `rules/alerting.go` does), so the rule keeps working.
   */
  expand(name: string, text: string, data: AlertTemplateData, env: TemplateEnv): Promise<string>;
}

/**
 * What the on-call needs when an alert about a Flink job starts firing, captured once then (issue 9 §3 "Incident
 * context"; built by `notify/incident-context.ts`): `summary` becomes the alert's `flink_context` annotation,
 * `details` (JSON) is kept with the alert (API, status page, state file).
 */
export interface CapturedContext {
  readonly summary: string;
  readonly details: Readonly<Record<string, unknown>>;
}

/** Captures {@link CapturedContext} for an alert's labels at `tMs`; undefined when there is nothing to say (no job). */
export interface IncidentContextProvider {
  capture(labels: LabelRecord, tMs: number): Promise<CapturedContext | undefined>;
}

/** The annotation that carries {@link CapturedContext.summary}. */
export const CONTEXT_ANNOTATION = 'flink_context';

/** State of an alert, as in Prometheus (`inactive` is a resolved alert kept for 15 minutes). */
export type AlertState = 'inactive' | 'pending' | 'firing';

/** One alert of an alerting rule, as the API lists it and the notifier sends it. */
export interface ActiveAlert {
  /** Output labels: sample labels − `__name__` + group and rule labels (expanded) + `alertname`. */
  readonly labels: LabelRecord;
  /** Expanded annotations. */
  readonly annotations: LabelRecord;
  readonly state: AlertState;
  readonly activeAtMs: number;
  /** When it started firing; undefined while pending. */
  readonly firedAtMs: number | undefined;
  /** When it resolved; undefined while active. */
  readonly resolvedAtMs: number | undefined;
  /** Set while firing only because of `keep_firing_for`. */
  readonly keepFiringSinceMs: number | undefined;
  /** Last sent to the notifier; undefined if never. */
  readonly lastSentAtMs: number | undefined;
  /** Valid until (Prometheus's `ValidUntil` = eval time + 4 × max(interval, resend delay)). */
  readonly validUntilMs: number;
  readonly value: number;
  /** Incident context captured when it started firing (alerts with a `job_id`, when a provider is configured). */
  readonly context?: CapturedContext | undefined;
}

/**
 * An alert as handed to the notifier (Prometheus's `notifier.Alert`): `endsAt` is `resolvedAt` for a resolved
 * alert, else `validUntil`. External labels are added by the notifier, not here.
 */
export interface NotifierAlert {
  readonly labels: LabelRecord;
  readonly annotations: LabelRecord;
  readonly startsAtMs: number;
  readonly endsAtMs: number;
  readonly generatorURL: string;
}

/** Where the rule evaluator sends alerts that need sending (implemented by `notify/`). */
export interface AlertSink {
  send(alerts: readonly NotifierAlert[]): void;
}

/** Health of a rule, as `/api/v1/rules` reports it. */
export type RuleHealth = 'ok' | 'err' | 'unknown';

/** What the API and the status page show of one rule after its last evaluation. */
export interface RuleStatus {
  readonly spec: RuleSpec;
  readonly health: RuleHealth;
  /** The last evaluation's error message; undefined when it succeeded. */
  readonly lastError: string | undefined;
  /** Start of the last evaluation (the group's evaluation time), ms; undefined before the first. */
  readonly lastEvaluationMs: number | undefined;
  /** Duration of the last evaluation, ms. */
  readonly evaluationDurationMs: number;
  /** Alerting rules: their alerts, resolved ones included (kept 15 min); recording rules: []. */
  readonly alerts: readonly ActiveAlert[];
}

/** An alert as written to the alert state file (`--storage.path`), enough to restore it after a restart. */
export interface PersistedAlert {
  readonly labels: LabelRecord;
  readonly annotations: LabelRecord;
  readonly state: AlertState;
  readonly activeAtMs: number;
  readonly firedAtMs: number | undefined;
  readonly resolvedAtMs: number | undefined;
  readonly keepFiringSinceMs: number | undefined;
  readonly lastSentAtMs: number | undefined;
  readonly value: number;
  readonly context?: CapturedContext | undefined;
}

/** The persisted state of one group: alerts per alerting rule (by rule index and name, both must match to restore). */
export interface PersistedGroupState {
  readonly file: string;
  readonly name: string;
  /** When the snapshot was taken, ms (the "down since" time of the for-state restore). */
  readonly savedAtMs: number;
  readonly rules: readonly { readonly index: number; readonly alert: string; readonly alerts: readonly PersistedAlert[] }[];
}

/**
 * One rule group that evaluates (implemented in `rules/group.ts` by `createRuleGroup`; scheduled by the rule
 * manager, driven step by step by `test rules`). Matches Prometheus 3.16 `rules/group.go`.
 */
export interface RuleGroupRunner {
  readonly spec: RuleGroupSpec;
  /** Resolved interval, ms (spec or global default). */
  readonly intervalMs: number;
  /** Resolved query offset, ms. */
  readonly queryOffsetMs: number;
  /**
   * One iteration at `tsMs`: every rule in order (queries at `tsMs − queryOffsetMs`), each committed to the store
   * before the next; recording output, `ALERTS`, `ALERTS_FOR_STATE` and staleness markers for vanished series
   * written; alerts that need sending handed to the sink. Never throws: a failing rule records `lastError`.
   */
  evaluate(tsMs: number): Promise<void>;
  status(): readonly RuleStatus[];
  /** Start of the last iteration, ms; undefined before the first. */
  readonly lastEvaluationMs: number | undefined;
  /** Duration of the last iteration, ms. */
  readonly lastDurationMs: number;
  /** Takes over alert state and "series in previous evaluation" from the group it replaces on reload (`CopyState`). */
  copyState(from: RuleGroupRunner): void;
  /** The alert state to persist. */
  snapshot(nowMs: number): PersistedGroupState;
  /**
   * Restores alerts from a snapshot once after start, with Prometheus's for-state restore rules
   * (`Group.RestoreForState`: for-outage-tolerance, for-grace-period; `nowMs` is the restore time).
   */
  restore(state: PersistedGroupState, nowMs: number): void;
  /**
   * Writes staleness markers at `tsMs` for every series the group wrote in its last evaluation (Prometheus's
   * `markStale` + `cleanupStaleSeries` for a group removed by a reload). Optional: the rule manager calls it two
   * intervals after removing the group, when present. (Added by the rule manager, branch `rulemgr`.)
   */
  markStale?(tsMs: number): Promise<void>;
}

/** What `createRuleGroup` needs. */
export interface RuleGroupOptions {
  /** `global.evaluation_interval`, ms (default 60 000). */
  readonly defaultIntervalMs: number;
  /** `global.rule_query_offset`, ms (default 0). */
  readonly defaultQueryOffsetMs: number;
  /** `--rules.alert.resend-delay`, ms (default 60 000). */
  readonly resendDelayMs: number;
  /** `--rules.alert.for-outage-tolerance`, ms (default 1 h). */
  readonly forOutageToleranceMs: number;
  /** `--rules.alert.for-grace-period`, ms (default 10 min). */
  readonly forGracePeriodMs: number;
  readonly externalLabels: LabelRecord;
  /** `--web.external-url`; `generatorURL` = externalURL + `/graph?g0.expr=…&g0.tab=1`. */
  readonly externalURL: string;
  readonly templates: TemplateExpander;
  readonly sink: AlertSink;
  /** Captures incident context when an alert starts firing; none: no `flink_context`. */
  readonly incidentContext?: IncidentContextProvider;
  /** Longest wait for a capture before the alert is sent without it, ms (default 5 000). */
  readonly incidentContextTimeoutMs?: number;
}
