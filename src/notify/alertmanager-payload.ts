/**
 * The body of `POST /api/v2/alerts` (Alertmanager `api/v2/openapi.yaml` `postableAlerts`), as Prometheus 3.16
 * builds it (`notifier/util.go` `alertsToOpenAPIAlerts`): a JSON array of `{annotations, endsAt, startsAt,
 * generatorURL, labels}`. Times are go-openapi `strfmt.DateTime`, i.e. RFC 3339 with milliseconds in UTC
 * (`2026-12-03T06:50:01.120Z`); empty annotations and an empty generatorURL are left out (`omitempty`).
 */
import type { LabelRecord } from '../model/labels.js';
import type { NotifierAlert } from '../rules/types.js';

/** One element of the body. */
export interface PostableAlert {
  readonly annotations?: LabelRecord;
  readonly endsAt: string;
  readonly startsAt: string;
  readonly generatorURL?: string;
  readonly labels: LabelRecord;
}

/** The JSON form of one alert. */
export function toPostableAlert(a: NotifierAlert): PostableAlert {
  return {
    ...(Object.keys(a.annotations).length > 0 ? { annotations: a.annotations } : {}),
    endsAt: new Date(a.endsAtMs).toISOString(),
    startsAt: new Date(a.startsAtMs).toISOString(),
    ...(a.generatorURL !== '' ? { generatorURL: a.generatorURL } : {}),
    labels: a.labels,
  };
}

/** The request body for a batch. */
export function postableAlertsBody(alerts: readonly PostableAlert[]): string {
  return JSON.stringify(alerts);
}
