import { describe, expect, it } from 'vitest';
import { findMinMaxTime } from '../../../../src/promql/engine/index.js';
import { parseExpr } from '../../../../src/promql/parser/index.js';

const bounds = { startMs: 600_000, endMs: 900_000, stepMs: 60_000, lookbackMs: 300_000 };
const range = (q: string): { mint: number; maxt: number } | undefined => findMinMaxTime(parseExpr(q), bounds);

describe('findMinMaxTime: what one querier must cover', () => {
  it('an instant selector reaches back by the lookback delta', () => {
    expect(range('up')).toEqual({ mint: 300_000, maxt: 900_000 });
  });

  it('a range selector by its range, shifted by offset (negative offsets look forward)', () => {
    expect(range('rate(up[10m] offset 1m)')).toEqual({ mint: -60_000, maxt: 840_000 });
    expect(range('up offset -1m')).toEqual({ mint: 360_000, maxt: 960_000 });
  });

  it('@ pins the time; start() and end() are the query bounds', () => {
    expect(range('up @ 100')).toEqual({ mint: -200_000, maxt: 100_000 });
    expect(range('up @ end()')).toEqual({ mint: 600_000, maxt: 900_000 });
    expect(range('up[1m] @ start()')).toEqual({ mint: 540_000, maxt: 600_000 });
  });

  it('subqueries widen by their range and offset, then the inner selector by its own', () => {
    expect(range('max_over_time(rate(up[1m])[5m:1m] offset 2m)')).toEqual({ mint: 120_000, maxt: 780_000 });
  });

  it('the union over all selectors; none without a selector', () => {
    expect(range('rate(up[1m]) + on() down offset 1h')).toEqual({ mint: -3_300_000, maxt: 900_000 });
    expect(range('1 + 2')).toBeUndefined();
  });
});
