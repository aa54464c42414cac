import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatDuration, MAX_DURATION_MS, parseDuration } from '../../../src/config/duration.js';
import { ConfigError } from '../../../src/errors.js';

describe('parseDuration', () => {
  it.each([
    ['0', 0],
    ['0s', 0],
    ['250ms', 250],
    ['15s', 15_000],
    ['5m', 300_000],
    ['1h30m', 5_400_000],
    ['1d', 86_400_000],
    ['2w', 14 * 86_400_000],
    ['1y', 365 * 86_400_000],
    ['1y2w3d4h5m6s7ms', 365 * 86_400_000 + 14 * 86_400_000 + 3 * 86_400_000 + 4 * 3_600_000 + 5 * 60_000 + 6_000 + 7],
    ['90s', 90_000],
    ['007s', 7_000],
  ])('%s → %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', '1', '-1s', '1.5s', '1m1h', '1s1s', ' 1s', '1s ', '1S', '1sec', 'ms', '1µs', '1ns', '1us', '+1s', 'abc'])(
    'rejects %j with a ConfigError',
    (text) => {
      expect(() => parseDuration(text)).toThrow(ConfigError);
      try {
        parseDuration(text);
      } catch (err) {
        expect((err as ConfigError).code).toBe('FPB_ERR_CONFIG');
      }
    },
  );

  it('rejects durations beyond ~292 years', () => {
    expect(() => parseDuration('300y')).toThrow(/out of range/);
    expect(() => parseDuration('99999999999999999999s')).toThrow(/out of range/);
    expect(parseDuration('292y')).toBe(292 * 365 * 86_400_000);
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [250, '250ms'],
    [60_000, '1m'],
    [90_000, '1m30s'],
    [86_400_000 * 90, '90d'],
    [86_400_000 * 14, '2w'],
    [86_400_000 * 365, '1y'],
    [3_600_000 + 1, '1h1ms'],
  ])('%d ms → %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('throws RangeError for non-durations', () => {
    expect(() => formatDuration(-1)).toThrow(RangeError);
    expect(() => formatDuration(1.5)).toThrow(RangeError);
    expect(() => formatDuration(MAX_DURATION_MS + 1)).toThrow(RangeError);
  });
});

describe('duration properties', () => {
  const ms = fc.integer({ min: 0, max: MAX_DURATION_MS });

  it('parse(format(ms)) === ms', () => {
    fc.assert(fc.property(ms, (n) => parseDuration(formatDuration(n)) === n));
  });

  it('format is a normal form: format(parse(format(ms))) === format(ms)', () => {
    fc.assert(fc.property(ms, (n) => formatDuration(parseDuration(formatDuration(n))) === formatDuration(n)));
  });

  it('any text in the grammar parses to the sum of its parts', () => {
    const units = [
      ['y', 365 * 86_400_000],
      ['w', 7 * 86_400_000],
      ['d', 86_400_000],
      ['h', 3_600_000],
      ['m', 60_000],
      ['s', 1000],
      ['ms', 1],
    ] as const;
    const parts = fc.tuple(...units.map(() => fc.option(fc.integer({ min: 0, max: 50 }), { nil: undefined })));
    fc.assert(
      fc.property(parts, (amounts) => {
        let text = '';
        let total = 0;
        amounts.forEach((a, i) => {
          if (a === undefined) return;
          const [unit, mult] = units[i] as (typeof units)[number];
          text += `${a}${unit}`;
          total += a * mult;
        });
        if (text === '') return true;
        return parseDuration(text) === total;
      }),
    );
  });

  it('arbitrary strings either parse or throw ConfigError, nothing else', () => {
    const alphabet = fc.constantFrom(...'0123456789ymwdhs.-+ µnu'.split(''));
    const texts = fc.oneof(fc.string(), fc.string({ unit: alphabet, maxLength: 30 }));
    fc.assert(
      fc.property(texts, (text) => {
        try {
          const n = parseDuration(text);
          return Number.isInteger(n) && n >= 0 && n <= MAX_DURATION_MS;
        } catch (err) {
          return err instanceof ConfigError;
        }
      }),
      { numRuns: 2000 },
    );
  });
});
