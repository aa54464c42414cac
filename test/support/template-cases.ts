/**
 * The golden template cases of `test/fixtures/rules/templates/cases.yml` and the Prometheus files made from them.
 *
 * Each case is one alerting rule whose expression yields one sample with the case's labels and value, with the
 * case's template as annotation `t`; a promtool unit test expects the case's `expected` text as that annotation.
 * `promtool test rules` of Prometheus 3.16 passing proves every expectation is Prometheus's
 * (test/integration/rules/template/promtool-golden.test.ts); our expander must give the same text
 * (test/unit/rules/template/golden.test.ts).
 *
 * Conventions of the generated files: every case's series is `tmpl_case_<index>` with the case's labels and one
 * sample (its value) at t=0, the rule's expr is `tmpl_case_<index> * 1` (drops `__name__`, keeps −0 and NaN),
 * evaluation at 0m, `external_labels` {@link EXTERNAL_LABELS}, `external_url` {@link EXTERNAL_URL}; the file's
 * shared `series` are input series for `query`.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';

export const CASES_FILE = resolve(import.meta.dirname, '../fixtures/rules/templates/cases.yml');

export const EXTERNAL_LABELS: Readonly<Record<string, string>> = { site: 'eu1' };
export const EXTERNAL_URL = 'http://prom.example:9090/prefix';

export interface TemplateCase {
  readonly name: string;
  readonly template: string;
  readonly labels: Readonly<Record<string, string>>;
  /** The sample value as promtool's series notation writes it (`42`, `NaN`, `+Inf`, `-0`). */
  readonly value: string;
  /** The expanded annotation, errors included (`<error expanding template: …>`). */
  readonly expected: string;
  /**
   * Set for a template that does not parse: the error `promtool check rules` reports for the annotation
   * (`template: __alert_<name>:<line>: <message>`); such a rule file does not load, so there is no expansion.
   */
  readonly expectedParseError: string | undefined;
  /** Set when promtool cannot check the case (the reason); the unit test still runs it. */
  readonly unitOnly: string | undefined;
}

export interface InputSeries {
  readonly series: string;
  readonly values: string;
}

export interface TemplateCases {
  readonly series: readonly InputSeries[];
  readonly cases: readonly TemplateCase[];
}

interface RawCase {
  name: string;
  template: string;
  labels?: Record<string, string>;
  value?: string | number;
  expected?: string;
  expected_parse_error?: string;
  unit_only?: string;
}

export function loadTemplateCases(file = CASES_FILE): TemplateCases {
  const raw = parse(readFileSync(file, 'utf8')) as { series?: InputSeries[]; cases: RawCase[] };
  const names = new Set<string>();
  const cases = raw.cases.map((c): TemplateCase => {
    if (names.has(c.name)) throw new Error(`duplicate case name ${c.name}`);
    names.add(c.name);
    return {
      name: c.name,
      template: c.template,
      labels: c.labels ?? {},
      value: String(c.value ?? '1'),
      expected: c.expected ?? '',
      expectedParseError: c.expected_parse_error,
      unitOnly: c.unit_only,
    };
  });
  return { series: raw.series ?? [], cases };
}

/** The case value as a float64 (promtool's notation: `NaN`, `+Inf`, `-Inf`, Go floats). */
export function caseValue(c: TemplateCase): number {
  switch (c.value) {
    case 'NaN':
      return NaN;
    case '+Inf':
    case 'Inf':
      return Infinity;
    case '-Inf':
      return -Infinity;
  }
  return Number(c.value);
}

function seriesSelector(index: number, labels: Readonly<Record<string, string>>): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  return `tmpl_case_${index}{${parts.join(',')}}`;
}

/** The rule file: one group, one alerting rule per case (alert name = case name). */
export function ruleFileFor(cases: readonly TemplateCase[]): string {
  const rules = cases.map((c, i) => ({
    alert: c.name,
    expr: `tmpl_case_${i} * 1`,
    annotations: { t: c.template },
  }));
  return JSON.stringify({ groups: [{ name: 'templates', rules }] }, null, 1);
}

/** The promtool unit-test file for `ruleFile`. */
export function unitTestFileFor(all: TemplateCases, cases: readonly TemplateCase[], ruleFile: string): string {
  const inputSeries = [
    ...all.series,
    ...cases.map((c, i) => ({ series: seriesSelector(i, c.labels), values: c.value })),
  ];
  const test = {
    rule_files: [ruleFile],
    evaluation_interval: '1m',
    tests: [
      {
        interval: '1m',
        external_labels: EXTERNAL_LABELS,
        external_url: EXTERNAL_URL,
        input_series: inputSeries,
        alert_rule_test: cases.map((c) => ({
          eval_time: '0m',
          alertname: c.name,
          exp_alerts: [{ exp_labels: c.labels, exp_annotations: { t: c.expected } }],
        })),
      },
    ],
  };
  return JSON.stringify(test, null, 1);
}
