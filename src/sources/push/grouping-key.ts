import { PushRejectedError } from '../../errors.js';
import { isValidLabelName } from '../../model/names.js';

/**
 * A push group's grouping key: the labels of the URL path, `job` first, then the others in path order. Every
 * series of the group carries them (they override the same labels in the body).
 */
export interface GroupingKey {
  /** `[name, value]` pairs, `job` first; names unique. Values may be empty (`/label@base64/=`). */
  readonly labels: readonly (readonly [string, string])[];
  /** Canonical identity of the group: the labels sorted by name, as `name="value"` joined by `,` (JSON-quoted). */
  readonly id: string;
}

const BASE64_SUFFIX = '@base64';
const URL_BASE64 = /^[A-Za-z0-9_-]*$/;

/**
 * Parses the path after `/metrics` of a Pushgateway API request: `/job/<job>{/<label>/<value>}`, where `job` and
 * any label name may carry the `@base64` suffix (value in RFC 4648 §5 URL-safe base64, padding optional, `=` for
 * the empty value). `path` is already percent-decoded, as Go's `URL.Path` is: a `%2F` splits components, which is
 * why `@base64` exists.
 *
 * Semantics and messages are Pushgateway 1.5.1's (`handler/push.go` `splitLabels`, `decodeBase64`; `main.go`
 * routes): an odd number of label components, a label name outside `[a-zA-Z_][a-zA-Z0-9_]*` or starting with
 * `__`, invalid base64 and an empty job are refused. A later repeat of a label name wins, `job` given again as a
 * label is overridden by the job component (Go map semantics of the original).
 *
 * @returns the grouping key, or `undefined` when `path` is not a push path at all (then the caller answers 404).
 * @throws PushRejectedError (status 400, reason `path`) with the Pushgateway's message.
 */
export function parseGroupingKey(path: string): GroupingKey | undefined {
  let rest: string;
  let jobBase64: boolean;
  if (path.startsWith('/job/')) {
    rest = path.slice(5);
    jobBase64 = false;
  } else if (path.startsWith(`/job${BASE64_SUFFIX}/`)) {
    rest = path.slice(5 + BASE64_SUFFIX.length);
    jobBase64 = true;
  } else return undefined;
  const slash = rest.indexOf('/');
  let job = slash < 0 ? rest : rest.slice(0, slash);
  const labelsString = slash < 0 ? '' : rest.slice(slash);
  if (jobBase64) {
    const decoded = decodeBase64(job);
    if (decoded === undefined) throw pathError(`invalid base64 encoding in job name ${goQuote(job)}: illegal base64 data`);
    job = decoded;
  }
  const labels = new Map<string, string>();
  if (labelsString.length > 1) {
    const components = labelsString.slice(1).split('/');
    if (components.length % 2 !== 0) throw pathError(`odd number of components in label string ${goQuote(labelsString)}`);
    for (let i = 0; i < components.length - 1; i += 2) {
      const name = components[i] as string;
      const value = components[i + 1] as string;
      const trimmed = name.endsWith(BASE64_SUFFIX) ? name.slice(0, -BASE64_SUFFIX.length) : name;
      if (!isValidLabelName(trimmed) || trimmed.startsWith('__')) throw pathError(`improper label name ${goQuote(trimmed)}`);
      if (trimmed === name) {
        labels.set(name, value);
        continue;
      }
      const decoded = decodeBase64(value);
      if (decoded === undefined) {
        throw pathError(`invalid base64 encoding for label ${trimmed}=${goQuote(value)}: illegal base64 data`);
      }
      labels.set(trimmed, decoded);
    }
  }
  if (job === '') throw pathError('job name is required');
  labels.delete('job');
  const pairs: [string, string][] = [['job', job], ...labels];
  const sorted = [...pairs].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return { labels: pairs, id: sorted.map(([n, v]) => `${n}=${JSON.stringify(v)}`).join(',') };
}

/**
 * Go `base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))`: URL-safe alphabet, no padding inside, the
 * last group's unused bits must be zero (Go is strict there). Returns undefined when invalid or not UTF-8.
 */
export function decodeBase64(s: string): string | undefined {
  let end = s.length;
  while (end > 0 && s.charCodeAt(end - 1) === 61) end--;
  const body = s.slice(0, end);
  if (!URL_BASE64.test(body) || body.length % 4 === 1) return undefined;
  const bytes = Buffer.from(body, 'base64url');
  // Node ignores non-zero trailing bits; Go's strict decoder refuses them. Re-encoding reveals them.
  if (bytes.toString('base64url') !== body) return undefined;
  const text = bytes.toString('utf8');
  // Label values must be valid UTF-8 (the store and Prometheus require it); Go would accept the bytes and fail later.
  if (!Buffer.from(text, 'utf8').equals(bytes)) return undefined;
  return text;
}

/** Go's `%q` for the ASCII strings of these messages (JSON quoting agrees with it there). */
function goQuote(s: string): string {
  return JSON.stringify(s);
}

function pathError(message: string): PushRejectedError {
  return new PushRejectedError(400, 'path', message);
}
