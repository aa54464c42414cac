import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PushRejectedError } from '../../../../src/errors.js';
import { decodeBase64, parseGroupingKey } from '../../../../src/sources/push/grouping-key.js';

describe('parseGroupingKey (Pushgateway 1.5.1 splitLabels)', () => {
  it('reads job first, then label pairs in path order, with @base64 anywhere', () => {
    expect(parseGroupingKey('/job/j/instance/i/a@base64/Lw')?.labels).toEqual([
      ['job', 'j'],
      ['instance', 'i'],
      ['a', '/'],
    ]);
    expect(parseGroupingKey('/job@base64/YS9i')?.labels).toEqual([['job', 'a/b']]);
    expect(parseGroupingKey('/job/j/')?.labels).toEqual([['job', 'j']]);
    expect(parseGroupingKey('/job/j/e@base64/=')?.labels).toEqual([
      ['job', 'j'],
      ['e', ''],
    ]);
  });

  it('gives the same id to the same labels in another order', () => {
    expect(parseGroupingKey('/job/j/a/1/b/2')?.id).toBe(parseGroupingKey('/job/j/b/2/a/1')?.id);
    expect(parseGroupingKey('/job/j/a/1')?.id).not.toBe(parseGroupingKey('/job/j/a/2')?.id);
  });

  it('lets the job component win over a job label, and a later repeat win over an earlier one', () => {
    expect(parseGroupingKey('/job/j/job/other/a/1/a/2')?.labels).toEqual([
      ['job', 'j'],
      ['a', '2'],
    ]);
  });

  it('is not a push path without /job/', () => {
    expect(parseGroupingKey('/jobs/x')).toBeUndefined();
    expect(parseGroupingKey('/job')).toBeUndefined();
  });

  it.each([
    ['/job/j/onlyname', 'odd number of components in label string "/onlyname"'],
    ['/job/j/__x/y', 'improper label name "__x"'],
    ['/job/j/1a/y', 'improper label name "1a"'],
    ['/job/j/a@base64/!!', 'invalid base64 encoding for label a="!!": illegal base64 data'],
    ['/job/', 'job name is required'],
    ['/job@base64/=', 'job name is required'],
  ])('refuses %s with the Pushgateway message', (path, message) => {
    expect(() => parseGroupingKey(path)).toThrow(message);
  });

  it('decodes what Go RawURLEncoding decodes: padding optional, no stray bits', () => {
    expect(decodeBase64('YQ')).toBe('a');
    expect(decodeBase64('YQ==')).toBe('a');
    expect(decodeBase64('=')).toBe('');
    expect(decodeBase64('YR')).toBeUndefined(); // non-zero trailing bits: Go refuses
    expect(decodeBase64('Y')).toBeUndefined();
    expect(decodeBase64('a+b/')).toBeUndefined(); // standard alphabet
  });

  it('never throws anything but a 400 PushRejectedError with a message, for any path', () => {
    const segment = fc.oneof(fc.string(), fc.constantFrom('job', 'job@base64', 'a@base64', '__x', '=', 'YQ', ''));
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 8 }), (segments) => {
        const path = `/${segments.join('/')}`;
        try {
          const key = parseGroupingKey(path);
          if (key !== undefined) {
            expect(key.labels[0]?.[0]).toBe('job');
            expect(key.labels[0]?.[1]).not.toBe('');
            expect(new Set(key.labels.map(([n]) => n)).size).toBe(key.labels.length);
          }
        } catch (e) {
          expect(e).toBeInstanceOf(PushRejectedError);
          expect((e as PushRejectedError).status).toBe(400);
          expect((e as PushRejectedError).message.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('round-trips any UTF-8 value through @base64', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (v) => {
        const enc = Buffer.from(v, 'utf8').toString('base64url');
        expect(parseGroupingKey(`/job/j/v@base64/${enc === '' ? '=' : enc}`)?.labels[1]).toEqual(['v', v]);
      }),
      { numRuns: 300 },
    );
  });
});
