/**
 * Reusable zod field types for config files: durations, null-as-absent sections, URLs, file references.
 * Every failure message names the problem without echoing secret values.
 */
import { z } from 'zod';
import { formatDuration, parseDuration } from './duration.js';
import { describeKind } from './source.js';

/** A parsed duration: milliseconds plus the text as written. */
export interface DurationValue {
  readonly ms: number;
  readonly text: string;
}

/** Bounds of a duration field, in ms (inclusive). */
export interface DurationBounds {
  readonly min?: number;
  readonly max?: number;
}

/**
 * A Prometheus duration string (`15s`, `1h30m`, `250ms`; a bare `0` number is accepted as `0s`), parsed to
 * `{ ms, text }`. Issues: not a string, not a valid duration, below `min` or above `max`.
 */
export function durationValue(bounds: DurationBounds = {}) {
  return z.preprocess(
    (v) => (v === 0 ? '0' : v),
    z
      .string({
        error: (iss) =>
          iss.input === undefined
            ? 'missing required key'
            : `expected a duration like "15s" or "1m30s", got ${describeKind(iss.input)}`,
      })
      .transform((text, ctx): DurationValue => {
        let ms: number;
        try {
          ms = parseDuration(text);
        } catch (err) {
          ctx.addIssue({
            code: 'custom',
            message: `${err instanceof Error ? err.message : String(err)} (units: ms, s, m, h, d, w, y; e.g. "1m30s")`,
          });
          return z.NEVER;
        }
        if (bounds.min !== undefined && ms < bounds.min) {
          ctx.addIssue({
            code: 'custom',
            message: `${JSON.stringify(text)} is shorter than the minimum of ${formatDuration(bounds.min)}`,
          });
          return z.NEVER;
        }
        if (bounds.max !== undefined && ms > bounds.max) {
          ctx.addIssue({
            code: 'custom',
            message: `${JSON.stringify(text)} is longer than the maximum of ${formatDuration(bounds.max)}`,
          });
          return z.NEVER;
        }
        return { ms, text };
      }),
  );
}

/** Like `durationValue`, output just the milliseconds. */
export function durationMs(bounds: DurationBounds = {}) {
  return durationValue(bounds).transform((d) => d.ms);
}

/** `key:` with no value (YAML null) counts as absent, so the schema's default or optionality applies. */
export function nullAsAbsent<S extends z.ZodType>(schema: S) {
  return z.preprocess((v) => (v === null ? undefined : v), schema);
}

/** A file path (non-empty string); relative paths are resolved against the config file's directory later. */
export const filePath = z.string().min(1);

/** Result of checking a REST URL. */
export type UrlCheck = { readonly ok: true; readonly url: string } | { readonly ok: false; readonly message: string };

/**
 * Checks and normalises an http(s) base URL: no credentials, query or fragment; trailing slashes removed; a path
 * prefix (Flink's `rest.url-prefix`) kept. The value is echoed in messages only when it has no `@`.
 *
 * @returns `{ ok: true, url }` with e.g. `http://jm:8081/prefix`, or `{ ok: false, message }`
 */
export function checkHttpUrl(value: string): UrlCheck {
  const shown = value.includes('@') ? 'the URL' : JSON.stringify(value);
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    return { ok: false, message: `${shown} is not a valid URL (expected e.g. "http://localhost:8081")` };
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    return { ok: false, message: `${shown} is not an http or https URL (expected e.g. "http://localhost:8081")` };
  }
  if (u.username !== '' || u.password !== '') {
    return { ok: false, message: 'the URL must not contain credentials; use flink.basic_auth instead' };
  }
  if (u.hostname === '') return { ok: false, message: `${shown} has no host` };
  if (u.search !== '' || u.hash !== '' || value.includes('?') || value.includes('#')) {
    return { ok: false, message: `${shown} must not contain a query or fragment` };
  }
  return { ok: true, url: `${u.protocol}//${u.host}${u.pathname.replace(/\/+$/, '')}` };
}

/** An http(s) URL field, normalised by `checkHttpUrl`. */
export const httpUrl = z.string().transform((value, ctx) => {
  const r = checkHttpUrl(value);
  if (!r.ok) {
    ctx.addIssue({ code: 'custom', message: r.message });
    return z.NEVER;
  }
  return r.url;
});

/** Node's names for TLS versions (`tls.SecureVersion`). */
export type TlsVersion = 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';

/** Prometheus/Go config names of TLS versions (`min_version`) → Node's. */
export const TLS_VERSIONS: Readonly<Record<'TLS10' | 'TLS11' | 'TLS12' | 'TLS13', TlsVersion>> = {
  TLS10: 'TLSv1',
  TLS11: 'TLSv1.1',
  TLS12: 'TLSv1.2',
  TLS13: 'TLSv1.3',
};

/** A `min_version` field: `TLS10`..`TLS13` (as in Prometheus and exporter-toolkit), output in Node's naming. */
export const tlsVersion = z.enum(['TLS10', 'TLS11', 'TLS12', 'TLS13']).transform((v): TlsVersion => TLS_VERSIONS[v]);
