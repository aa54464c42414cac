import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The upstream conformance suites live beside the checkout in `../shared/conformance/` (Prometheus's own PromQL
 * test scripts and promtool files, Apache-2.0) and are never copied into the repository. CI has them; a user's
 * fresh clone does not, so tests that read them are skipped there with the reason, and fail under `CI=true`.
 */
export const CONFORMANCE_ROOT = fileURLToPath(new URL('../../../shared/conformance/', import.meta.url));

export type ConformanceLookup = { readonly ok: true; readonly dir: string } | { readonly ok: false; readonly reason: string };

/** The folder `../shared/conformance/<name>/` (with a trailing slash), or why it is not there. */
export function conformanceDir(name: string): ConformanceLookup {
  const dir = `${CONFORMANCE_ROOT}${name}/`;
  if (existsSync(dir)) return { ok: true, dir };
  return { ok: false, reason: `${dir} not found (the conformance suites sit beside the checkout in ../shared, as in CI)` };
}

/** True when a missing conformance suite must fail the run instead of skipping (CI sets CI=true). */
export const CONFORMANCE_REQUIRED = process.env['CI'] === 'true';
