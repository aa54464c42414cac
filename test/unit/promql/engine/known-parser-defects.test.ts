import { describe, expect, it } from 'vitest';
import { labelSet } from '../../../../src/model/labels.js';
import { Engine } from '../../../../src/promql/engine/index.js';
import { MemorySeriesStore } from '../../../../src/store/index.js';

// A parser defect the engine's differential run against promtool found, now fixed (convert.ts `chain`): an `offset`
// or `@` modifier on the right operand swallowed the operators of higher precedence after it, so
// `a + b offset 1m * 0` parsed as `(a + b offset 1m) * 0` instead of Go's `a + ((b offset 1m) * 0)`. promtool 2.42
// and 3.16 give a + 0 here. See also test/regression/modifier-swallows-higher-precedence-operators.test.ts.
describe('parser defect (fixed): modifiers and precedence', () => {
  const store = new MemorySeriesStore({ retentionMs: Number.MAX_SAFE_INTEGER });
  const app = store.appender('t');
  app.append(labelSet('a', { i: '0' }), 0, 7);
  app.append(labelSet('b', { i: '0' }), 0, 5);
  app.commit();

  it('a + b offset -1m * 0 is a + ((b offset -1m) * 0) = 7', async () => {
    const r = await new Engine({ store }).instantQuery('a + b offset -1m * 0', 0);
    if (r.value.type !== 'vector') throw new Error('vector expected');
    expect(r.value.vector.map((s) => s.v)).toEqual([7]);
  });

  it('without the modifier the precedence is right', async () => {
    const r = await new Engine({ store }).instantQuery('a + b * 0', 0);
    if (r.value.type !== 'vector') throw new Error('vector expected');
    expect(r.value.vector.map((s) => s.v)).toEqual([7]);
  });
});
