import { describe, expect, it } from 'vitest';
import { LabelSet, labelSet } from '../../../src/model/labels.js';
import { COLLIDING_VALUES as COLLIDING } from '../../support/colliding-labels.js';

describe('LabelSet', () => {
  it('keys as name\\0value\\0… in name order, built on first use', () => {
    const l = LabelSet.from({ x: '1', __name__: 'm', a: '2' });
    expect(l.key).toBe(['__name__', 'm', 'a', '2', 'x', '1', ''].join('\0'));
    expect(l.key).toBe(l.key);
    expect(LabelSet.from({}).key).toBe('');
  });

  it('hashes and compares equal label sets alike, whatever the order they were given in', () => {
    const a = LabelSet.from({ __name__: 'm', job: 'j', instance: 'i' });
    const b = LabelSet.from({ instance: 'i', job: 'j', __name__: 'm' });
    expect(a.hash).toBe(b.hash);
    expect(a.equals(b)).toBe(true);
    expect(Number.isInteger(a.hash) && a.hash !== 0).toBe(true);
  });

  it('tells apart sets that differ in a value, a name, or the number of labels', () => {
    const base = labelSet('m', { a: '1', b: '2' });
    expect(base.equals(labelSet('m', { a: '1', b: '3' }))).toBe(false);
    expect(base.equals(labelSet('m', { a: '1', c: '2' }))).toBe(false);
    expect(base.equals(labelSet('m', { a: '1' }))).toBe(false);
    // the separator keeps `ab`+`c` apart from `a`+`bc`
    expect(labelSet('m', { a: 'bc' }).hash).not.toBe(labelSet('m', { ab: 'c' }).hash);
  });

  it('may hash different sets alike, which equals() tells apart', () => {
    const [x, y] = COLLIDING.map((v) => labelSet('m', { x: v }));
    expect(x?.hash).toBe(y?.hash);
    expect(x?.equals(y as LabelSet)).toBe(false);
    expect(x?.key).not.toBe(y?.key);
  });

  it('withValues keeps the names and takes the new values', () => {
    const l = labelSet('m', { a: '1' });
    const w = l.withValues(['m', '2']);
    expect(w.names).toBe(l.names);
    expect(w.toRecord()).toEqual({ __name__: 'm', a: '2' });
    expect(w.equals(labelSet('m', { a: '2' }))).toBe(true);
  });
});
