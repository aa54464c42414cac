/**
 * `parseRuleFileContent` against Prometheus 3.16 `model/rulefmt/rulefmt_test.go` (TestParseFileFailure messages,
 * TestParseFileSuccessWithAliases values, TestTemplateParsing verdicts, TestUniqueErrorNodes, TestError formats,
 * TestMultiDocParse); the inline files are that test's `testdata/*.yaml`. Full message texts (with positions) are
 * as promtool 3.16 `check rules` printed them for the same content.
 */
import { describe, expect, it } from 'vitest';
import { TemplateParseError } from '../../../../src/errors.js';
import { MULTI_DOC_WARNING, parseRuleFileContent, toGroupSpecs } from '../../../../src/rules/file/parse.js';
import { createTemplateExpander } from '../../../../src/rules/template/index.js';
import type { AlertTemplateData, TemplateEnv, TemplateExpander } from '../../../../src/rules/types.js';

const texts = (content: string, opts = {}): string[] => parseRuleFileContent(content, opts).issues.map((i) => i.text);

// rulefmt testdata (Apache-2.0, Prometheus Authors), inline.
const TESTDATA: Readonly<Record<string, string>> = {
  'duplicate_grp.bad.yaml': 'groups:\n  - name: yolo\n  - name: yolo\n',
  'bad_expr.bad.yaml': 'groups:\n  - name: yolo\n    rules:\n      - record: yolo\n        expr: rate(hi)\n',
  'record_and_alert.bad.yaml': 'groups:\n  - name: yolo\n    rules:\n      - record: Hi\n        alert: Hello\n        expr: 1\n',
  'no_rec_alert.bad.yaml': 'groups:\n  - name: yolo\n    rules:\n      - expr: 1\n',
  'noexpr.bad.yaml': 'groups:\n  - name: yolo\n    rules:\n      - record: ylo\n',
  'invalid_record_name.bad.yaml': 'groups:\n  - name: yolo\n    rules:\n      - record: strawberry{flavor="sweet"}\n        expr: 1\n',
  'bad_field.bad.yaml':
    'groups:\n  - name: yolo\n    rules:\n      - alert: hola\n        expr: 1\n        labels:\n          instance: localhost\n        annotation:\n          summary: annotations is written without s above\n',
  'invalid_label_name.bad.yaml': 'groups:\n  - name: yolo\n    rules:\n      - record: hola\n        expr: 1\n        labels:\n          __name__: anything\n',
  'record_and_for.bad.yaml': 'groups:\n  - name: yolo\n    rules:\n      - record: Hello\n        expr: 1\n        for: 1m\n',
  'record_and_keep_firing_for.bad.yaml': 'groups:\n  - name: yolo\n    rules:\n      - record: Hello\n        expr: 1\n        keep_firing_for: 1m\n',
};

describe('rulefmt TestParseFileFailure: the first error contains the expected text', () => {
  it.each([
    ['duplicate_grp.bad.yaml', 'groupname: "yolo" is repeated in the same file', '0:0: groupname: "yolo" is repeated in the same file'],
    [
      'bad_expr.bad.yaml',
      'parse error',
      '5:15: group "yolo", rule 1, "yolo": could not parse expression: 1:6: parse error: expected type range vector in call to function "rate", got instant vector',
    ],
    ['record_and_alert.bad.yaml', "only one of 'record' and 'alert' must be set", `4:17: 5:16: group "yolo", rule 1, "Hello": only one of 'record' and 'alert' must be set`],
    ['no_rec_alert.bad.yaml', "one of 'record' or 'alert' must be set", `0:0: 0:0: group "yolo", rule 1, "": one of 'record' or 'alert' must be set`],
    ['noexpr.bad.yaml', "field 'expr' must be set in rule", `0:0: group "yolo", rule 1, "ylo": field 'expr' must be set in rule`],
    [
      'invalid_record_name.bad.yaml',
      'braces present in the recording rule name; should it be in expr?: strawberry{flavor="sweet"}',
      '4:17: group "yolo", rule 1, "strawberry{flavor=\\"sweet\\"}": braces present in the recording rule name; should it be in expr?: strawberry{flavor="sweet"}',
    ],
    ['bad_field.bad.yaml', 'field annotation not found', 'yaml: unmarshal errors:\n  line 8: field annotation not found in type rulefmt.Rule'],
    ['invalid_label_name.bad.yaml', 'invalid label name', 'group "yolo", rule 1, "hola": invalid label name: __name__'],
    ['record_and_for.bad.yaml', "invalid field 'for' in recording rule", `4:17: group "yolo", rule 1, "Hello": invalid field 'for' in recording rule`],
    [
      'record_and_keep_firing_for.bad.yaml',
      "invalid field 'keep_firing_for' in recording rule",
      `4:17: group "yolo", rule 1, "Hello": invalid field 'keep_firing_for' in recording rule`,
    ],
  ])('%s', (file, contains, promtoolText) => {
    const issues = texts(TESTDATA[file] as string);
    expect(issues[0]).toContain(contains);
    expect(issues[0]).toBe(promtoolText);
  });

  it('issues carry file positions for RuleFileError (line/column of the rulefmt node, detail without it)', () => {
    const [issue] = parseRuleFileContent(TESTDATA['bad_expr.bad.yaml'] as string).issues;
    expect(issue).toMatchObject({ line: 5, column: 15 });
    expect(issue?.detail).toMatch(/^group "yolo", rule 1, "yolo": could not parse expression: 1:6: parse error: /);
  });
});

describe('UTF-8 name validation (Prometheus 3 default): utf-8_lname.good.yaml, utf-8_annotation.good.yaml pass', () => {
  it('label and annotation names with dashes are valid', () => {
    expect(texts('groups:\n  - name: yolo\n    rules:\n      - record: hola\n        expr: 1\n        labels:\n          ins-tance: localhost\n')).toEqual([]);
    expect(texts('groups:\n  - name: yolo\n    rules:\n      - alert: hola\n        expr: 1\n        annotations:\n          ins-tance: localhost\n')).toEqual([]);
  });
});

describe('rulefmt TestParseFileSuccessWithAliases (test_aliases.yaml)', () => {
  const ALIASES = `groups:
  - name: my-group-name
    interval: 30s # defaults to global interval
    rules:
      - &highalert
        alert: &alertname HighAlert
        expr: &expr |
          sum without(instance) (rate(errors_total[5m]))
          /
          sum without(instance) (rate(requests_total[5m]))
        for: 5m
        labels:
          severity: &severity critical
        annotations:
          description: &description "stuff's happening with {{ $.labels.service }}"

      # Mix recording rules in the same list
      - record: &recordname "new_metric"
        expr: *expr
        labels:
          abc: edf
          uvw: xyz

      - alert: *alertname
        expr: *expr
        for: 5m
        labels:
          severity: *severity
        annotations:
          description: *description

      - <<: *highalert
        alert: HighAlert2
`;
  it('aliases and merge keys give the values of the anchors', () => {
    const r = parseRuleFileContent(ALIASES);
    expect(r.issues).toEqual([]);
    const exprString = 'sum without(instance) (rate(errors_total[5m]))\n/\nsum without(instance) (rate(requests_total[5m]))\n';
    const rules = r.groups[0]?.rules ?? [];
    expect(rules.map((x) => x.alert || x.record)).toEqual(['HighAlert', 'new_metric', 'HighAlert', 'HighAlert2']);
    expect(rules[0]?.labels.get('severity')).toBe('critical');
    expect(rules[0]?.annotations.get('description')).toBe("stuff's happening with {{ $.labels.service }}");
    expect(rules[2]?.annotations.get('description')).toBe("stuff's happening with {{ $.labels.service }}");
    expect(rules[3]?.labels.get('severity')).toBe('critical');
    for (const rule of rules) expect(rule.expr).toBe(exprString);
  });
});

/** A stand-in for the Go template parser: refuses `$label` and `$this_is_wrong` (undefined variables) and `*`. */
const fakeTemplates: TemplateExpander = {
  check(name: string, text: string): void {
    const m = /\{\{[^}]*(\$label\b|\$this_is_wrong|\*)[^}]*\}\}/.exec(text);
    if (m !== null) throw new TemplateParseError(name, 1, `bad ${m[1] ?? ''}`);
  },
  expand(_n: string, text: string, _d: AlertTemplateData, _e: TemplateEnv): Promise<string> {
    return Promise.resolve(text);
  },
};

describe('rulefmt TestTemplateParsing: templates of alerting rules are checked with the TemplateExpander', () => {
  const rule = (labels: string, annotations: string): string =>
    `groups:\n- name: example\n  rules:\n  - alert: InstanceDown\n    expr: up == 0\n    for: 5m\n    labels:\n${labels}    annotations:\n${annotations}`;
  it.each([
    [rule('      severity: "page"\n', '      summary: "Instance {{ $labels.instance }} down"\n'), true],
    [rule('      severity: "page"\n', '      summary: "Instance {{ $label.instance }} down"\n'), false],
    [rule('      severity: "{{$this_is_wrong}}"\n', '      summary: "Instance {{ $labels.instance }} down"\n'), false],
    [rule('      severity: "page"\n', '      summary: "x"\n      description: "{{$labels.quantile * 100}}"\n'), false],
  ])('case %#', (text, shouldPass) => {
    expect(texts(text, { templates: fakeTemplates }).length === 0).toBe(shouldPass);
  });

  it('a template error names the label or annotation, without a position (promtool: rules-bad.yml)', () => {
    const t = texts(rule('      severity: "page"\n', '      summary: "{{ $label.instance }}"\n'), { templates: fakeTemplates });
    expect(t).toEqual(['group "example", rule 1, "InstanceDown": annotation "summary": template: __alert_InstanceDown:1: bad $label']);
  });

  it('with the real Go text/template parser: promtool 3.16 wording for rules-bad.yml', () => {
    const t = texts(rule('      severity: "page"\n', '      summary: "Instance {{ $label.instance }} down"\n'), { templates: createTemplateExpander() });
    expect(t).toEqual(['group "example", rule 1, "InstanceDown": annotation "summary": template: __alert_InstanceDown:1: undefined variable "$label"']);
  });

  it('recording rules are not template-checked, and no checker means no template check', () => {
    expect(texts('groups:\n- name: g\n  rules:\n  - record: r\n    expr: up\n    labels: {a: "{{ $label }}"}\n', { templates: fakeTemplates })).toEqual([]);
    expect(texts(rule('      severity: "{{$this_is_wrong}}"\n', '      a: b\n'))).toEqual([]);
  });
});

describe('rulefmt TestUniqueErrorNodes', () => {
  it('two bad expressions are reported at their own nodes', () => {
    const group = `
groups:
- name: example
  rules:
  - alert: InstanceDown
    expr: up ===== 0
    for: 5m
  - alert: InstanceUp
    expr: up ===== 1
    for: 5m
`;
    const issues = parseRuleFileContent(group).issues;
    expect(issues).toHaveLength(2);
    expect(issues[0]?.line).toBe(6);
    expect(issues[1]?.line).toBe(9);
  });
});

describe('rulefmt TestMultiDocParse', () => {
  const valid = 'groups:\n- name: example\n  rules:\n  - alert: InstanceDown\n    expr: up == 0\n';
  it.each([
    ['one document', valid, false],
    ['two documents', `${valid}---\ngroups:\n- name: example2\n  rules:\n  - alert: InstanceDown2\n    expr: up == 0\n`, true],
    ['a trailing empty document', `${valid}---\n`, true],
  ])('%s: only the first document, a warning when there are more', (_name, text, warns) => {
    const r = parseRuleFileContent(text);
    expect(r.issues).toEqual([]);
    expect(r.groups.map((g) => g.name)).toEqual(['example']);
    expect(r.warnings.includes(MULTI_DOC_WARNING)).toBe(warns);
  });
});

describe('yaml.v3 decoding, as promtool 3.16 reports it', () => {
  it('type errors are listed per decode: the strict one (rulefmt.*) and the node one (rulefmt.*Node)', () => {
    expect(texts('groups:\n  - foo\n  - [a]\n  - name: ok\n    rules:\n      - bar\n')).toEqual([
      'yaml: unmarshal errors:\n  line 2: cannot unmarshal !!str `foo` into rulefmt.RuleGroup\n  line 3: cannot unmarshal !!seq into rulefmt.RuleGroup\n  line 6: cannot unmarshal !!str `bar` into rulefmt.Rule',
      'yaml: unmarshal errors:\n  line 2: cannot unmarshal !!str `foo` into rulefmt.RuleGroupNode\n  line 3: cannot unmarshal !!seq into rulefmt.RuleGroupNode\n  line 6: cannot unmarshal !!str `bar` into rulefmt.RuleNode',
    ]);
    expect(texts('- a\n')).toEqual([
      'yaml: unmarshal errors:\n  line 1: cannot unmarshal !!seq into rulefmt.RuleGroups',
      'yaml: unmarshal errors:\n  line 1: cannot unmarshal !!seq into rulefmt.ruleGroups',
    ]);
  });

  it('long scalar values are cut to 7 bytes in messages', () => {
    expect(texts('groups:\n  - name: a\n    limit: 99999999999999999999\n    rules: []\n')).toEqual([
      'yaml: unmarshal errors:\n  line 3: cannot unmarshal !!float `9999999...` into int',
      'yaml: unmarshal errors:\n  line 3: cannot unmarshal !!float `9999999...` into int',
    ]);
  });

  it('a bad duration aborts the decode (no line), once per decode', () => {
    expect(texts('groups:\n  - name: a\n    limit: abc\n    interval: 5\n    rules: foo\n')).toEqual([
      'not a valid duration string: "5"',
      'not a valid duration string: "5"',
    ]);
  });

  it('duplicate keys', () => {
    expect(texts('groups:\n  - name: a\n    name: b\n')).toEqual([
      'yaml: unmarshal errors:\n  line 3: mapping key "name" already defined at line 2',
      'yaml: unmarshal errors:\n  line 3: mapping key "name" already defined at line 2',
    ]);
  });

  it('explicit tags that do not fit: yaml.v3 fails with "cannot decode"', () => {
    expect(texts('groups:\n  - name: g\n    limit: true\n    rules:\n      - record: !!int abc\n        expr: up\n')).toEqual([
      'yaml: cannot decode !!str `abc` as a !!int',
      'yaml: unmarshal errors:\n  line 3: cannot unmarshal !!bool `true` into int',
    ]);
  });

  it('nulls: a null rule is dropped, null label values are empty, null maps are empty', () => {
    const r = parseRuleFileContent('groups:\n  - name: g\n    labels: ~\n    rules:\n      - ~\n      - record: a\n        expr: up\n        labels:\n          x: ~\n          y:\n');
    expect(r.issues).toEqual([]);
    expect(r.groups[0]?.rules).toHaveLength(1);
    expect([...(r.groups[0]?.rules[0]?.labels ?? [])]).toEqual([
      ['x', ''],
      ['y', ''],
    ]);
  });

  it('an alias to an undefined anchor is a parse error (with the multi-document warning, like a syntax error)', () => {
    const r = parseRuleFileContent('groups:\n- name: g\n  labels: *undefined\n  rules: []\n');
    expect(r.issues.map((i) => i.text)).toEqual(["yaml: unknown anchor 'undefined' referenced", "yaml: unknown anchor 'undefined' referenced"]);
    expect(r.warnings).toEqual([MULTI_DOC_WARNING]);
  });

  it('a block scalar at the end of a file without a final line break has no trailing newline (libyaml)', () => {
    expect(texts('groups:\n- name: g\n  rules:\n  - record: r\n    labels: |\n      up')).toEqual([
      'yaml: unmarshal errors:\n  line 5: cannot unmarshal !!str `up` into map[string]string',
      'yaml: unmarshal errors:\n  line 5: cannot unmarshal !!str `up` into map[string]string',
    ]);
  });

  it('empty, comment-only and null documents have no groups and no issues', () => {
    for (const t of ['', '# c\n', '~\n']) expect(parseRuleFileContent(t)).toEqual({ groups: [], issues: [], warnings: [] });
  });

  it('bytes that are not UTF-8, and control characters, are refused like libyaml', () => {
    expect(parseRuleFileContent(new Uint8Array([0x67, 0xff, 0x0a])).issues.map((i) => i.text)).toEqual([
      'yaml: invalid leading UTF-8 octet',
      'yaml: invalid leading UTF-8 octet',
    ]);
    expect(texts('groups:\n  - name: a\u0001b\n')).toEqual(['yaml: control characters are not allowed', 'yaml: control characters are not allowed']);
  });
});

describe('toGroupSpecs: the contract shapes', () => {
  it('intervals, offsets, limits, labels and rule kinds', () => {
    const r = parseRuleFileContent(
      'groups:\n- name: g\n  interval: 30s\n  query_offset: 0s\n  limit: 5\n  labels: {team: t}\n  rules:\n  - record: r\n    expr: up\n    labels: {b: "2", a: "1"}\n  - alert: A\n    expr: up > 0\n    for: 1m\n    keep_firing_for: 10s\n    annotations: {s: "{{ $value }}"}\n- name: h\n  interval: 0\n  rules: []\n',
    );
    expect(r.issues).toEqual([]);
    const specs = toGroupSpecs(r.groups, '/etc/rules.yml');
    expect(specs[0]).toMatchObject({ name: 'g', file: '/etc/rules.yml', intervalMs: 30_000, queryOffsetMs: 0, limit: 5, labels: { team: 't' } });
    expect(specs[0]?.rules[0]).toEqual({ kind: 'recording', record: 'r', expr: 'up', labels: { a: '1', b: '2' }, pos: { line: 8, column: 13 } });
    expect(specs[0]?.rules[1]).toMatchObject({ kind: 'alerting', alert: 'A', expr: 'up > 0', forMs: 60_000, keepFiringForMs: 10_000, annotations: { s: '{{ $value }}' } });
    // Prometheus uses the global interval for 0 and an absent interval alike; an absent query_offset stays unset.
    expect(specs[1]).toMatchObject({ name: 'h', intervalMs: undefined, queryOffsetMs: undefined, limit: 0 });
  });
});
