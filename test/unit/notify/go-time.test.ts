/**
 * Go's `time.Time` JSON (RFC 3339 with nanoseconds, trailing zeros trimmed). Expected values: the `time` package's
 * documented RFC3339Nano layout ("2006-01-02T15:04:05.999999999Z07:00": 9s drop trailing zeros) and the times a real
 * Alertmanager writes into webhook payloads (compared in test/integration/notify/).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GO_ZERO_TIME, formatGoTime } from '../../../src/notify/go-time.js';

describe('formatGoTime', () => {
  it.each([
    [Date.UTC(2026, 11, 3, 6, 50, 1, 120), '2026-12-03T06:50:01.12Z'],
    [Date.UTC(2026, 11, 3, 6, 50, 1, 0), '2026-12-03T06:50:01Z'],
    [Date.UTC(2026, 11, 3, 6, 50, 1, 1), '2026-12-03T06:50:01.001Z'],
    [Date.UTC(2026, 11, 3, 6, 50, 1, 100), '2026-12-03T06:50:01.1Z'],
    [0, '1970-01-01T00:00:00Z'],
  ])('%d → %s', (ms, text) => {
    expect(formatGoTime(ms)).toBe(text);
  });

  it('the zero time', () => {
    expect(GO_ZERO_TIME).toBe('0001-01-01T00:00:00Z');
  });

  it('parses back to the same millisecond', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4_102_444_800_000 }), (ms) => {
        expect(Date.parse(formatGoTime(ms))).toBe(ms);
      }),
    );
  });
});
