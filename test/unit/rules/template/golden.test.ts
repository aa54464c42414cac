/**
 * Runs every golden case of test/fixtures/rules/templates/cases.yml through our expander. The expected texts are
 * Prometheus 3.16's (proven by test/integration/rules/template/promtool-golden.test.ts). `query` runs on our PromQL
 * engine over the fixture's series, as the rule evaluator does.
 */
import { describe, expect, it } from 'vitest';
import { TemplateParseError } from '../../../../src/errors.js';
import { labelSet } from '../../../../src/model/labels.js';
import { Engine } from '../../../../src/promql/engine/index.js';
import { createTemplateExpander } from '../../../../src/rules/template/index.js';
import type { TemplateEnv, TemplateSample } from '../../../../src/rules/types.js';
import { MemorySeriesStore } from '../../../../src/store/index.js';
import { caseValue, EXTERNAL_LABELS, EXTERNAL_URL, loadTemplateCases } from '../../../support/template-cases.js';

const all = loadTemplateCases();

/** A store with the fixture's series, one sample each at t=0. */
function fixtureStore(): MemorySeriesStore {
  const store = new MemorySeriesStore({ retentionMs: Number.MAX_SAFE_INTEGER });
  const app = store.appender('test');
  for (const s of all.series) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)\{(.*)\}$/.exec(s.series);
    if (m === null) throw new Error(`unsupported series ${s.series}`);
    const labels: Record<string, string> = {};
    for (const p of (m[2] as string).matchAll(/([a-zA-Z_]\w*)="([^"]*)"/g)) labels[p[1] as string] = p[2] as string;
    app.append(labelSet(m[1] as string, labels), 0, Number(s.values));
  }
  app.commit();
  return store;
}

const engine = new Engine({ store: fixtureStore() });

/** The rule evaluator's query function: vectors as they are, a scalar as one sample without labels. */
async function query(expr: string, tMs: number): Promise<readonly TemplateSample[]> {
  const r = await engine.instantQuery(expr, tMs);
  const v = r.value;
  if (v.type === 'vector') return v.vector.map((s) => ({ labels: s.labels.toRecord(), value: s.v }));
  if (v.type === 'scalar') return [{ labels: {}, value: v.v }];
  throw new Error('rule result is not a vector or scalar');
}

const env: TemplateEnv = { evalTimeMs: 0, externalURL: EXTERNAL_URL, query };
const expander = createTemplateExpander();

describe('template golden cases (expected values from promtool 3.16)', () => {
  for (const c of all.cases) {
    if (c.expectedParseError !== undefined) {
      it(`${c.name}: check() throws ${c.expectedParseError}`, async () => {
        let err: unknown;
        try {
          expander.check(c.name, c.template);
        } catch (e) {
          err = e;
        }
        expect(err).toBeInstanceOf(TemplateParseError);
        expect((err as Error).message).toBe(c.expectedParseError);
        // At run time a template that does not parse expands to Prometheus's parse error text.
        const out = await expander.expand(c.name, c.template, { labels: c.labels, externalLabels: EXTERNAL_LABELS, externalURL: EXTERNAL_URL, value: caseValue(c) }, env);
        expect(out).toBe(`<error expanding template: error parsing template __alert_${c.name}: ${c.expectedParseError}>`);
      });
      continue;
    }
    it(`${c.name}: ${JSON.stringify(c.template).slice(0, 80)}`, async () => {
      expect(() => expander.check(c.name, c.template)).not.toThrow();
      const out = await expander.expand(
        c.name,
        c.template,
        { labels: c.labels, externalLabels: EXTERNAL_LABELS, externalURL: EXTERNAL_URL, value: caseValue(c) },
        env,
      );
      expect(out).toBe(c.expected);
    });
  }
});
