/**
 * When a webhook is notified. `needsUpdate` against Alertmanager 0.35's own table (`notify/notify_test.go`
 * `TestDedupStageNeedsUpdate`, fingerprints 1..5 as strings); the group life cycle as Alertmanager's dispatcher
 * behaves (first notification, new alert, all resolved, repeat interval).
 */
import { describe, expect, it } from 'vitest';
import type { NotifierAlert } from '../../../src/rules/types.js';
import { WebhookGroups, needsUpdate, type NotificationLogEntry } from '../../../src/notify/webhook-groups.js';

const MIN = 60_000;
const now = 100 * MIN;
const set = (...ids: number[]): Set<string> => new Set(ids.map(String));
const entry = (firing: number[], resolved: number[], atMs: number): NotificationLogEntry => ({ firing: set(...firing), resolved: set(...resolved), atMs });

describe('needsUpdate (Alertmanager DedupStage.needsUpdate)', () => {
  it.each([
    ['no entry, alerts fire', undefined, set(2, 3, 4), set(), 0, false, true],
    ['no entry, only resolved', undefined, set(), set(2, 3, 4), 0, false, false],
    ['different firing sets', entry([1, 2, 3], [], now), set(2, 3, 4), set(), 0, false, true],
    ['zero timestamp', entry([1, 2, 3], [], 0), set(1, 2, 3), set(), 0, false, true],
    ['identical before repeat_interval', entry([1, 2, 3], [], now - 9 * MIN), set(1, 2, 3), set(), 10 * MIN, false, false],
    ['identical after repeat_interval', entry([1, 2, 3], [], now - 11 * MIN), set(1, 2, 3), set(), 10 * MIN, false, true],
    ['resolved sets differ, nothing fires, after repeat', entry([], [1, 2, 3], now - 11 * MIN), set(), set(3, 4, 5), 10 * MIN, true, false],
    ['resolved sets differ, send_resolved false', entry([1, 2], [3], now - 9 * MIN), set(1), set(2, 3), 10 * MIN, false, false],
    ['resolved sets differ, send_resolved true', entry([1, 2], [3], now - 9 * MIN), set(1), set(2, 3), 10 * MIN, true, true],
    ['nothing fires any more, send_resolved false', entry([1, 2], [3], now - 9 * MIN), set(), set(1, 2, 3), 10 * MIN, false, true],
    ['nothing fires any more, send_resolved true', entry([1, 2], [3], now - 9 * MIN), set(), set(1, 2, 3), 10 * MIN, true, true],
  ])('%s', (_name, e, firing, resolved, repeat, sendResolved, expected) => {
    expect(needsUpdate(e, firing, resolved, { repeatIntervalMs: repeat, sendResolved }, now)).toBe(expected);
  });
});

const alert = (name: string, id: string, endsAtMs: number): NotifierAlert => ({
  labels: { alertname: name, id },
  annotations: {},
  startsAtMs: 0,
  endsAtMs,
  generatorURL: '',
});

describe('WebhookGroups', () => {
  it('notifies the first firing, a new alert, not an unchanged resend, then the resolution; groups per alertname', () => {
    const g = new WebhookGroups({ sendResolved: true, repeatIntervalMs: 4 * 60 * MIN });
    let t = now;
    const first = g.update([alert('A', '1', t + 4 * MIN), alert('B', '1', t + 4 * MIN)], t);
    expect(first.map((n) => [n.groupLabels, n.alerts.length])).toEqual([
      [{ alertname: 'A' }, 1],
      [{ alertname: 'B' }, 1],
    ]);
    t += MIN;
    expect(g.update([alert('A', '1', t + 4 * MIN)], t)).toEqual([]);
    t += MIN;
    const added = g.update([alert('A', '1', t + 4 * MIN), alert('A', '2', t + 4 * MIN)], t);
    expect(added.map((n) => n.alerts.map((a) => a.labels['id']))).toEqual([['1', '2']]);
    t += MIN;
    const resolved = g.update([alert('A', '1', t - 1)], t);
    expect(resolved.map((n) => n.alerts.map((a) => [a.labels['id'], a.endsAtMs <= t]))).toEqual([
      [
        ['1', true],
        ['2', false],
      ],
    ]);
    // the resolved alert left the group: resending it resolved notifies nothing new
    t += MIN;
    expect(g.update([alert('A', '1', t - MIN - 1)], t)).toEqual([]);
  });

  it('an alert that is not re-sent resolves when its endsAt passes (tick), and the group is forgotten', () => {
    const g = new WebhookGroups({ sendResolved: true, repeatIntervalMs: 4 * 60 * MIN });
    g.update([alert('A', '1', now + 4 * MIN)], now);
    expect(g.tick(now + 3 * MIN)).toEqual([]);
    const n = g.tick(now + 4 * MIN);
    expect(n).toHaveLength(1);
    expect(n[0]?.alerts[0]?.endsAtMs).toBe(now + 4 * MIN);
    expect(g.size).toBe(0);
  });

  it('repeat_interval re-notifies an unchanged firing group', () => {
    const g = new WebhookGroups({ sendResolved: true, repeatIntervalMs: 10 * MIN });
    g.update([alert('A', '1', now + 100 * MIN)], now);
    expect(g.tick(now + 10 * MIN)).toEqual([]);
    expect(g.tick(now + 10 * MIN + 1)).toHaveLength(1);
  });

  it('without send_resolved, resolved alerts are left out and an all-resolved group sends nothing', () => {
    const g = new WebhookGroups({ sendResolved: false, repeatIntervalMs: 4 * 60 * MIN });
    g.update([alert('A', '1', now + 4 * MIN), alert('A', '2', now + 4 * MIN)], now);
    expect(g.update([alert('A', '1', now)], now + 1)).toEqual([]);
    const later = g.update([alert('A', '3', now + 9 * MIN)], now + 2);
    expect(later.map((n) => n.alerts.map((a) => a.labels['id']))).toEqual([['2', '3']]);
    expect(g.update([alert('A', '2', now), alert('A', '3', now)], now + 3)).toEqual([]);
    expect(g.size).toBe(0);
  });
});
