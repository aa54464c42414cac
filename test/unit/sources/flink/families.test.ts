import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ALL_FAMILIES } from '../../../../src/sources/flink/families.js';
import { isValidLabelName, isValidMetricName } from '../../../../src/model/names.js';

describe('series families', () => {
  it('follow the Prometheus naming guide', () => {
    const names = new Set<string>();
    for (const f of ALL_FAMILIES) {
      expect(isValidMetricName(f.name), f.name).toBe(true);
      expect(names.has(f.name), `duplicate ${f.name}`).toBe(false);
      names.add(f.name);
      expect(f.name.startsWith('flink_')).toBe(true);
      // counters and only counters end in _total
      expect(f.name.endsWith('_total'), f.name).toBe(f.type === 'counter');
      if (f.unit) expect(f.name.endsWith(`_${f.unit}`), `${f.name} unit ${f.unit}`).toBe(true);
      for (const l of f.labels ?? []) expect(isValidLabelName(l)).toBe(true);
      expect(f.help.length).toBeGreaterThan(10);
    }
  });

  it('are all documented in the README', () => {
    const readme = readFileSync(resolve(import.meta.dirname, '../../../../README.md'), 'utf8');
    for (const f of ALL_FAMILIES) expect(readme, `README lacks ${f.name}`).toContain(`\`${f.name}\``);
  });
});
