import { describe, expect, it } from 'vitest';
import { parseUnitTestFile } from '../../src/rules/unit-test/file.js';

// Found while running the bundled tests: a YAML alias to a map (`exp_annotations: *a`) decoded as null — "cannot
// unmarshal !!null into map[string]string" — while promtool 2.42 and 3.16 (yaml.v2) resolve it like the anchored map.
// Fixed in the unit-test decoder; these pin it.
describe('YAML aliases in unit-test files', () => {
  it('without the alias the file decodes', () => {
    const text = `tests:
  - input_series: []
    alert_rule_test:
      - eval_time: 2m
        alertname: A
        exp_alerts:
          - exp_annotations:
              summary: s
`;
    expect(parseUnitTestFile(text, false).tests[0]?.alertRuleTests[0]?.expAlerts[0]?.annotations).toEqual({ summary: 's' });
  });

  it('an alias to an exp_annotations map decodes like the anchored map', () => {
    const text = `tests:
  - input_series: []
    alert_rule_test:
      - eval_time: 1m
        alertname: A
        exp_alerts:
          - exp_annotations: &a
              summary: s
      - eval_time: 2m
        alertname: A
        exp_alerts:
          - exp_annotations: *a
`;
    const cases = parseUnitTestFile(text, false).tests[0]?.alertRuleTests ?? [];
    expect(cases[1]?.expAlerts[0]?.annotations).toEqual({ summary: 's' });
  });
});
