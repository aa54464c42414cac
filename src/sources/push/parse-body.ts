import { PushRejectedError } from '../../errors.js';
import { parseTextExposition } from '../../exposition/parser.js';
import type { ParsedFamily } from '../../exposition/types.js';
import { decodeDelimitedMetricFamilies } from './protobuf-body.js';

/** The Content-Type of delimited protobuf pushes (client_golang `expfmt.FmtProtoDelim`). */
export const PROTOBUF_DELIMITED_MEDIA_TYPE = 'application/vnd.google.protobuf';

/**
 * Parses a decoded push body the way Pushgateway 1.5.1's `handler/push.go` chooses: delimited protobuf
 * (`io.prometheus.client.MetricFamily`) when the Content-Type says `application/vnd.google.protobuf` with
 * `proto=io.prometheus.client.MetricFamily` and `encoding=delimited`; text 0.0.4 for any other Content-Type.
 * An empty body is no families (a valid push).
 *
 * @throws ExpositionParseError (text; the caller answers 400 with expfmt's "text format parsing error in line N")
 * @throws PushRejectedError 400 (reason `parse`) for a protobuf body that does not decode.
 */
export function parsePushBody(body: Buffer, contentType: string | undefined): ParsedFamily[] {
  if (isDelimitedProtobuf(contentType)) return decodeDelimitedMetricFamilies(body);
  return parseTextExposition(body);
}

/** Go `mime.ParseMediaType` as far as the Pushgateway's check needs it: type and the two parameters, case-insensitive names. */
export function isDelimitedProtobuf(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  const [type, ...params] = contentType.split(';');
  if (type?.trim().toLowerCase() !== PROTOBUF_DELIMITED_MEDIA_TYPE) return false;
  const p = new Map<string, string>();
  for (const param of params) {
    const eq = param.indexOf('=');
    if (eq < 0) continue;
    let value = param.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    p.set(param.slice(0, eq).trim().toLowerCase(), value);
  }
  return p.get('encoding') === 'delimited' && p.get('proto') === 'io.prometheus.client.MetricFamily';
}

/** A 400 for a push body that does not parse. */
export function parseError(message: string, cause?: unknown): PushRejectedError {
  return new PushRejectedError(400, 'parse', message, cause === undefined ? undefined : { cause });
}
