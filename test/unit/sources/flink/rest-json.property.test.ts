import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FlinkResponseError } from '../../../../src/errors.js';
import { mapPollOutcome } from '../../../../src/sources/flink/mapping.js';
import { runPollCycle } from '../../../../src/sources/flink/poll-cycle.js';
import { createPollState } from '../../../../src/sources/flink/poll-state.js';
import { parseJsonBody } from '../../../../src/sources/flink/rest-client.js';
import { FixtureRest, endpointName, fixture } from '../../../support/flink-fixtures.js';

/**
 * The Flink REST JSON is the sidecar's main untrusted input. Whatever an endpoint answers — arbitrary JSON, a recorded
 * answer with one value replaced by garbage, a huge number, a wrong type — a cycle ends with a counted
 * `FPB_ERR_FLINK_RESPONSE` failure or ignores the value, never crashes (an unexpected exception would be
 * `FPB_ERR_UNEXPECTED`), and never maps a NaN or ±Infinity into a sample.
 */
const VERSION = '2.3.0';
const job = fixture<{ jid: string; now: number; vertices: { id: string }[] }>(VERSION, 'job.json');
const tm = fixture<{ taskmanagers: { id: string }[] }>(VERSION, 'taskmanagers.json').taskmanagers[0]!.id;
const PATHS = [
  '/overview',
  '/config',
  '/jobs/overview',
  '/taskmanagers',
  '/jobmanager/metrics',
  '/jobmanager/metrics?get=Status.JVM.Memory.Heap.Used,Status.JVM.Memory.Heap.Max,Status.JVM.CPU.Load',
  `/taskmanagers/${tm}/metrics`,
  `/jobs/${job.jid}`,
  `/jobs/${job.jid}/metrics`,
  `/jobs/${job.jid}/checkpoints`,
  `/jobs/${job.jid}/checkpoints/config`,
  `/jobs/${job.jid}/exceptions?maxExceptions=16`,
  `/jobs/${job.jid}/vertices/${job.vertices[1]!.id}/subtasks/metrics`,
  `/jobs/${job.jid}/vertices/${job.vertices[1]!.id}/subtasks/metrics?get=currentInputWatermark&agg=min,max,sum`,
];

/** What the recorded server answers for `path` (names or values), to be mutated. */
async function recorded(path: string): Promise<unknown> {
  return new FixtureRest(VERSION).getJson(path, endpointName(path.split('?')[0] ?? ''));
}

const hostile = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(1e308, -1e308, 9.3e18, -9.3e18, 2 ** 63, 'Infinity', '-Infinity', 'NaN', '1e400', '-1', -1, '0x10', '', null, true, [], {}),
  fc.double(),
  fc.string({ maxLength: 20 }),
);

/** Every [container, key] of a JSON value, depth first. */
function slots(v: unknown, out: [Record<string | number, unknown>, string | number][] = []): [Record<string | number, unknown>, string | number][] {
  if (Array.isArray(v)) v.forEach((x, i) => (out.push([v as unknown as Record<number, unknown>, i]), slots(x, out)));
  else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) out.push([v as Record<string, unknown>, k]), slots(x, out);
  return out;
}

/** A recorded answer with 1–3 values replaced by hostile ones, or an arbitrary JSON value instead of the answer. */
const mutation = fc.record({
  endpoint: fc.constantFrom(...PATHS.map((p) => endpointName(p.split('?')[0] ?? ''))),
  path: fc.constantFrom(...PATHS),
  whole: fc.option(fc.jsonValue({ maxDepth: 4 }), { freq: 4 }),
  edits: fc.array(fc.tuple(fc.nat(), hostile), { minLength: 1, maxLength: 3 }),
  /** Replace only numbers and numeric strings (where a non-finite value would do harm), or any value. */
  numbersOnly: fc.boolean(),
});

const isNumeric = (v: unknown): boolean => typeof v === 'number' || (typeof v === 'string' && v !== '' && !Number.isNaN(Number(v)));

type Mutation = typeof mutation extends fc.Arbitrary<infer M> ? M : never;

async function cycleWith(mutations: Mutation[]): Promise<void> {
  const rest = new FixtureRest(VERSION);
  for (const m of mutations) {
    const body = m.whole ?? structuredClone(await recorded(m.path));
    if (m.whole === null) {
      const all = slots(body).filter(([c, k]) => !m.numbersOnly || isNumeric(c[k]));
      for (const [i, v] of m.edits) if (all.length > 0) {
        const [container, key] = all[i % all.length]!;
        container[key] = v;
      }
    }
    // the endpoint's every request answers the mutated body (names and values alike)
    rest.overrides.set(m.endpoint, () => structuredClone(body));
  }
  const state = createPollState({ metricNamesRefreshIntervalMs: 300_000 });
  for (const t of [0, 15_000]) {
    const outcome = await runPollCycle({ rest, state, nowMs: () => job.now + t, exceptionsIntervalMs: 10_000 });
    for (const f of outcome.failures) expect(f.code, `${f.endpoint}: ${f.message}`).toMatch(/^FPB_ERR_FLINK_(RESPONSE|VERSION)$/);
    for (const s of mapPollOutcome(outcome)) expect(Number.isFinite(s.value), `${s.labels.key} ${s.value}`).toBe(true);
  }
}

describe('fuzzing the Flink REST JSON', () => {
  it('recorded answers with hostile values or arbitrary JSON never crash a cycle nor map a non-finite value', { timeout: 60_000 }, async () => {
    await fc.assert(fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 3 }), cycleWith), { numRuns: 300 });
  });

  it('a truncated or garbled body is a FlinkResponseError, never another exception', () => {
    const text = JSON.stringify(fixture(VERSION, 'job.json'));
    fc.assert(
      fc.property(fc.oneof(fc.nat({ max: text.length }).map((n) => text.slice(0, n)), fc.string({ maxLength: 200 })), (body) => {
        let parsed: unknown;
        try {
          parsed = parseJsonBody(body, '/jobs/:jid');
        } catch (e) {
          expect(e).toBeInstanceOf(FlinkResponseError);
          return;
        }
        expect(parsed).toEqual(JSON.parse(body));
      }),
      { numRuns: 2000 },
    );
  });
});
