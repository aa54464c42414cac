import type { ExpositionFormat } from './types.js';

/** `Content-Type` of Prometheus text 0.0.4 as client_golang sends it. */
export const TEXT_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
/** `Content-Type` of OpenMetrics 1.0.0. */
export const OPENMETRICS_CONTENT_TYPE = 'application/openmetrics-text; version=1.0.0; charset=utf-8';
/** `Content-Type` when the scraper asked for OpenMetrics 0.0.1 (or no version) and not for 1.0.0. */
export const OPENMETRICS_0_0_1_CONTENT_TYPE = 'application/openmetrics-text; version=0.0.1; charset=utf-8';

export interface NegotiatedFormat {
  readonly format: ExpositionFormat;
  readonly contentType: string;
}

interface MediaRange {
  readonly type: string;
  readonly subtype: string;
  readonly params: ReadonlyMap<string, string>;
  readonly q: number;
  readonly order: number;
}

/**
 * Picks the exposition format for a scrape from its `Accept` header, the way client_golang's
 * `expfmt.NegotiateIncludingOpenMetrics` does: media ranges are taken by descending `q` (ties: more specific
 * first, then header order); the first one we can serve wins:
 * - `application/openmetrics-text` with `version` 1.0.0 → OpenMetrics, {@link OPENMETRICS_CONTENT_TYPE};
 *   with version 0.0.1 or none → OpenMetrics (same bytes), {@link OPENMETRICS_0_0_1_CONTENT_TYPE};
 * - `text/plain` with version 0.0.4, 1.0.0 (our names are legacy names, so 0.0.4 output is valid 1.0.0) or
 *   none → text, {@link TEXT_CONTENT_TYPE}.
 * Anything else (wildcards, protobuf, unknown versions), a missing header or `q=0` everywhere → text 0.0.4.
 * Never throws: a malformed header degrades to text.
 */
export function negotiateFormat(acceptHeader: string | undefined): NegotiatedFormat {
  if (acceptHeader === undefined || acceptHeader.trim() === '') return TEXT;
  const ranges = parseAccept(acceptHeader);
  ranges.sort((a, b) => b.q - a.q || specificity(b) - specificity(a) || a.order - b.order);
  for (const r of ranges) {
    const version = r.params.get('version');
    if (r.type === 'application' && r.subtype === 'openmetrics-text') {
      if (version === '1.0.0') return OPENMETRICS;
      if (version === undefined || version === '0.0.1') return OPENMETRICS_0_0_1;
    } else if (r.type === 'text' && r.subtype === 'plain') {
      if (version === undefined || version === '0.0.4' || version === '1.0.0') return TEXT;
    }
  }
  return TEXT;
}

const TEXT: NegotiatedFormat = Object.freeze({ format: 'text', contentType: TEXT_CONTENT_TYPE });
const OPENMETRICS: NegotiatedFormat = Object.freeze({ format: 'openmetrics', contentType: OPENMETRICS_CONTENT_TYPE });
const OPENMETRICS_0_0_1: NegotiatedFormat = Object.freeze({
  format: 'openmetrics',
  contentType: OPENMETRICS_0_0_1_CONTENT_TYPE,
});

function specificity(r: MediaRange): number {
  return r.type === '*' ? 0 : r.subtype === '*' ? 1 : 2;
}

/** RFC 9110 `Accept` parsing, lenient: unparsable ranges are skipped, `q` outside [0, 1] or garbage drops the range. */
function parseAccept(header: string): MediaRange[] {
  const out: MediaRange[] = [];
  let order = 0;
  for (const part of splitOutsideQuotes(header, ',')) {
    const [mediaType, ...paramParts] = splitOutsideQuotes(part, ';');
    const slash = (mediaType ?? '').indexOf('/');
    if (mediaType === undefined || slash < 0) continue;
    const type = mediaType.slice(0, slash).trim().toLowerCase();
    const subtype = mediaType.slice(slash + 1).trim().toLowerCase();
    if (type === '' || subtype === '') continue;
    const params = new Map<string, string>();
    let q = 1;
    let valid = true;
    for (const p of paramParts) {
      const eq = p.indexOf('=');
      if (eq < 0) continue;
      const key = p.slice(0, eq).trim().toLowerCase();
      let value = p.slice(eq + 1).trim();
      if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
      if (key === 'q') {
        q = /^(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/.test(value) ? Number(value) : NaN;
        if (Number.isNaN(q)) valid = false;
      } else {
        params.set(key, value);
      }
    }
    if (!valid || q <= 0) continue;
    out.push({ type, subtype, params, q, order: order++ });
  }
  return out;
}

function splitOutsideQuotes(s: string, sep: string): string[] {
  const parts: string[] = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '"') quoted = !quoted;
    else if (c === '\\' && quoted) i++;
    else if (c === sep && !quoted) {
      parts.push(s.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(s.slice(start));
  return parts;
}
