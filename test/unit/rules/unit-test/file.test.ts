/**
 * The unit-test file decoder: start timestamps as promtool's `parseTime` reads them (values from the conformance
 * start-time-test.yml, which passes under promtool 3.16: 1609459200 and 2024-01-01T00:00:00Z ⇒ `time()` 1704067200),
 * defaults, and yaml.v2 strictness.
 */
import { describe, expect, it } from 'vitest';
import { RuleTestFileError } from '../../../../src/errors.js';
import { parseStartTime, parseUnitTestFile } from '../../../../src/rules/unit-test/file.js';

describe('parseStartTime (promtool query.go parseTime)', () => {
  it('Unix seconds, fractions, RFC 3339', () => {
    expect(parseStartTime('1609459200')).toBe(1_609_459_200_000);
    expect(parseStartTime('1.5')).toBe(1500);
    expect(parseStartTime('2024-01-01T00:00:00Z')).toBe(1_704_067_200_000);
    expect(parseStartTime('2024-01-01T01:00:00+01:00')).toBe(1_704_067_200_000);
  });
  it('anything else, and out-of-range floats, are refused with promtool\'s text', () => {
    expect(() => parseStartTime('yesterday')).toThrow(new RuleTestFileError('cannot parse "yesterday" to a valid timestamp'));
    expect(() => parseStartTime('1e400')).toThrow(RuleTestFileError);
  });
});

describe('parseUnitTestFile', () => {
  it('defaults: no interval (0 = the file\'s), no start time, empty lists', () => {
    const f = parseUnitTestFile('tests:\n  - name: a\n', false);
    expect(f).toMatchObject({ ruleFiles: [], evaluationIntervalMs: 0, groupEvalOrder: [], fuzzyCompare: false });
    expect(f.tests[0]).toMatchObject({ intervalMs: 0, startTimestampMs: undefined, externalURL: '', inputSeries: [] });
  });
  it('scalars decode into strings as written (yaml.v2): values: 1 is "1", 0x10 stays "0x10"', () => {
    const f = parseUnitTestFile('tests:\n  - input_series:\n      - series: up\n        values: 1\n      - series: x\n        values: 0x10\n', false);
    expect(f.tests[0]?.inputSeries.map((s) => s.values)).toEqual(['1', '0x10']);
  });
  it('a key set twice is refused like UnmarshalStrict', () => {
    expect(() => parseUnitTestFile('tests:\n  - external_labels:\n      a: "1"\n      a: "2"\n', false)).toThrow('line 4: key "a" already set in map');
  });
});
