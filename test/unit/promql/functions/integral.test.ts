import { describe, expect, it } from 'vitest';
import { integral, integralStrategy } from '../../../../src/promql/functions/integral.js';
import { min, rangeCtx, sec, selectPoints } from './promqltest-series.js';

/** `integral()` (experimental) against `/work/shared/conformance/promql-3.16/functions.test`, `load 10s`. */
describe('integral (functions.test lines 1002–1455)', () => {
  it.each([
    [1003, '1 2 3 4 5', sec(55), min(1), [], 120],
    [1006, '1 2 3 4 5', sec(55), min(1), [2], 120],
    [1010, '1 2 3 4 5', sec(55), min(1), [0], 100],
    [1014, '1 2 3 4 5', sec(55), min(1), [1], 140],
    [1017, 'Inf 0 Inf', sec(55), min(1), [], Infinity],
    [1323, '0 1 1e100 1 -1e100 1 0', min(1), min(2), [], 30],
    [1327, '0 1 1e100 1 -1e100 1 0', min(1), min(2), [3], 30],
    [1331, '0 1 1e100 1 -1e100 1 0', min(1), min(2), [0], 30],
    [1335, '0 1 1e100 1 -1e100 1 0', min(1), min(2), [1], 30],
    [1338, '1 Inf 1 -Inf 1', min(1), min(2), [], NaN],
    [1358, '0 1 2 1 0 -1 -2 -1 0', min(2), min(2) + 1000, [], 0],
    [1371, 'NaN NaN 1 NaN NaN NaN', sec(10), sec(10), [], 0],
    [1374, 'NaN NaN 1 NaN NaN NaN', sec(20), sec(20), [], 5],
    [1377, 'NaN NaN 1 NaN NaN NaN', sec(30), sec(30), [], 10],
    [1384, 'NaN NaN 1 NaN NaN NaN', sec(20), sec(20), [0], 0],
    [1394, 'NaN NaN 1 NaN NaN NaN', sec(20), sec(20), [1], 10],
    [1402, 'NaN NaN 1 NaN NaN 2 NaN NaN NaN NaN NaN NaN NaN', sec(50), sec(50), [], 20],
    [1412, 'NaN NaN 1 NaN NaN 2 NaN NaN NaN NaN NaN NaN NaN', sec(50), sec(50), [0], 10],
    [1422, 'NaN NaN 1 NaN NaN 2 NaN NaN NaN NaN NaN NaN NaN', sec(50), sec(50), [1], 30],
    [1436, 'NaN NaN 1 NaN NaN 2 NaN NaN NaN NaN NaN NaN NaN', min(2), min(2), [], 30],
  ] as const)('line %d: %s', (_l, series, evalMs, rangeMs, args, want) => {
    expect(integral(selectPoints(series, sec(10), evalMs, rangeMs), rangeCtx(evalMs, rangeMs), args)).toBe(want);
  });

  it('invalid strategies fall back to trapezoidal (Prometheus warns)', () => {
    expect([integralStrategy(3), integralStrategy(0.5), integralStrategy(NaN), integralStrategy(-1), integralStrategy(undefined)]).toEqual([2, 2, 2, 2, 2]);
    expect(integralStrategy(1)).toBe(1);
  });
});
