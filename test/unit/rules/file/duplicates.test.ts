/** promtool's duplicate-rule lint; expected texts as promtool 3.16 `check rules` printed them for these contents. */
import { describe, expect, it } from 'vitest';
import { duplicateRulesMessage, findDuplicateRules } from '../../../../src/rules/file/duplicates.js';
import { parseRuleFileContent } from '../../../../src/rules/file/parse.js';

const lint = (text: string): string | undefined => {
  const r = parseRuleFileContent(text);
  expect(r.issues).toEqual([]);
  const d = findDuplicateRules(r.groups);
  return d.length === 0 ? undefined : duplicateRulesMessage(d);
};

describe('findDuplicateRules', () => {
  it('same alert name and labels across rules (test.yaml of rulefmt)', () => {
    const text = `groups:
- name: a
  rules:
  - {alert: HighErrors, expr: up, labels: {severity: critical}}
  - {record: new_metric, expr: up}
  - {alert: HighErrors, expr: up, labels: {severity: critical}}
- name: b
  rules:
  - {alert: HighErrors, expr: up, labels: {severity: critical}}
  - {record: new_metric, expr: up, labels: {abc: edf}}
`;
    expect(lint(text)).toBe('1 duplicate rule(s) found.\nMetric: HighErrors\nLabel(s):\n\tseverity: critical\nMight cause inconsistency while recording expressions');
  });

  it('group labels merge under rule labels (Z of group a ≠ Z of group b); an empty label list; reported once each, sorted', () => {
    const text = `groups:
- name: a
  labels: {team: x}
  rules:
  - {record: rec, expr: up}
  - {record: rec, expr: up, labels: {team: x}}
  - {record: rec, expr: up, labels: {team: x}}
  - {alert: Z, expr: up}
- name: b
  rules:
  - {alert: Z, expr: up}
  - {record: A, expr: up}
  - {record: A, expr: up}
`;
    expect(lint(text)).toBe(
      '2 duplicate rule(s) found.\nMetric: A\nLabel(s):\nMetric: rec\nLabel(s):\n\tteam: x\nMight cause inconsistency while recording expressions',
    );
  });

  it('no duplicates', () => {
    expect(lint('groups:\n- name: a\n  rules:\n  - {record: a, expr: up}\n  - {record: a, expr: up, labels: {x: y}}\n')).toBeUndefined();
  });
});
