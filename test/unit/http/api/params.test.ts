import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDurationParam, parseLimit, parseTime, timeoutParam } from '../../../../src/http/api/params.js';
import { jsonTimestamp, jsonPoint } from '../../../../src/http/api/response.js';

describe('API parameters (web/api/v1/api.go parseTime/parseDuration)', () => {
  it('reads float seconds, rounded to the millisecond', () => {
    expect(parseTime('1435781451.781')).toBe(1435781451781);
    expect(parseTime('1435781451')).toBe(1435781451000);
    // 1.0005 − 1 is 0.000499… in float64: Go's Round gives 0 too
    expect(parseTime('1.0005')).toBe(1000);
    expect(parseTime('1.0006')).toBe(1001);
    // a half rounds away from zero as Go's math.Round
    expect(parseTime('-0.0005')).toBe(-1);
    expect(parseTime('-1.5')).toBe(-1500);
    expect(parseTime('1e3')).toBe(1_000_000);
  });
  it('reads RFC3339 with and without fractions and offsets', () => {
    expect(parseTime('2015-07-01T20:10:51.781Z')).toBe(1435781451781);
    expect(parseTime('2015-07-01T22:10:51+02:00')).toBe(1435781451000);
  });
  it('refuses anything else with Prometheus wording', () => {
    expect(() => parseTime('now')).toThrow('cannot parse "now" to a valid timestamp');
    expect(() => parseTime('')).toThrow('cannot parse "" to a valid timestamp');
    expect(() => parseTime('2015-07-01')).toThrow('to a valid timestamp');
  });
  it('reads durations as float seconds or Prometheus durations', () => {
    expect(parseDurationParam('15')).toBe(15_000);
    expect(parseDurationParam('0.5')).toBe(500);
    expect(parseDurationParam('1m30s')).toBe(90_000);
    expect(parseDurationParam('250ms')).toBe(250);
    expect(() => parseDurationParam('1x')).toThrow('cannot parse "1x" to a valid duration');
    expect(() => parseDurationParam('1e300')).toThrow('It overflows int64');
  });
  it('limit: non-negative integers, 0 = none', () => {
    expect(parseLimit(undefined)).toBe(0);
    expect(parseLimit('')).toBe(0);
    expect(parseLimit('7')).toBe(7);
    expect(() => parseLimit('-1')).toThrow('limit must be non-negative');
    expect(() => parseLimit('a')).toThrow('invalid parameter "limit"');
  });
  it('timeout: capped by query.timeout, must be positive', () => {
    expect(timeoutParam(undefined, 120_000)).toBe(120_000);
    expect(timeoutParam('5s', 120_000)).toBe(5_000);
    expect(timeoutParam('1h', 120_000)).toBe(120_000);
    expect(() => timeoutParam('0', 120_000)).toThrow('timeout must be positive');
  });
  it('float seconds round-trip through the JSON timestamp encoding (fuzzed)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e13, max: 1e13 }), (ms) => {
        expect(parseTime(jsonTimestamp(ms))).toBe(ms);
      }),
    );
  });
  it('encodes points as Prometheus does: seconds with ms decimals, Go-formatted value strings', () => {
    expect(jsonPoint(1435781451781, 1)).toBe('[1435781451.781,"1"]');
    expect(jsonPoint(1435781451500, 0.1)).toBe('[1435781451.5,"0.1"]');
    expect(jsonPoint(1000, 1e21)).toBe('[1,"1000000000000000000000"]');
    expect(jsonPoint(1005, NaN)).toBe('[1.005,"NaN"]');
    expect(jsonPoint(0, -Infinity)).toBe('[0,"-Inf"]');
    expect(jsonTimestamp(-1500)).toBe('-1.5');
  });
});

describe('error types (returnAPIError / getDefaultErrorCode)', () => {
  it('maps our typed errors to Prometheus errorType and status', async () => {
    const { errorTypeOf, API_ERROR_STATUS } = await import('../../../../src/http/api/response.js');
    const e = await import('../../../../src/errors.js');
    const cases: [unknown, string, number][] = [
      [new e.ApiBadDataError('x'), 'bad_data', 400],
      [new e.PromQLEvalError('x'), 'execution', 422],
      [new e.PromQLTooManySamplesError('x'), 'execution', 422],
      [new e.PromQLTimeoutError('x'), 'timeout', 503],
      [new e.PromQLCanceledError('x'), 'canceled', 499],
      [new Error('bug'), 'internal', 500],
    ];
    for (const [err, type, status] of cases) {
      expect(errorTypeOf(err)).toBe(type);
      expect(API_ERROR_STATUS[errorTypeOf(err)]).toBe(status);
    }
  });
});
