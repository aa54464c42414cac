import { describe, expect, it } from 'vitest';
import { ExceptionTracker } from '../../../../src/sources/flink/exception-tracker.js';

const history = (...timestamps: (number | undefined)[]) => ({ exceptionHistory: { entries: timestamps.map((timestamp) => ({ timestamp })) } });

describe('ExceptionTracker', () => {
  it('counts entries newer than the newest seen, also across a rotated history', () => {
    const t = new ExceptionTracker();
    expect(t.observe('j', history(1, 2), 0)).toBe(2);
    expect(t.observe('j', history(2, 3, 4), 1)).toBe(4);
    expect(t.observe('j', history(4), 2)).toBe(4);
  });

  it('a NaN or missing timestamp does not stop the counting of later entries', () => {
    const t = new ExceptionTracker();
    expect(t.observe('j', history(NaN, undefined), 0)).toBe(2);
    expect(t.observe('j', history(NaN, 5), 1)).toBe(3);
  });
});
