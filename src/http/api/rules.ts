/**
 * `GET /api/v1/rules` and `GET /api/v1/alerts` (`web/api/v1/api.go` `rules`, `alerts`, `rulesAlertsToAPIAlerts` at
 * v0.316.0): the `data` of the answers, built from the rule manager's groups.
 *
 * Shapes: groups `{name, file, rules, interval (s), limit, evaluationTime (s), lastEvaluation (RFC 3339)}`; alerting
 * rules `{state, name, query, duration, keepFiringFor, labels, annotations, alerts, health, lastError?,
 * evaluationTime, lastEvaluation, type: "alerting"}`; recording rules `{name, query, labels, health, lastError?,
 * evaluationTime, lastEvaluation, type: "recording"}`; alerts `{labels, annotations, state, activeAt,
 * keepFiringSince?, value}` with `value` in Go's `%e` shortest form. Times never set are Go's zero time.
 *
 * Differences: Prometheus lists a rule's alerts in Go map order (random); here they are sorted by labels. Times are
 * UTC (`Z`); Prometheus prints `lastEvaluation` in its process's local zone.
 */
import { createHash } from 'node:crypto';
import { ApiBadDataError } from '../../errors.js';
import type { LabelRecord } from '../../model/labels.js';
import { formatGoTime, GO_ZERO_TIME } from '../../notify/go-time.js';
import { formatGoFloatE } from '../../promql/format-go-float.js';
import { formatExpr, parseExpr } from '../../promql/parser/index.js';
import { compileMatcher } from '../../store/matchers.js';
import type { LabelMatcher } from '../../store/types.js';
import type { ActiveAlert, AlertState, RuleGroupRunner, RuleSpec, RuleStatus } from '../../rules/types.js';

/** The `/api/v1/rules` parameters, already split out of the request (see {@link parseRulesParams}). */
export interface RulesParams {
  readonly ruleNames: readonly string[];
  readonly ruleGroups: readonly string[];
  readonly files: readonly string[];
  readonly matchSets: readonly (readonly LabelMatcher[])[];
  /** `type` as given (any case); '' = both. */
  readonly type: string;
  /** `exclude_alerts` as given; '' = false. */
  readonly excludeAlerts: string;
  /** `group_limit` as given; '' = no pagination. */
  readonly groupLimit: string;
  readonly groupNextToken: string;
}

export interface ApiAlert {
  readonly labels: LabelRecord;
  readonly annotations: LabelRecord;
  readonly state: AlertState;
  readonly activeAt: string;
  readonly keepFiringSince?: string;
  readonly value: string;
}

function sortedRecord(r: LabelRecord): LabelRecord {
  const out: Record<string, string> = {};
  for (const k of Object.keys(r).sort(compareUtf8)) out[k] = r[k] as string;
  return out;
}

function compareUtf8(a: string, b: string): number {
  return a === b ? 0 : Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** Go's `time.Time` JSON for an optional Unix ms time. */
function goTime(ms: number | undefined): string {
  return ms === undefined ? GO_ZERO_TIME : formatGoTime(ms);
}

/** `ActiveAlerts()` (alerts not resolved), as `rulesAlertsToAPIAlerts` shows them; sorted by labels. */
export function apiAlerts(alerts: readonly ActiveAlert[]): ApiAlert[] {
  return alerts
    .filter((a) => a.resolvedAtMs === undefined)
    .map((a) => ({ a, key: JSON.stringify(Object.entries(sortedRecord(a.labels))) }))
    .sort((x, y) => compareUtf8(x.key, y.key))
    .map(({ a }) => ({
      labels: sortedRecord(a.labels),
      annotations: sortedRecord(a.annotations),
      state: a.state,
      activeAt: formatGoTime(a.activeAtMs),
      ...(a.keepFiringSinceMs !== undefined ? { keepFiringSince: formatGoTime(a.keepFiringSinceMs) } : {}),
      value: formatGoFloatE(a.value),
    }));
}

const queryText = new Map<string, string>();

/** `rule.Query().String()`: the expression as Prometheus prints its parsed form (the rule file's text if it does not parse). */
function canonicalQuery(expr: string): string {
  let q = queryText.get(expr);
  if (q === undefined) {
    try {
      q = formatExpr(parseExpr(expr));
    } catch {
      q = expr;
    }
    if (queryText.size > 10_000) queryText.clear();
    queryText.set(expr, q);
  }
  return q;
}

/** The rule's labels as `rule.Labels()` has them: group labels, then the rule's (rule wins) (`FromMaps`). */
function ruleLabels(group: RuleGroupRunner, spec: RuleSpec): LabelRecord {
  return sortedRecord({ ...group.spec.labels, ...spec.labels });
}

const STATE_ORDER: Readonly<Record<AlertState, number>> = { inactive: 0, pending: 1, firing: 2 };

/** `AlertingRule.State()`: `unknown` before the first evaluation, else the highest state of its alerts (resolved ones included). */
function ruleState(st: RuleStatus): string {
  if (st.lastEvaluationMs === undefined) return 'unknown';
  let max: AlertState = 'inactive';
  for (const a of st.alerts) if (STATE_ORDER[a.state] > STATE_ORDER[max]) max = a.state;
  return max;
}

function matchesSets(sets: readonly (readonly LabelMatcher[])[], labels: LabelRecord): boolean {
  if (sets.length === 0) return true;
  return sets.some((ms) => ms.every((m) => compileMatcher(m).matches(labels[m.name] ?? '')));
}

/** Go's `strconv.ParseBool` after `strings.ToLower`. */
function parseGoBool(s: string): boolean {
  if (s === '1' || s === 't' || s === 'true') return true;
  if (s === '0' || s === 'f' || s === 'false') return false;
  throw new Error(`strconv.ParseBool: parsing ${JSON.stringify(s)}: invalid syntax`);
}

/** Go's `strconv.ParseInt(s, 10, 32)`. */
function parseGoInt32(s: string): number {
  if (!/^[+-]?[0-9]+$/.test(s)) throw new Error(`strconv.ParseInt: parsing ${JSON.stringify(s)}: invalid syntax`);
  const n = Number(s);
  if (n > 2 ** 31 - 1 || n < -(2 ** 31)) throw new Error(`strconv.ParseInt: parsing ${JSON.stringify(s)}: value out of range`);
  return n;
}

/** `getRuleGroupNextToken`: hex SHA-256 of `file;group`. */
export function ruleGroupNextToken(file: string, name: string): string {
  return createHash('sha256').update(`${file};${name}`).digest('hex');
}

function invalid(param: string, message: string): ApiBadDataError {
  return new ApiBadDataError(`invalid parameter ${JSON.stringify(param)}: ${message}`);
}

/**
 * The `data` of `/api/v1/rules` for `groups` (ordered by file, name as the manager gives them).
 * @throws ApiBadDataError for a bad `type`, `exclude_alerts`, `group_limit` or `group_next_token` (Prometheus's wording)
 */
export function rulesData(groups: readonly RuleGroupRunner[], p: RulesParams): { groups: unknown[]; groupNextToken?: string } {
  const typ = p.type.toLowerCase();
  if (typ !== '' && typ !== 'alert' && typ !== 'record') throw invalid('type', `not supported value ${JSON.stringify(typ)}`);
  const returnAlerts = typ === '' || typ === 'alert';
  const returnRecording = typ === '' || typ === 'record';
  let excludeAlerts = false;
  const ex = p.excludeAlerts.toLowerCase();
  if (ex !== '') {
    try {
      excludeAlerts = parseGoBool(ex);
    } catch (e) {
      throw invalid('exclude_alerts', `error converting exclude_alerts: ${(e as Error).message}`);
    }
  }
  if (p.groupNextToken !== '' && p.groupLimit === '') {
    throw invalid('group_next_token', 'group_limit needs to be present in order to paginate over the groups');
  }
  let maxGroups = -1;
  if (p.groupLimit !== '') {
    try {
      maxGroups = parseGoInt32(p.groupLimit);
    } catch (e) {
      throw invalid('group_limit', `group_limit needs to be a valid number: ${(e as Error).message}`);
    }
    if (maxGroups <= 0) throw invalid('group_limit', 'group_limit needs to be greater than 0');
  }
  const nextToken = maxGroups > 0 ? p.groupNextToken : '';
  const rn = new Set(p.ruleNames);
  const rg = new Set(p.ruleGroups);
  const fs = new Set(p.files);

  const out: unknown[] = [];
  let groupNextToken: string | undefined;
  let foundToken = false;
  for (const g of groups) {
    const { file, name } = g.spec;
    if (maxGroups > 0 && nextToken !== '' && !foundToken) {
      if (nextToken !== ruleGroupNextToken(file, name)) continue;
      foundToken = true;
    }
    if (rg.size > 0 && !rg.has(name)) continue;
    if (fs.size > 0 && !fs.has(file)) continue;
    const rules: unknown[] = [];
    for (const st of g.status()) {
      const spec = st.spec;
      const labels = ruleLabels(g, spec);
      if (!matchesSets(p.matchSets, labels)) continue;
      const ruleName = spec.kind === 'alerting' ? spec.alert : spec.record;
      if (rn.size > 0 && !rn.has(ruleName)) continue;
      const lastError = st.lastError !== undefined && st.lastError !== '' ? { lastError: st.lastError } : {};
      if (spec.kind === 'alerting') {
        if (!returnAlerts) continue;
        rules.push({
          state: ruleState(st),
          name: spec.alert,
          query: canonicalQuery(spec.expr),
          duration: spec.forMs / 1000,
          keepFiringFor: spec.keepFiringForMs / 1000,
          labels,
          annotations: sortedRecord(spec.annotations),
          // a nil slice when excluded: JSON null, as Prometheus answers
          alerts: excludeAlerts ? null : apiAlerts(st.alerts),
          health: st.health,
          ...lastError,
          evaluationTime: st.evaluationDurationMs / 1000,
          lastEvaluation: goTime(st.lastEvaluationMs),
          type: 'alerting',
        });
      } else {
        if (!returnRecording) continue;
        rules.push({
          name: spec.record,
          query: canonicalQuery(spec.expr),
          labels,
          health: st.health,
          ...lastError,
          evaluationTime: st.evaluationDurationMs / 1000,
          lastEvaluation: goTime(st.lastEvaluationMs),
          type: 'recording',
        });
      }
    }
    if (rules.length === 0) continue;
    if (maxGroups > 0 && out.length === maxGroups) {
      groupNextToken = ruleGroupNextToken(file, name);
      break;
    }
    out.push({
      name,
      file,
      rules,
      interval: g.intervalMs / 1000,
      limit: g.spec.limit,
      evaluationTime: g.lastDurationMs / 1000,
      lastEvaluation: goTime(g.lastEvaluationMs),
    });
  }
  if (maxGroups > 0 && nextToken !== '' && !foundToken) {
    throw invalid('group_next_token', `invalid group_next_token '${nextToken}'. were rule groups changed?`);
  }
  return groupNextToken !== undefined ? { groups: out, groupNextToken } : { groups: out };
}

/** The `data` of `/api/v1/alerts`: every alerting rule's active alerts, in group and rule order. */
export function alertsData(groups: readonly RuleGroupRunner[]): { alerts: ApiAlert[] } {
  const alerts: ApiAlert[] = [];
  for (const g of groups) for (const st of g.status()) if (st.spec.kind === 'alerting') alerts.push(...apiAlerts(st.alerts));
  return { alerts };
}
