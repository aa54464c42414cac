/**
 * Alertmanager's fingerprint. Expected values: prometheus/common v0.72.1 `model/signature_test.go`
 * (`TestMetricToFingerprint`, `BenchmarkMetricToFingerprint*`), and — against a real Alertmanager's API — in
 * test/integration/notify/alertmanager.test.ts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { alertFingerprint, labelSetFingerprint } from '../../../src/notify/fingerprint.js';

describe('labelSetFingerprint (prometheus/common model.LabelSet.Fingerprint)', () => {
  it.each([
    [{}, 14695981039346656037n],
    [{ name: 'garland, briggs', fear: 'love is not enough' }, 5799056148416392346n],
    [{ 'first-label': 'first-label-value' }, 5146282821936882169n],
    [{ 'first-label': 'first-label-value', 'second-label': 'second-label-value' }, 3195800080984914717n],
    [{ 'first-label': 'first-label-value', 'second-label': 'second-label-value', 'third-label': 'third-label-value' }, 13843036195897128121n],
  ])('%j → %s', (labels, expected) => {
    expect(labelSetFingerprint(labels)).toBe(expected);
  });

  it('prints as 16 hex digits', () => {
    expect(alertFingerprint({ name: 'garland, briggs', fear: 'love is not enough' })).toBe((5799056148416392346n).toString(16).padStart(16, '0'));
    expect(alertFingerprint({ 'first-label': 'first-label-value' })).toMatch(/^[0-9a-f]{16}$/);
  });

  const labelSets = fc.dictionary(fc.string({ unit: 'binary', minLength: 1, maxLength: 6 }), fc.string({ unit: 'binary', maxLength: 8 }), { maxKeys: 6 });

  it('does not depend on the order the labels were written in', () => {
    fc.assert(
      fc.property(labelSets, (ls) => {
        const reversed = Object.fromEntries(Object.entries(ls).reverse());
        expect(alertFingerprint(reversed)).toBe(alertFingerprint(ls));
      }),
    );
  });

  it('is always 16 lower-case hex digits, and separates name from value (a=bc ≠ ab=c)', () => {
    fc.assert(
      fc.property(labelSets, (ls) => {
        expect(alertFingerprint(ls)).toMatch(/^[0-9a-f]{16}$/);
      }),
    );
    expect(alertFingerprint({ a: 'bc' })).not.toBe(alertFingerprint({ ab: 'c' }));
  });
});
