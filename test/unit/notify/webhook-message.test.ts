/**
 * The webhook payload's parts. Expected values: Go's `regexp` tests (`metaTests` in regexp/all_test.go, Go 1.26),
 * Alertmanager 0.35 `alert/alert_test.go` (`TestAlertSliceSort`) and `template.Data` rules; the payload as a whole is
 * compared with a real Alertmanager's in test/integration/notify/alertmanager.test.ts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { NotifierAlert } from '../../../src/rules/types.js';
import { buildWebhookMessage, compareAlerts, goQuoteMeta, webhookGroupKey } from '../../../src/notify/webhook-message.js';

const alert = (labels: Record<string, string>, over: Partial<NotifierAlert> = {}): NotifierAlert => ({
  labels,
  annotations: {},
  startsAtMs: 1_000_000,
  endsAtMs: 2_000_000,
  generatorURL: '',
  ...over,
});

describe('goQuoteMeta (regexp.QuoteMeta)', () => {
  it.each([
    ['', ''],
    ['foo', 'foo'],
    ['日本語+', '日本語\\+'],
    ['foo\\.\\$', 'foo\\\\\\.\\\\\\$'],
    ['foo.\\$', 'foo\\.\\\\\\$'],
    ['!@#$%^&*()_+-=[{]}\\|,<.>/?~', '!@#\\$%\\^&\\*\\(\\)_\\+-=\\[\\{\\]\\}\\\\\\|,<\\.>/\\?~'],
  ])('%s → %s', (input, quoted) => {
    expect(goQuoteMeta(input)).toBe(quoted);
  });

  it('quoted text matches itself literally', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        expect(new RegExp(`^${goQuoteMeta(s)}$`, 'u').test(s)).toBe(true);
      }),
    );
  });
});

describe('compareAlerts (Alertmanager AlertSlice.Less)', () => {
  const a1 = alert({ job: 'j1', instance: 'i1', alertname: 'an1' });
  const a2 = alert({ job: 'j1', instance: 'i1', alertname: 'an2' });
  const a3 = alert({ job: 'j2', instance: 'i1', alertname: 'an1' });
  const a4 = alert({ alertname: 'an1' });
  const a5 = alert({ alertname: 'an2' });
  it.each([
    [[a2, a1], [a1, a2]],
    [[a3, a2, a1], [a1, a2, a3]],
    [[a4, a2, a4], [a2, a4, a4]],
    [[a5, a4], [a4, a5]],
  ])('case %#', (input, expected) => {
    expect([...input].sort(compareAlerts)).toEqual(expected);
  });
});

describe('buildWebhookMessage', () => {
  it('groupKey of the root route: {}:{alertname="X"}', () => {
    expect(webhookGroupKey({ alertname: 'X' })).toBe('{}:{alertname="X"}');
    expect(webhookGroupKey({ alertname: 'a "b"' })).toBe('{}:{alertname="a \\"b\\""}');
  });

  it('firing alerts show Go\'s zero endsAt; the group is firing while one fires; common labels and annotations', () => {
    const now = 1_500_000;
    const m = buildWebhookMessage({
      receiver: 'team.hook',
      groupLabels: { alertname: 'A' },
      alerts: [
        alert({ alertname: 'A', job_id: '2', sev: 'page' }, { annotations: { s: 'x', d: 'same' }, endsAtMs: now }),
        alert({ alertname: 'A', job_id: '1', sev: 'page' }, { annotations: { s: 'y', d: 'same' } }),
      ],
      nowMs: now,
      externalURL: 'http://sidecar:9275',
      maxAlerts: 0,
    });
    expect(m.receiver).toBe('team\\.hook');
    expect(m.status).toBe('firing');
    expect(m.alerts.map((a) => [a.labels['job_id'], a.status, a.endsAt])).toEqual([
      ['1', 'firing', '0001-01-01T00:00:00Z'],
      // endsAt == now is resolved (Alert.ResolvedAt: !EndsAt.After(ts))
      ['2', 'resolved', '1970-01-01T00:25:00Z'],
    ]);
    expect(m.commonLabels).toEqual({ alertname: 'A', sev: 'page' });
    expect(m.commonAnnotations).toEqual({ d: 'same' });
    expect(m.version).toBe('4');
    expect(m.truncatedAlerts).toBe(0);
  });

  it('max_alerts cuts the sorted list and counts the rest; common labels come from what is kept', () => {
    const m = buildWebhookMessage({
      receiver: 'r',
      groupLabels: { alertname: 'A' },
      alerts: [alert({ alertname: 'A', i: '3', x: 'b' }), alert({ alertname: 'A', i: '1', x: 'a' }), alert({ alertname: 'A', i: '2', x: 'a' })],
      nowMs: 0,
      externalURL: '',
      maxAlerts: 2,
    });
    expect(m.alerts.map((a) => a.labels['i'])).toEqual(['1', '2']);
    expect(m.truncatedAlerts).toBe(1);
    expect(m.commonLabels).toEqual({ alertname: 'A', x: 'a' });
  });
});
