/** `parseGoDuration` against prometheus/common v0.72.1 `model/time_test.go` (TestParseDuration, TestParseBadDuration). */
import { describe, expect, it } from 'vitest';
import { goQuote, parseGoDuration } from '../../../../src/rules/file/go-duration.js';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

describe('parseGoDuration (model.ParseDuration)', () => {
  it.each([
    ['0', 0],
    ['0w', 0],
    ['0s', 0],
    ['324ms', 324],
    ['3s', 3 * S],
    ['5m', 5 * M],
    ['1h', H],
    ['4d', 4 * D],
    ['4d1h', 4 * D + H],
    ['14d', 14 * D],
    ['3w', 21 * D],
    ['3w2d1h', 21 * D + 2 * D + H],
    ['10y', 3650 * D],
  ])('%s → %d ms (TestParseDuration)', (input, ms) => {
    expect(parseGoDuration(input)).toEqual({ ok: true, ms });
  });

  it.each(['1', '1y1m1d', '1.5d', 'd', '294y', '200y10400w', '107675d', '2584200h', '', '-3s'])('%j is an error (TestParseBadDuration)', (input) => {
    expect(parseGoDuration(input).ok).toBe(false);
  });

  it('words errors like Go (texts as promtool 3.16 prints them)', () => {
    expect(parseGoDuration('')).toEqual({ ok: false, error: 'empty duration string' });
    expect(parseGoDuration('5')).toEqual({ ok: false, error: 'not a valid duration string: "5"' });
    expect(parseGoDuration('1x')).toEqual({ ok: false, error: 'unknown unit "x" in duration "1x"' });
    expect(parseGoDuration('1h1h')).toEqual({ ok: false, error: 'not a valid duration string: "1h1h"' });
    expect(parseGoDuration('99999999999y')).toEqual({ ok: false, error: 'duration out of range' });
  });

  it('goQuote escapes like strconv.Quote (promtool: group "a\\x01b", rule 1, "r\\tx")', () => {
    expect(goQuote('a\u0001b')).toBe('"a\\x01b"');
    expect(goQuote('r\tx')).toBe('"r\\tx"');
    expect(goQuote('strawberry{flavor="sweet"}')).toBe('"strawberry{flavor=\\"sweet\\"}"');
    expect(goQuote('ünï 😀')).toBe('"ünï 😀"');
  });
});
