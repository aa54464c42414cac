/**
 * One alert of an alerting rule and the rules about when it is sent, as Prometheus 3.16 `rules/alerting.go`
 * (`Alert`, `needsSending`, `resolvedRetention`). Times are Unix ms; {@link ZERO_TIME} is Go's zero `time.Time` (unset).
 */
import type { LabelSet } from '../model/labels.js';
import type { ActiveAlert, AlertState, CapturedContext, NotifierAlert, PersistedAlert } from './types.js';

/** Resolved alerts are kept (and re-sent as resolved) this long, ms (`resolvedRetention`, 15 min). */
export const RESOLVED_RETENTION_MS = 15 * 60_000;

/**
 * Go's zero `time.Time` (0001-01-01T00:00:00Z) in Unix ms: "unset". Not 0, so that an alert at the Unix epoch (as in
 * `test rules`) compares like Go's (`LastSentAt + resendDelay` before `ts` for a never-sent alert).
 */
export const ZERO_TIME = -62_135_596_800_000;

/** The evaluator's mutable alert (Prometheus's `*Alert`); {@link ZERO_TIME} = unset. */
export interface MutableAlert {
  state: AlertState;
  /** Output labels (no `__name__`), with `alertname`. */
  labels: LabelSet;
  annotations: LabelSet;
  value: number;
  activeAtMs: number;
  firedAtMs: number;
  resolvedAtMs: number;
  lastSentAtMs: number;
  validUntilMs: number;
  keepFiringSinceMs: number;
  /** Incident context captured when it started firing (kept while the alert lives, persisted). */
  context?: CapturedContext | undefined;
}

/**
 * Whether the alert goes to the notifier at `tsMs` (`Alert.needsSending`): never while pending; at once when it
 * resolved since it was last sent; else when `lastSent + resendDelay` is strictly before `tsMs`.
 */
export function needsSending(a: MutableAlert, tsMs: number, resendDelayMs: number): boolean {
  if (a.state === 'pending') return false;
  if (a.resolvedAtMs > a.lastSentAtMs) return true;
  return a.lastSentAtMs + resendDelayMs < tsMs;
}

const unset = (ms: number): number | undefined => (ms === ZERO_TIME ? undefined : ms);

/** The API's read-only view of an alert. */
export function toActiveAlert(a: MutableAlert): ActiveAlert {
  return {
    labels: a.labels.toRecord(),
    annotations: a.annotations.toRecord(),
    state: a.state,
    activeAtMs: a.activeAtMs,
    firedAtMs: unset(a.firedAtMs),
    resolvedAtMs: unset(a.resolvedAtMs),
    keepFiringSinceMs: unset(a.keepFiringSinceMs),
    lastSentAtMs: unset(a.lastSentAtMs),
    validUntilMs: a.validUntilMs,
    value: a.value,
    ...(a.context !== undefined ? { context: a.context } : {}),
  };
}

/** What the state file keeps of an alert: the API's view without `validUntil` (recomputed at the next send). */
export function toPersistedAlert(a: MutableAlert): PersistedAlert {
  const { validUntilMs: _validUntil, ...kept } = toActiveAlert(a);
  return kept;
}

/**
 * The notifier's view (`rules/manager.go` `SendAlerts`): `startsAt` = FiredAt, `endsAt` = ResolvedAt when resolved,
 * else ValidUntil; `generatorURL` = external URL + `/graph?g0.expr=<query-escaped expr>&g0.tab=1`.
 */
export function toNotifierAlert(a: MutableAlert, generatorURL: string): NotifierAlert {
  return {
    labels: a.labels.toRecord(),
    annotations: a.annotations.toRecord(),
    startsAtMs: a.firedAtMs,
    endsAtMs: a.resolvedAtMs !== ZERO_TIME ? a.resolvedAtMs : a.validUntilMs,
    generatorURL,
  };
}
