import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PromQLEvalError } from '../../../../src/errors.js';
import { LabelSet } from '../../../../src/model/labels.js';
import { goExpand } from '../../../../src/promql/functions/go-expand.js';
import { absentLabels, labelJoin, labelReplace } from '../../../../src/promql/functions/labels.js';
import { natsortLess, sortAsc, sortByLabel, sortByLabelDesc, sortDesc } from '../../../../src/promql/functions/sort.js';
import type { Vector } from '../../../../src/promql/value.js';

/** Goldens: `/work/shared/conformance/promql-3.16/functions.test` (line cited) and reference/promql.md §2.9. */
const vec = (...xs: Array<[Record<string, string>, number]>): Vector => xs.map(([l, v]) => ({ labels: LabelSet.from(l), t: 0, v }));
const recs = (v: Vector): Array<Record<string, string>> => v.map((s) => s.labels.toRecord());

const testmetric = vec(
  [{ __name__: 'testmetric', src: 'source-value-10', dst: 'original-destination-value' }, 0],
  [{ __name__: 'testmetric', src: 'source-value-20', dst: 'original-destination-value' }, 1],
);

describe('label_replace (functions.test lines 471–528)', () => {
  it.each([
    [477, 'destination-value-$1', 'src', 'source-value-(.*)', ['destination-value-10', 'destination-value-20']],
    [482, 'destination-value-$1', 'src', 'value-(.*)', ['original-destination-value', 'original-destination-value']],
    [487, '$1-value-$2', 'src', '(.*)-value-(.*)', ['source-value-10', 'source-value-20']],
    [493, 'value-$1', 'nonexistent-src', 'source-value-(.*)', ['original-destination-value', 'original-destination-value']],
    [499, 'value-$1', 'nonexistent-src', '(.*)', ['value-', 'value-']],
    [505, 'value-$1', 'src', 'non-matching-regex', ['original-destination-value', 'original-destination-value']],
  ] as const)('line %d: dst = %s from %s =~ %s', (_line, repl, src, re, want) => {
    const out = labelReplace(testmetric, 'dst', repl, src, re, '3.x');
    expect(out.map((s) => s.labels.get('dst'))).toEqual(want);
    expect(out.map((s) => s.labels.get('src'))).toEqual(['source-value-10', 'source-value-20']);
    expect(out.map((s) => s.labels.metricName)).toEqual(['testmetric', 'testmetric']);
  });

  it('line 514: an empty result deletes the label', () => {
    expect(recs(labelReplace(testmetric, 'dst', '', 'dst', '.*', '3.x'))).toEqual([
      { __name__: 'testmetric', src: 'source-value-10' },
      { __name__: 'testmetric', src: 'source-value-20' },
    ]);
  });

  it('line 519: an invalid regex fails with Go wording', () => {
    expect(() => labelReplace(testmetric, 'dst', 'value-$1', 'src', '(.*', '3.x')).toThrow(
      new PromQLEvalError('invalid regular expression in label_replace(): (.*'),
    );
  });

  it('line 523: an invalid destination label name fails', () => {
    expect(() => labelReplace(testmetric, '', '', 'src', '(.*)', '3.x')).toThrow(PromQLEvalError);
    expect(() => labelReplace(testmetric, '1a', '', 'src', '(.*)', '2.x')).toThrow(
      new PromQLEvalError('invalid destination label name in label_replace(): 1a'),
    );
  });

  it("§2.9: `$1x` is the group named 1x (empty), `${1}x` is group 1 then x (Go Regexp.Expand)", () => {
    const up = vec([{ __name__: 'up', instance: 'host:9090' }, 1]);
    expect(labelReplace(up, 'foo', '$1x', 'instance', '(.*):.*', '3.x')[0]?.labels.get('foo')).toBeUndefined();
    expect(labelReplace(up, 'foo', '${1}x', 'instance', '(.*):.*', '3.x')[0]?.labels.get('foo')).toBe('hostx');
    expect(labelReplace(up, 'foo', '$$1-${name}', 'instance', '(?P<name>.*):.*', '3.x')[0]?.labels.get('foo')).toBe('$1-host');
  });

  it("3.x anchors as ^(?s:re)$ ('.' matches a newline), 2.x as ^(?:re)$", () => {
    const nl = vec([{ __name__: 'x', l: 'a\nb' }, 1]);
    expect(labelReplace(nl, 'm', 'yes', 'l', 'a.b', '3.x')[0]?.labels.get('m')).toBe('yes');
    expect(labelReplace(nl, 'm', 'yes', 'l', 'a.b', '2.x')[0]?.labels.get('m')).toBeUndefined();
  });
});

describe("goExpand (Go's regexp.Expand)", () => {
  const groups = ['whole', 'one', undefined];
  const expand = (t: string): string => goExpand(t, (i) => groups[i], (n) => (n === 'named' ? 1 : -1));
  it.each([
    ['$1', 'one'],
    ['${1}', 'one'],
    ['$1x', ''],
    ['$01', ''],
    ['$2', ''],
    ['$9', ''],
    ['$named', 'one'],
    ['${named}!', 'one!'],
    ['$', '$'],
    ['a$', 'a$'],
    ['${1', '${1'],
    ['$$', '$'],
    ['$-', '$-'],
    ['$0', 'whole'],
  ])('%s → %s', (t, want) => {
    expect(expand(t)).toBe(want);
  });
  it('never throws and keeps text without $ as is (fuzz)', () => {
    fc.assert(fc.property(fc.string(), (t) => typeof expand(t) === 'string' && (t.includes('$') || expand(t) === t)));
  });
});

describe('label_join (functions.test lines 554–593)', () => {
  const m = vec(
    [{ __name__: 'testmetric', src: 'a', src1: 'b', src2: 'c', dst: 'original-destination-value' }, 0],
    [{ __name__: 'testmetric', src: 'd', src1: 'e', src2: 'f', dst: 'original-destination-value' }, 1],
  );
  it('line 562: joins in order', () => {
    expect(labelJoin(m, 'dst', '-', ['src', 'src1', 'src2'], '3.x').map((s) => s.labels.get('dst'))).toEqual(['a-b-c', 'd-e-f']);
  });
  it('line 567: absent sources are empty strings', () => {
    expect(labelJoin(m, 'dst', '-', ['src', 'src3', 'src1'], '3.x').map((s) => s.labels.get('dst'))).toEqual(['a--b', 'd--e']);
  });
  it('lines 572 and 577: an empty join deletes dst', () => {
    expect(labelJoin(m, 'dst', '', ['emptysrc', 'emptysrc1'], '3.x').map((s) => s.labels.get('dst'))).toEqual([undefined, undefined]);
    expect(labelJoin(m, 'dst', ', ', [], '3.x').map((s) => s.labels.get('dst'))).toEqual([undefined, undefined]);
  });
});

describe('absent labels (functions.test lines 2018–2030; §2.9)', () => {
  it('equality matchers only, a label matched twice left out, __name__ skipped', () => {
    expect(absentLabels([{ name: '__name__', type: '=', value: 'nonexistent' }]).toRecord()).toEqual({});
    expect(
      absentLabels([
        { name: '__name__', type: '=', value: 'nonexistent' },
        { name: 'job', type: '=', value: 'testjob' },
        { name: 'instance', type: '=', value: 'testinstance' },
        { name: 'method', type: '=~', value: '.x' },
      ]).toRecord(),
    ).toEqual({ instance: 'testinstance', job: 'testjob' });
    expect(
      absentLabels([
        { name: 'job', type: '=', value: 'testjob' },
        { name: 'job', type: '=', value: 'testjob2' },
        { name: 'foo', type: '=', value: 'bar' },
      ]).toRecord(),
    ).toEqual({ foo: 'bar' });
    expect(absentLabels(undefined).toRecord()).toEqual({});
  });
});

describe('sorts (functions.test lines 740–860)', () => {
  const hr = vec(
    [{ group: 'production', instance: '0', job: 'api-server' }, 100],
    [{ group: 'production', instance: '1', job: 'api-server' }, 200],
    [{ group: 'canary', instance: '0', job: 'api-server' }, 300],
    [{ group: 'canary', instance: '1', job: 'api-server' }, 400],
    [{ group: 'canary', instance: '2', job: 'api-server' }, NaN],
    [{ group: 'production', instance: '0', job: 'app-server' }, 500],
    [{ group: 'production', instance: '1', job: 'app-server' }, 600],
    [{ group: 'canary', instance: '0', job: 'app-server' }, 700],
    [{ group: 'canary', instance: '1', job: 'app-server' }, 800],
    [{ group: 'production', instance: '2', job: 'api-server' }, 100],
  );
  it('sort: ascending, NaN last; sort_desc: descending, NaN last', () => {
    expect(sortAsc(hr).map((s) => s.v)).toEqual([100, 100, 200, 300, 400, 500, 600, 700, 800, NaN]);
    expect(sortDesc(hr).map((s) => s.v)).toEqual([800, 700, 600, 500, 400, 300, 200, 100, 100, NaN]);
  });
  it('line 789: sort_by_label(instance), ties by the whole label set', () => {
    expect(sortByLabel(hr, ['instance']).map((s) => s.v)).toEqual([300, 700, 100, 500, 400, 800, 200, 600, NaN, 100]);
  });
  it('line 841ff: sort_by_label_desc(instance, group)', () => {
    expect(sortByLabelDesc(hr, ['instance', 'group']).map((s) => s.v)).toEqual([100, NaN, 600, 200, 800, 400, 500, 100, 700, 300]);
  });
  it('line 867ff: natural order of numbers inside values', () => {
    const cpus = ['0', '1', '2', '3', '10', '11', '12', '20', '21', '100'];
    const shuffled = vec(...[...cpus].reverse().map((c): [Record<string, string>, number] => [{ cpu: c, job: 'cpu' }, 100]));
    expect(sortByLabel(shuffled, ['cpu']).map((s) => s.labels.get('cpu'))).toEqual(cpus);
    const inst = vec([{ instance: '4m600' }, 1], [{ instance: '4m5' }, 1], [{ instance: '4m1000' }, 1]);
    expect(sortByLabel(inst, ['instance']).map((s) => s.labels.get('instance'))).toEqual(['4m5', '4m600', '4m1000']);
  });
  it('natsort.Compare edge cases (facette/natsort)', () => {
    expect(natsortLess('a', 'a')).toBe(true); // Go returns true for equal single chunks.
    expect(natsortLess('a1', 'a01')).toBe(true);
    expect(natsortLess('', 'a')).toBe(false);
    expect(natsortLess('99999999999999999999', '1')).toBe(false); // beyond int64: compared as strings
  });
});
