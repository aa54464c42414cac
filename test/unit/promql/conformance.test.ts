import { describe, expect, it } from 'vitest';
import { conformanceFiles, runConformanceFile } from '../../support/promql-conformance.js';

// Prometheus 3.16's own PromQL test scripts through our runner and engine; skips only from the one skip list.
const files = conformanceFiles();

describe('upstream PromQL conformance (Prometheus 3.16 promqltest scripts)', () => {
  it('finds the suite beside the checkout (../shared/conformance/promql-3.16)', () => {
    expect(files.length).toBeGreaterThan(20);
  });

  for (const file of files) {
    it(file, async () => {
      const report = await runConformanceFile(file);
      const failures = report.outcomes.filter((o) => o.status === 'fail').map((o) => `line ${o.line}: ${o.expr} :: ${o.message ?? ''}`);
      expect(failures).toEqual([]);
      expect(report.passed + report.skipped).toBe(report.outcomes.length);
    }, 60_000);
  }
});
