// Runs Prometheus 3.16's PromQL test scripts (../shared/conformance/promql-3.16/) through our engine with the skip
// list (test/conformance/promql-3.16.skip.ts) and prints the passed / failed / skipped table per file.
// `npx tsx scripts/promql-conformance.ts --write-readme` also replaces the table in README.md between the markers
// `<!-- promql-conformance:start -->` and `<!-- promql-conformance:end -->`.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { conformanceFiles, runConformanceFile } from '../test/support/promql-conformance.js';

const README = resolve(dirname(fileURLToPath(import.meta.url)), '../README.md');
const START = '<!-- promql-conformance:start -->';
const END = '<!-- promql-conformance:end -->';

async function main(): Promise<number> {
  const files = conformanceFiles();
  if (files.length === 0) {
    console.error('no conformance suite found beside the checkout (../shared/conformance/promql-3.16)');
    return 1;
  }
  const rows: string[] = ['| file | evals | passed | failed | skipped |', '|---|---:|---:|---:|---:|'];
  let total = { evals: 0, passed: 0, failed: 0, skipped: 0 };
  for (const file of files) {
    const r = await runConformanceFile(file);
    rows.push(`| \`${file}\` | ${r.outcomes.length} | ${r.passed} | ${r.failed} | ${r.skipped} |`);
    total = { evals: total.evals + r.outcomes.length, passed: total.passed + r.passed, failed: total.failed + r.failed, skipped: total.skipped + r.skipped };
    for (const o of r.outcomes) if (o.status === 'fail') console.error(`FAIL ${file}:${o.line} ${o.expr} :: ${o.message ?? ''}`);
  }
  rows.push(`| **all** | ${total.evals} | ${total.passed} | ${total.failed} | ${total.skipped} |`);
  const table = rows.join('\n');
  console.log(table);
  if (process.argv.includes('--write-readme')) {
    const text = readFileSync(README, 'utf8');
    const i = text.indexOf(START);
    const j = text.indexOf(END);
    if (i < 0 || j < i) {
      console.error(`README.md has no ${START} … ${END} section`);
      return 1;
    }
    writeFileSync(README, `${text.slice(0, i + START.length)}\n${table}\n${text.slice(j)}`);
  }
  return total.failed === 0 ? 0 : 1;
}

process.exitCode = await main();
