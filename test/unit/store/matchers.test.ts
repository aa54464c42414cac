import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidMatcherError } from '../../../src/errors.js';
import { compileMatcher } from '../../../src/store/matchers.js';
import type { MatchOp } from '../../../src/store/types.js';

const m = (op: MatchOp, value: string) => compileMatcher({ name: 'l', op, value });

describe('compileMatcher', () => {
  it('equality and inequality', () => {
    expect(m('=', 'a').matches('a')).toBe(true);
    expect(m('=', 'a').matches('ab')).toBe(false);
    expect(m('=', '').matchesEmpty).toBe(true);
    expect(m('!=', 'a').matches('b')).toBe(true);
    expect(m('!=', 'a').matchesEmpty).toBe(true);
    expect(m('!=', '').matchesEmpty).toBe(false);
  });

  it('regexes are fully anchored RE2 with . matching newline', () => {
    expect(m('=~', 'a.c').matches('abc')).toBe(true);
    expect(m('=~', 'a.c').matches('xabc')).toBe(false);
    expect(m('=~', 'a.c').matches('abcx')).toBe(false);
    expect(m('=~', 'a.c').matches('a\nc')).toBe(true);
    expect(m('=~', 'a|b').matches('ab')).toBe(false);
    expect(m('=~', 'a|b').matches('b')).toBe(true);
    expect(m('=~', '(?i)abc').matches('ABC')).toBe(true);
    expect(m('=~', '[[:digit:]]+').matches('123')).toBe(true);
    expect(m('=~', '\\d+\\.\\d+').matches('1.5')).toBe(true);
    expect(m('=~', '.').matches('ü')).toBe(true);
    expect(m('=~', '.').matches('😀')).toBe(true);
    expect(m('!~', 'a.*').matches('abc')).toBe(false);
    expect(m('!~', 'a.*').matchesEmpty).toBe(true);
    expect(m('=~', 'a*').matchesEmpty).toBe(true);
    expect(m('=~', 'a+').matchesEmpty).toBe(false);
    expect(m('=~', '').matches('')).toBe(true);
    expect(m('=~', '').matches('a')).toBe(false);
    expect(m('=~', 'a|').matchesEmpty).toBe(true);
  });

  it('fast paths agree with the general regex engine', () => {
    const words = fc.stringMatching(/^[a-c]{0,3}$/);
    fc.assert(
      fc.property(fc.array(words, { minLength: 1, maxLength: 4 }), words, (alts, input) => {
        const pattern = alts.join('|');
        // `(?:…)` defeats the fast paths, so this runs on re2js
        expect(m('=~', pattern).matches(input)).toBe(m('=~', `(?:${pattern})`).matches(input));
      }),
    );
    for (const p of ['.*', '.+']) {
      for (const v of ['', 'a', '\n', 'ab\ncd']) expect(m('=~', p).matches(v)).toBe(m('=~', `(?:${p})`).matches(v));
    }
  });

  it('throws InvalidMatcherError with code and matcher text', () => {
    for (const bad of ['(', '[', 'a)(b', '*', 'x{2,1}', '\\8']) {
      expect(() => m('=~', bad), bad).toThrow(InvalidMatcherError);
    }
    try {
      m('!~', '(');
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(InvalidMatcherError);
      expect((err as InvalidMatcherError).code).toBe('FPB_ERR_INVALID_MATCHER');
      expect((err as InvalidMatcherError).message).toContain('l!~"("');
    }
  });
});
