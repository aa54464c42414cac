/**
 * The relabel engine against a table of Prometheus's own relabel semantics: the cases below are taken from
 * prometheus/prometheus v0.316.0 `model/relabel/relabel_test.go` (`TestRelabel`), inputs and expected outputs as
 * written there, plus properties over random label sets (fast-check).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RELABEL_DEFAULTS, compileRelabel, relabel, type RelabelConfig } from '../../../src/model/relabel.js';

const rule = (r: Partial<RelabelConfig>): RelabelConfig => ({
  sourceLabels: [],
  separator: RELABEL_DEFAULTS.separator,
  regex: RELABEL_DEFAULTS.regex,
  modulus: 0,
  targetLabel: '',
  replacement: RELABEL_DEFAULTS.replacement,
  action: 'replace',
  ...r,
});
const run = (input: Record<string, string>, rules: Partial<RelabelConfig>[]) => {
  const out = relabel(input, rules.map((r) => compileRelabel(rule(r))));
  return out === undefined ? 'drop' : { ...out };
};

const TABLE: [string, Record<string, string>, Partial<RelabelConfig>[], Record<string, string> | 'drop'][] = [
  ['replace with ${1}', { a: 'foo', b: 'bar', c: 'baz' }, [{ sourceLabels: ['a'], regex: 'f(.*)', targetLabel: 'd', replacement: 'ch${1}-ch${1}' }], { a: 'foo', b: 'bar', c: 'baz', d: 'choo-choo' }],
  ['two replaces, separator, $1$2$2$3', { a: 'foo', b: 'bar', c: 'baz' }, [
    { sourceLabels: ['a', 'b'], regex: 'f(.*);(.*)r', targetLabel: 'a', replacement: 'b${1}${2}m' },
    { sourceLabels: ['c', 'a'], regex: '(b).*b(.*)ba(.*)', targetLabel: 'd', replacement: '$1$2$2$3' },
  ], { a: 'boobam', b: 'bar', c: 'baz', d: 'boooom' }],
  ['drop stops', { a: 'foo' }, [{ sourceLabels: ['a'], regex: '.*o.*', action: 'drop' }, { sourceLabels: ['a'], regex: 'f(.*)', targetLabel: 'd', replacement: 'ch$1-ch$1' }], 'drop'],
  ['drop', { a: 'foo', b: 'bar' }, [{ sourceLabels: ['a'], regex: '.*o.*', action: 'drop' }], 'drop'],
  ['replace is anchored', { a: 'abc' }, [{ sourceLabels: ['a'], regex: '.*(b).*', targetLabel: 'd', replacement: '$1' }], { a: 'abc', d: 'b' }],
  ['keep non-match drops', { a: 'foo' }, [{ sourceLabels: ['a'], regex: 'no-match', action: 'keep' }], 'drop'],
  ['keep is anchored', { a: 'foo' }, [{ sourceLabels: ['a'], regex: 'f|o', action: 'keep' }], 'drop'],
  ['keep match', { a: 'foo' }, [{ sourceLabels: ['a'], regex: 'f.*', action: 'keep' }], { a: 'foo' }],
  ['no match, no change', { a: 'boo' }, [{ sourceLabels: ['a'], regex: 'f', targetLabel: 'b', replacement: 'bar' }], { a: 'boo' }],
  ['blank replacement deletes', { a: 'foo', f: 'baz' }, [{ sourceLabels: ['a'], regex: '(f).*', targetLabel: '$1', replacement: '$2' }], { a: 'foo' }],
  ['target from a group', { a: 'some-name-value' }, [{ sourceLabels: ['a'], regex: 'some-([^-]+)-([^,]+)', replacement: '${2}', targetLabel: '${1}' }], { a: 'some-name-value', name: 'value' }],
  ['missing group is empty', { a: 'some-name-value' }, [{ sourceLabels: ['a'], regex: 'some-([^-]+)-([^,]+)', replacement: '${3}', targetLabel: '${1}' }], { a: 'some-name-value' }],
  ['invalid target name: no change', { a: 'some-name-0' }, [{ sourceLabels: ['a'], regex: 'some-([^-]+)-([^,]+)', replacement: '${1}', targetLabel: '${3}' }], { a: 'some-name-0' }],
  ['hashmod', { a: 'foo', b: 'bar', c: 'baz' }, [{ sourceLabels: ['c'], targetLabel: 'd', action: 'hashmod', modulus: 1000 }], { a: 'foo', b: 'bar', c: 'baz', d: '976' }],
  ['hashmod, newline', { a: 'foo\nbar' }, [{ sourceLabels: ['a'], targetLabel: 'b', action: 'hashmod', modulus: 1000 }], { a: 'foo\nbar', b: '734' }],
  ['labelmap', { a: 'foo', b1: 'bar', b2: 'baz' }, [{ regex: '(b.*)', replacement: 'bar_${1}', action: 'labelmap' }], { a: 'foo', b1: 'bar', b2: 'baz', bar_b1: 'bar', bar_b2: 'baz' }],
  ['labelmap __meta', { __meta_my_bar: 'aaa', __meta_my_baz: 'bbb', __meta_other: 'ccc' }, [{ regex: '__meta_(my.*)', replacement: '${1}', action: 'labelmap' }], { __meta_my_bar: 'aaa', __meta_my_baz: 'bbb', __meta_other: 'ccc', my_bar: 'aaa', my_baz: 'bbb' }],
  ['labeldrop', { a: 'foo', b: 'bar', c: 'baz' }, [{ regex: 'a|b', action: 'labeldrop' }], { c: 'baz' }],
  ['labelkeep', { a: 'foo', b: 'bar', c: 'baz' }, [{ regex: 'a|b', action: 'labelkeep' }], { a: 'foo', b: 'bar' }],
  ['upper and lower', { foo: 'bAr123Foo' }, [{ sourceLabels: ['foo'], action: 'uppercase', targetLabel: 'foo_uppercase' }, { sourceLabels: ['foo'], action: 'lowercase', targetLabel: 'foo_lowercase' }], { foo: 'bAr123Foo', foo_lowercase: 'bar123foo', foo_uppercase: 'BAR123FOO' }],
  ['keepequal keeps', { __tmp_port: '1234', __port1: '1234', __port2: '5678' }, [{ sourceLabels: ['__tmp_port'], action: 'keepequal', targetLabel: '__port1' }], { __tmp_port: '1234', __port1: '1234', __port2: '5678' }],
  ['dropequal drops', { __tmp_port: '1234', __port1: '1234', __port2: '5678' }, [{ sourceLabels: ['__tmp_port'], action: 'dropequal', targetLabel: '__port1' }], 'drop'],
  ['keepequal drops', { __tmp_port: '1234', __port1: '1234', __port2: '5678' }, [{ sourceLabels: ['__tmp_port'], action: 'keepequal', targetLabel: '__port2' }], 'drop'],
  ['dot matches newline ((?s) like Prometheus)', { a: 'x\ny' }, [{ sourceLabels: ['a'], regex: 'x.y', action: 'keep' }], { a: 'x\ny' }],
  ['$1x is the group named 1x (Go ExpandString): empty, label deleted', { a: 'foo' }, [{ sourceLabels: ['a'], regex: '(f)oo', targetLabel: 'b', replacement: '$1x' }], { a: 'foo' }],
  ['$$ is a dollar', { a: 'foo' }, [{ sourceLabels: ['a'], regex: '(f)oo', targetLabel: 'b', replacement: '$$${1}' }], { a: 'foo', b: '$f' }],
  ['named groups', { a: 'foo-bar' }, [{ sourceLabels: ['a'], regex: '(?P<x>[a-z]+)-(?P<y>[a-z]+)', targetLabel: 'b', replacement: '${y}.${x}' }], { a: 'foo-bar', b: 'bar.foo' }],
];

describe('write_relabel_configs: Prometheus relabel_test.go table', () => {
  it.each(TABLE)('%s', (_name, input, rules, expected) => {
    expect(run(input, rules)).toEqual(expected);
  });
});

const nameArb = fc.stringMatching(/^[a-z_][a-z0-9_]{0,5}$/);
const labelsArb = fc.dictionary(nameArb, fc.string({ minLength: 1, maxLength: 6 }), { minKeys: 1, maxKeys: 5 });
const regexArb = fc.constantFrom('.*', 'a.*', '(a|b)', '[a-c]+', 'x?', '.+_.+', '(.*)');

describe('relabel properties', () => {
  it('keep and drop with the same regex partition every input', () => {
    fc.assert(
      fc.property(labelsArb, fc.array(nameArb, { maxLength: 3 }), regexArb, (labels, sources, regex) => {
        const kept = run(labels, [{ sourceLabels: sources, regex, action: 'keep' }]) !== 'drop';
        const dropped = run(labels, [{ sourceLabels: sources, regex, action: 'drop' }]) === 'drop';
        expect(kept).toBe(dropped);
      }),
    );
  });

  it('labeldrop and labelkeep with the same regex split the label set', () => {
    fc.assert(
      fc.property(labelsArb, regexArb, (labels, regex) => {
        const a = run(labels, [{ regex, action: 'labeldrop' }]);
        const b = run(labels, [{ regex, action: 'labelkeep' }]);
        const merged = { ...(a === 'drop' ? {} : a), ...(b === 'drop' ? {} : b) };
        expect(merged).toEqual(labels);
      }),
    );
  });

  it('the default replace copies the joined source values; hashmod stays below the modulus', () => {
    fc.assert(
      fc.property(labelsArb, fc.array(nameArb, { minLength: 1, maxLength: 3 }), fc.integer({ min: 1, max: 1e9 }), (labels, sources, modulus) => {
        const joined = sources.map((s) => labels[s] ?? '').join(';');
        const out = run(labels, [{ sourceLabels: sources, targetLabel: 'zz_t' }]);
        if (joined !== '') expect(out === 'drop' ? undefined : out['zz_t']).toBe(joined);
        const h = run(labels, [{ sourceLabels: sources, targetLabel: 'zz_h', action: 'hashmod', modulus }]);
        expect(h === 'drop' ? -1 : Number(h['zz_h'])).toBeLessThan(modulus);
      }),
    );
  });
});
