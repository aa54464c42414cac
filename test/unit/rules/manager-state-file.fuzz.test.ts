import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { readAlertState, writeAlertState } from '../../../src/rules/state-file.js';
import type { PersistedGroupState } from '../../../src/rules/types.js';

const dir = mkdtempSync(join(tmpdir(), 'alert-state-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const time = fc.option(fc.integer({ min: 0, max: 4_102_444_800_000 }), { nil: undefined });
const rec = fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 12 }), { maxKeys: 4 });
const alert = fc.record({
  labels: rec,
  annotations: rec,
  state: fc.constantFrom('inactive' as const, 'pending' as const, 'firing' as const),
  activeAtMs: fc.integer({ min: 0, max: 4_102_444_800_000 }),
  firedAtMs: time,
  resolvedAtMs: time,
  keepFiringSinceMs: time,
  lastSentAtMs: time,
  value: fc.double({ noNaN: true, noDefaultInfinity: true }),
});
const group: fc.Arbitrary<PersistedGroupState> = fc.record({
  file: fc.string(),
  name: fc.string(),
  savedAtMs: fc.integer({ min: 0, max: 4_102_444_800_000 }),
  rules: fc.array(fc.record({ index: fc.nat(50), alert: fc.string(), alerts: fc.array(alert, { maxLength: 3 }) }), { maxLength: 3 }),
});

/** What JSON keeps of a state: undefined fields dropped, -0 as 0. */
function viaJson(g: readonly PersistedGroupState[]): unknown {
  return JSON.parse(JSON.stringify(g));
}

describe('alert state file', () => {
  it('round-trips any state', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(group, { maxLength: 3 }), async (groups) => {
        const path = join(dir, `rt-${n++}.json`);
        await writeAlertState(path, groups);
        const back = await readAlertState(path, (r) => {
          throw new Error(r);
        });
        expect(viaJson(back)).toEqual(viaJson(groups));
      }),
      { numRuns: 60 },
    );
  });

  it('any file content gives a state or an "invalid" report, never a throw', async () => {
    let n = 0;
    const content = fc.oneof(
      fc.string(),
      fc.json(),
      fc.array(group, { maxLength: 2 }).map((g) => JSON.stringify({ version: 1, groups: g })),
      // structurally close to valid: random JSON values spliced into a valid document
      fc.tuple(fc.array(group, { minLength: 1, maxLength: 2 }), fc.jsonValue(), fc.constantFrom('file', 'name', 'savedAtMs', 'rules', 'alerts', 'state', 'activeAtMs', 'labels')).map(([g, v, key]) =>
        JSON.stringify({ version: 1, groups: g }).replace(new RegExp(`"${key}":`), `"${key}":${JSON.stringify(v)},"x${key}":`),
      ),
    );
    await fc.assert(
      fc.asyncProperty(content, async (text) => {
        const path = join(dir, `fz-${n++}.json`);
        writeFileSync(path, text);
        const reports: string[] = [];
        const got = await readAlertState(path, (r) => reports.push(r));
        expect(Array.isArray(got)).toBe(true);
        for (const g of got) {
          expect(typeof g.file).toBe('string');
          for (const r of g.rules) for (const a of r.alerts) expect(['inactive', 'pending', 'firing']).toContain(a.state);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('a missing file is an empty state without a report', async () => {
    const reports: string[] = [];
    expect(await readAlertState(join(dir, 'nope.json'), (r) => reports.push(r))).toEqual([]);
    expect(reports).toEqual([]);
  });
});
