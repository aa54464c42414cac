import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runScript, type EvalOutcome } from '../../src/promql/test-script/run.js';
import { PROMQL_3_16_SKIPS, type SkipEntry } from '../conformance/promql-3.16.skip.js';

/**
 * Runs Prometheus 3.16's own PromQL test scripts (`../shared/conformance/promql-3.16/`, beside the checkout as in CI;
 * never copied into the repository) through our runner, with the one skip list
 * (test/conformance/promql-3.16.skip.ts).
 */

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const CONFORMANCE_DIR = resolve(REPO_ROOT, '../shared/conformance/promql-3.16');

/** The `.test` files of the suite, sorted; empty when `../shared` is not there. */
export function conformanceFiles(): string[] {
  if (!existsSync(CONFORMANCE_DIR)) return [];
  return readdirSync(CONFORMANCE_DIR).filter((f) => f.endsWith('.test')).sort();
}

/** The skip entry that applies to an eval of `file`, if any. */
function skipFor(file: string, line: number, nativeHistograms: boolean): SkipEntry | undefined {
  return PROMQL_3_16_SKIPS.find(
    (e) =>
      (e.file === '*' || e.file === file) &&
      (e.lines === 'all' || (Array.isArray(e.lines) && e.lines.includes(line)) || (e.nativeHistograms === true && nativeHistograms)),
  );
}

export interface FileReport {
  readonly file: string;
  readonly outcomes: readonly EvalOutcome[];
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
}

/** Runs one file of the suite with the skip list applied. */
export async function runConformanceFile(file: string): Promise<FileReport> {
  const whole = PROMQL_3_16_SKIPS.find((e) => e.file === file && e.lines === 'all');
  const text = readFileSync(join(CONFORMANCE_DIR, file), 'utf8');
  let outcomes: EvalOutcome[];
  if (whole !== undefined) {
    // Not even parsed: such files use syntax we do not support (e.g. `@st` lines); count their evals.
    const evals = text.split('\n').map((l, i) => [l.trim(), i + 1] as const).filter(([l]) => /^eval(_\w+)?\s/.test(l));
    outcomes = evals.map(([l, line]) => ({ line, expr: l, status: 'skip' as const, message: whole.reason }));
  } else {
    // The runner decides about native histograms itself (it knows what was loaded), so skip after the run.
    const raw = await runScript(text);
    outcomes = raw.map((o) => {
      const skip = skipFor(file, o.line, o.nativeHistograms === true);
      return skip === undefined ? o : { ...o, status: 'skip' as const, message: skip.reason };
    });
  }
  return {
    file,
    outcomes,
    passed: outcomes.filter((o) => o.status === 'pass').length,
    failed: outcomes.filter((o) => o.status === 'fail').length,
    skipped: outcomes.filter((o) => o.status === 'skip').length,
  };
}
