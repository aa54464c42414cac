/**
 * Request parameters as Go's `http.Request.FormValue` / `Form` see them: the urlencoded POST body first, then the
 * URL query. Express 5 parses the URL query with `querystring` (repeated keys become arrays).
 */
import type { Request } from 'express';

function values(src: unknown, name: string): string[] {
  if (src === null || typeof src !== 'object') return [];
  const v = (src as Record<string, unknown>)[name];
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  return [];
}

/** Every value of `name` (body first, then URL), e.g. all `match[]`. */
export function formValues(req: Request, name: string): string[] {
  return [...values(req.body, name), ...values(req.query, name)];
}

/** The first value of `name`, or undefined. */
export function formValue(req: Request, name: string): string | undefined {
  return formValues(req, name)[0];
}
