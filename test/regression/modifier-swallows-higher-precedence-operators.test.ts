import { describe, expect, it } from 'vitest';
import { labelSet } from '../../src/model/labels.js';
import { Engine } from '../../src/promql/engine/index.js';
import { parseExpr } from '../../src/promql/parser/index.js';
import { MemorySeriesStore } from '../../src/store/index.js';

// Defect (found by the engine's differential run against promtool): an `offset` or `@` modifier on a right operand
// took the whole chain to its left as its operand's context, and the operators after it then bound to that chain:
// `a + b offset 1m * 0` parsed as `(a + b offset 1m) * 0` (lezer reduces postfix modifiers over everything before
// them), where Go's yacc grammar gives `a + ((b offset 1m) * 0)`. Expected values from promtool 2.42 and 3.16
// (`promtool test rules`, a=7 and b=5 at every minute, evaluated at 2m): 7, 2 and -25.
describe('a modifier on a right operand and the operators after it', () => {
  const store = new MemorySeriesStore({ retentionMs: Number.MAX_SAFE_INTEGER });
  const app = store.appender('t');
  for (const t of [0, 60_000, 120_000]) {
    app.append(labelSet('a', { i: '0' }), t, 7);
    app.append(labelSet('b', { i: '0' }), t, 5);
  }
  app.commit();

  it.each([
    ['a + b offset 1m * 0', 7],
    ['a - b @ 60 * 2 ^ 0', 2],
    ['-b offset 1m ^ 2', -25],
  ])('%s = %d, as promtool', async (query, want) => {
    for (const compat of ['2', '3'] as const) {
      const r = await new Engine({ store, compat }).instantQuery(query, 120_000);
      if (r.value.type !== 'vector') throw new Error('vector expected');
      expect(r.value.vector.map((s) => s.v)).toEqual([want]);
    }
  });

  it('the tree is Go\'s: the modifier stays on its selector, `*` binds before `+`', () => {
    const e = parseExpr('a + b offset 1m * 0');
    expect(e).toMatchObject({
      type: 'binaryExpr', op: '+', lhs: { type: 'vectorSelector', name: 'a', offset: 0 },
      rhs: { type: 'binaryExpr', op: '*', lhs: { type: 'vectorSelector', name: 'b', offset: 60_000 }, rhs: { type: 'numberLiteral', value: 0 } },
    });
  });
});
