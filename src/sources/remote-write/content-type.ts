/**
 * Which remote-write protocol a request speaks, from its headers (spec 2.0 §"Content-Type"; the reference handler
 * is prometheus/client_golang `exp/api/remote/remote_headers.go`): an empty Content-Type or
 * `application/x-protobuf` alone means 1.0; `proto=prometheus.WriteRequest` 1.0; `proto=io.prometheus.write.v2.Request`
 * 2.0; anything else is unsupported (415). Content-Encoding must be empty or `snappy` (the only codec).
 */

/** The two protocol versions the receiver accepts. */
export type RemoteWriteProtocol = '1.0' | '2.0';

export const CONTENT_TYPE_V1 = 'application/x-protobuf';
export const CONTENT_TYPE_V2 = 'application/x-protobuf;proto=io.prometheus.write.v2.Request';

/**
 * @param contentType the Content-Type header (absent = '')
 * @returns the protocol, or undefined when the type is not one of the remote-write types
 */
export function protocolOf(contentType: string | undefined): RemoteWriteProtocol | undefined {
  const ct = (contentType ?? '').trim();
  if (ct === '') return '1.0';
  const parts = ct.split(';').map((p) => p.trim());
  if ((parts[0] as string).toLowerCase() !== CONTENT_TYPE_V1) return undefined;
  let proto: string | undefined;
  for (const p of parts.slice(1)) {
    if (p === '') continue;
    const eq = p.indexOf('=');
    if (eq < 0) return undefined;
    const key = p.slice(0, eq).trim().toLowerCase();
    const value = p.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1');
    if (key === 'proto') proto = value;
  }
  if (proto === undefined || proto === 'prometheus.WriteRequest') return '1.0';
  if (proto === 'io.prometheus.write.v2.Request') return '2.0';
  return undefined;
}

/** True for an absent/empty Content-Encoding or `snappy` (case-insensitive). */
export function isSnappyEncoding(contentEncoding: string | undefined): boolean {
  const ce = (contentEncoding ?? '').trim().toLowerCase();
  return ce === '' || ce === 'snappy';
}
