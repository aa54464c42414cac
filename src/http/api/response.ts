/**
 * The JSON envelope and value encoding of the Prometheus HTTP API (`web/api/v1/api.go` `respond`/`respondError`,
 * `util/jsonutil` at v0.316.0): `{"status":"success","data":…,"warnings":[…],"infos":[…]}` (empty lists left out),
 * `{"status":"error","errorType":…,"error":…}`; sample values as Go `strconv.FormatFloat(v, 'f', -1, 64)` strings,
 * timestamps as Unix seconds JSON numbers with millisecond decimals.
 */
import type { Response } from 'express';
import { ApiBadDataError, BridgeError } from '../../errors.js';
import { formatGoFloatF } from '../../promql/format-go-float.js';
import type { LabelSet } from '../../model/labels.js';
import type { Value } from '../../promql/value.js';

/** Prometheus's `errorType` values we produce and their status codes (`getDefaultErrorCode`). */
export const API_ERROR_STATUS = {
  bad_data: 400,
  execution: 422,
  canceled: 499,
  timeout: 503,
  internal: 500,
} as const;
export type ApiErrorType = keyof typeof API_ERROR_STATUS;

/** Which `errorType` an error maps to (`returnAPIError`; parse errors are `bad_data` as `queryConstructionError`). */
export function errorTypeOf(e: unknown): ApiErrorType {
  if (!(e instanceof BridgeError)) return 'internal';
  switch (e.code) {
    case 'FPB_ERR_API_BAD_DATA':
    case 'FPB_ERR_PROMQL_PARSE':
      return 'bad_data';
    case 'FPB_ERR_PROMQL_CANCELED':
      return 'canceled';
    case 'FPB_ERR_PROMQL_TIMEOUT':
      return 'timeout';
    default:
      return 'execution';
  }
}

/** Sends a success envelope. */
export function sendSuccess(res: Response, data: unknown, warnings: readonly string[] = [], infos: readonly string[] = []): void {
  const body: Record<string, unknown> = { status: 'success', data };
  if (warnings.length > 0) body['warnings'] = warnings;
  if (infos.length > 0) body['infos'] = infos;
  res.status(200).type('application/json').send(JSON.stringify(body));
}

/** Sends an error envelope with the status of its type. */
export function sendError(res: Response, e: unknown): void {
  const type = errorTypeOf(e);
  const message = e instanceof Error ? e.message : String(e);
  res.status(API_ERROR_STATUS[type]).type('application/json').send(JSON.stringify({ status: 'error', errorType: type, error: message }));
}

/** A parse error wrapped as Prometheus's `invalid parameter "query": …` (`queryConstructionError`). */
export function queryParamError(e: unknown): unknown {
  if (e instanceof BridgeError && e.code === 'FPB_ERR_PROMQL_PARSE') return new ApiBadDataError(`invalid parameter "query": ${e.message}`);
  return e;
}

/**
 * Unix ms → Unix seconds as Prometheus's `marshalTimestamp` writes them: whole seconds, then up to three decimals
 * with trailing zeros cut (`1435781451.781`, `1435781451.5`, `1435781451`). Returned as a JSON number literal.
 */
export function jsonTimestamp(ms: number): string {
  const neg = ms < 0;
  const a = Math.abs(ms);
  const sec = Math.floor(a / 1000);
  const frac = a - sec * 1000;
  let s = String(sec);
  if (frac !== 0) s += `.${String(frac).padStart(3, '0').replace(/0+$/, '')}`;
  return neg ? `-${s}` : s;
}

/** `[<seconds>, "<value>"]` as JSON text. */
export function jsonPoint(tMs: number, v: number): string {
  return `[${jsonTimestamp(tMs)},${JSON.stringify(formatGoFloatF(v))}]`;
}

function jsonMetric(labels: LabelSet): string {
  return JSON.stringify(labels.toRecord());
}

/**
 * The `data` of a query answer as JSON text: `{"resultType":"vector"|"matrix"|"scalar"|"string","result":…}`.
 * Built as text because timestamps must be JSON numbers with exact millisecond decimals.
 */
export function jsonQueryData(v: Value): string {
  switch (v.type) {
    case 'scalar':
      return `{"resultType":"scalar","result":${jsonPoint(v.t, v.v)}}`;
    case 'string':
      return `{"resultType":"string","result":[${jsonTimestamp(v.t)},${JSON.stringify(v.v)}]}`;
    case 'vector':
      return `{"resultType":"vector","result":[${v.vector.map((s) => `{"metric":${jsonMetric(s.labels)},"value":${jsonPoint(s.t, s.v)}}`).join(',')}]}`;
    case 'matrix':
      return `{"resultType":"matrix","result":[${v.matrix
        .map((s) => {
          const pts: string[] = [];
          for (let i = 0; i < s.points.n; i++) pts.push(jsonPoint(s.points.t[i] as number, s.points.v[i] as number));
          return `{"metric":${jsonMetric(s.labels)},"values":[${pts.join(',')}]}`;
        })
        .join(',')}]}`;
  }
}

/** Sends a query answer whose `data` is already JSON text. */
export function sendRawSuccess(res: Response, dataJson: string, warnings: readonly string[], infos: readonly string[]): void {
  let body = `{"status":"success","data":${dataJson}`;
  if (warnings.length > 0) body += `,"warnings":${JSON.stringify(warnings)}`;
  if (infos.length > 0) body += `,"infos":${JSON.stringify(infos)}`;
  res.status(200).type('application/json').send(`${body}}`);
}
