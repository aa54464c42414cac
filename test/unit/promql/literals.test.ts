/**
 * The literal decoders on their own: Go's strconv.ParseInt/ParseFloat as parse.go's `number` uses them,
 * strutil.Unquote, model.ParseDuration. Expected values follow Go's documented behaviour (and the v0.316.0 parser
 * through fixtures/golden-gen where a whole query shows it).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { goQuote } from '../../../src/promql/parser/lexer.js';
import { LiteralError, parseDurationMs, parseNumber, unquoteString } from '../../../src/promql/parser/literals.js';
import { formatFixed } from '../../../src/promql/parser/printer.js';

describe('parseNumber (ParseInt base 0, then ParseFloat)', () => {
  it.each([
    ['0', 0],
    ['0x1f', 31],
    ['0XFF', 255],
    ['0x_1f', 31],
    ['0o17', 15],
    ['0b101', 5],
    ['010', 8],
    ['0777', 511],
    ['08', 8],
    ['09.5', 9.5],
    ['1_000', 1000],
    ['1_000.000_1', 1000.0001],
    ['.5', 0.5],
    ['5.', 5],
    ['1e3', 1000],
    ['1E-3', 0.001],
    ['9223372036854775807', 9223372036854775807],
    // Beyond int64 ParseInt fails with a range error and ParseFloat reads the digits as decimal, octal prefix or not.
    ['09223372036854775808', 9223372036854775808],
    ['inf', Infinity],
    ['Infinity', Infinity],
    ['NaN', NaN],
  ])('%s = %d', (text, value) => {
    expect(parseNumber(text)).toBe(value);
  });

  it.each([
    ['1__0'],
    ['_1'],
    ['1_'],
    ['0x'],
    ['0xfffffffffffffffffff'],
    ['1e400'],
    ['1.2.3'],
  ])('%s is refused', (text) => {
    expect(() => parseNumber(text)).toThrow(LiteralError);
  });

  it('out-of-range floats say so, like ParseFloat', () => {
    expect(() => parseNumber('1e400')).toThrow('error parsing number: strconv.ParseFloat: parsing "1e400": value out of range');
  });

  it('integers and floats read back what String() wrote', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), (n) => parseNumber(String(n)) === n));
    fc.assert(fc.property(fc.double({ min: 1e-300, max: 1e300, noNaN: true }), (v) => parseNumber(String(v)) === v));
  });
});

describe('parseDurationMs (model.ParseDuration)', () => {
  it.each([
    ['1ms', 1],
    ['15s', 15_000],
    ['1h30m', 5_400_000],
    ['1y2w3d4h5m6s7ms', 365 * 86_400_000 + 14 * 86_400_000 + 3 * 86_400_000 + 4 * 3_600_000 + 5 * 60_000 + 6000 + 7],
    ['0', 0],
  ])('%s = %d ms', (text, ms) => {
    expect(parseDurationMs(text)).toBe(ms);
  });

  it.each([
    ['30m1h', 'not a valid duration string: "30m1h"'],
    ['1m1m', 'not a valid duration string: "1m1m"'],
    ['1.5m', 'unknown unit "." in duration "1.5m"'],
    ['5y1hs', 'unknown unit "hs" in duration "5y1hs"'],
    ['m', 'not a valid duration string: "m"'],
    ['5', 'not a valid duration string: "5"'],
    ['300y', 'duration out of range'],
    ['', 'empty duration string'],
  ])('%s: %s', (text, message) => {
    expect(() => parseDurationMs(text)).toThrow(message);
  });
});

describe('unquoteString (strutil.Unquote)', () => {
  it.each([
    ['"abc"', 'abc'],
    ["'abc'", 'abc'],
    ['`a\\nb`', 'a\\nb'],
    [String.raw`"\a\b\f\n\r\t\v\\"`, '\x07\b\f\n\r\t\v\\'],
    [String.raw`"\x41\101\u00e9\U0001F600"`, 'AAé😀'],
    [String.raw`"\xc3\xa9"`, 'é'],
    [String.raw`"\""`, '"'],
    [String.raw`'\''`, "'"],
    ['"é😀"', 'é😀'],
  ])('%s', (token, value) => {
    expect(unquoteString(token)).toBe(value);
  });

  it.each([
    [String.raw`"\'"`],
    [String.raw`'\"'`],
    [String.raw`"\q"`],
    [String.raw`"\400"`],
    [String.raw`"\x4"`],
    [String.raw`"\U00110000"`],
    ['"a\nb"'],
    ['"abc'],
    ['`a`b`'],
    ['"'],
  ])('%s is refused', (token) => {
    expect(() => unquoteString(token)).toThrow(LiteralError);
  });

  it('a byte escape that is not UTF-8 decodes to U+FFFD (Go keeps the raw byte; JavaScript strings cannot)', () => {
    expect(unquoteString(String.raw`"\xff"`)).toBe('\ufffd');
  });

  it("unquotes Go's %q of any well-formed string", () => {
    const text = fc.string({ unit: 'grapheme', maxLength: 30 });
    fc.assert(fc.property(text, (s) => unquoteString(goQuote(s)) === s));
  });
});

describe("formatFixed (strconv.FormatFloat(v, 'f', -1, 64))", () => {
  it.each([
    [0, '0'],
    [-0, '-0'],
    [1e21, '1000000000000000000000'],
    [1.5e-7, '0.00000015'],
    [123.456, '123.456'],
    [-2.5, '-2.5'],
    [NaN, 'NaN'],
    [Infinity, '+Inf'],
    [-Infinity, '-Inf'],
  ])('%d → %s', (v, text) => {
    expect(formatFixed(v)).toBe(text);
  });

  it('reads back to the same float', () => {
    fc.assert(fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (v) => Object.is(Number(formatFixed(v)), v)));
  });
});
