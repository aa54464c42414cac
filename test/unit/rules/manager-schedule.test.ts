import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { evalSlotAtOrBefore, groupOffsetNs, msToNs, nextSlot } from '../../../src/rules/schedule.js';

/**
 * Expected slots come from the real Prometheus 3.16 code: a Go program calling
 * `rules.NewGroup(GroupOptions{Name, File, Interval}).EvalTimestamp(now).UnixNano()` of
 * github.com/prometheus/prometheus v0.316.0 (run once; the program is in the test's comment below).
 *
 *   g := rules.NewGroup(rules.GroupOptions{Name: name, File: file, Interval: interval, Opts: &rules.ManagerOptions{}})
 *   fmt.Println(g.EvalTimestamp(now).UnixNano())
 */
const GO_CASES: readonly { file: string; name: string; intervalMs: number; nowNs: bigint; slotNs: bigint }[] = [
  { file: '/etc/prometheus/rules.yml', name: 'flink', intervalMs: 60_000, nowNs: 1_700_000_000_123_456_789n, slotNs: 1699999991330538931n },
  { file: 'rules/flink-alerts.yml', name: 'flink-jobs', intervalMs: 15_000, nowNs: 1_700_000_000_000_000_000n, slotNs: 1699999991997205755n },
  { file: 'a.yml', name: 'g', intervalMs: 10_000, nowNs: 1_764_000_000_500_000_000n, slotNs: 1763999996867846062n },
  { file: '', name: '', intervalMs: 1_000, nowNs: 1_700_000_000_999_999_999n, slotNs: 1700000000739330214n },
  { file: '/tmp/x/ünïcode.yml', name: 'grüppe ☃', intervalMs: 300_000, nowNs: 1_800_000_000_000_000_000n, slotNs: 1799999835960800546n },
  // lengths ≥ 255 take the 4-byte size prefix
  { file: `/${'d'.repeat(300)}.yml`, name: 'n'.repeat(70000), intervalMs: 120_000, nowNs: 1_750_000_000_000_000_000n, slotNs: 1749999980902944220n },
];

describe('rule group slots (rules/group.go EvalTimestamp)', () => {
  it.each(GO_CASES)('$file;$name every $intervalMs ms matches Prometheus 3.16', ({ file, name, intervalMs, nowNs, slotNs }) => {
    const intervalNs = msToNs(intervalMs);
    expect(evalSlotAtOrBefore(nowNs, intervalNs, groupOffsetNs(file, name, intervalMs))).toBe(slotNs);
  });

  it('slot is the latest time ≤ now that is offset mod interval', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.integer({ min: 1, max: 86_400_000 }), fc.bigInt({ min: 10n ** 18n, max: 2n * 10n ** 18n }), (file, name, intervalMs, nowNs) => {
        const intervalNs = msToNs(intervalMs);
        const offset = groupOffsetNs(file, name, intervalMs);
        const slot = evalSlotAtOrBefore(nowNs, intervalNs, offset);
        expect(slot <= nowNs).toBe(true);
        expect(nowNs - slot < intervalNs).toBe(true);
        expect(((slot - offset) % intervalNs + intervalNs) % intervalNs).toBe(0n);
      }),
    );
  });
});

describe('next slot after a tick (Group.run missed iterations)', () => {
  const I = 10_000_000_000n;
  it('a tick on time moves one slot, none missed', () => {
    expect(nextSlot(100n * I, 101n * I + 5n, I)).toEqual({ slotNs: 101n * I, missed: 0 });
  });
  it('a tick 3.5 intervals late skips to the latest slot and counts two missed', () => {
    // Go: missed = (time.Since(evalTimestamp) / interval) - 1 = 3 - 1; evalTimestamp += (missed+1) × interval
    expect(nextSlot(100n * I, 103n * I + I / 2n, I)).toEqual({ slotNs: 103n * I, missed: 2 });
  });
  it('a timer that fires early still moves one slot', () => {
    expect(nextSlot(100n * I, 101n * I - 1n, I)).toEqual({ slotNs: 101n * I, missed: 0 });
  });
  it('never goes back and never lands after now (for a tick at least one interval later)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 10n ** 12n }), fc.bigInt({ min: 0n, max: 10n ** 15n }), (interval, late) => {
        const last = 10n ** 18n;
        const now = last + interval + late;
        const r = nextSlot(last, now, interval);
        expect(r.slotNs > last && r.slotNs <= now && now - r.slotNs < interval).toBe(true);
        expect(BigInt(r.missed)).toBe((r.slotNs - last) / interval - 1n);
      }),
    );
  });
});
