import type { RangeContext } from '../../../../src/promql/functions/types.js';
import type { PromSemantics } from '../../../../src/promql/semantics.js';
import type { Points } from '../../../../src/promql/value.js';

/**
 * Test helpers: Prometheus's promqltest series notation for float series (`load <step>` lines:
 * `1 2 _ NaN Inf`, `a+bxN`, `a-bxN`, `axN` = a repeated N+1 times, `_` = no sample, `_xN` = N+1 gaps) and the
 * 3.x range selection `(t − range, t]` of a loaded series, to run range functions the way the engine would.
 */

function parseValue(s: string): number {
  if (s === 'Inf' || s === '+Inf') return Infinity;
  if (s === '-Inf') return -Infinity;
  if (s === 'NaN') return NaN;
  return Number(s);
}

/** The values of a promqltest series at step indexes 0, 1, …; undefined = no sample (`_`). */
export function expandSeries(notation: string): Array<number | undefined> {
  const out: Array<number | undefined> = [];
  for (const tok of notation.trim().split(/\s+/)) {
    const gap = /^_(?:x(\d+))?$/.exec(tok);
    if (gap !== null) {
      const n = gap[1] === undefined ? 1 : Number(gap[1]) + 1;
      for (let i = 0; i < n; i++) out.push(undefined);
      continue;
    }
    const rep = /^([^x]+?)(?:([+-])([^x]+))?x(\d+)$/.exec(tok);
    if (rep !== null) {
      const a = parseValue(rep[1] as string);
      const b = rep[3] === undefined ? 0 : parseValue(rep[3]) * (rep[2] === '-' ? -1 : 1);
      const n = Number(rep[4]);
      for (let k = 0; k <= n; k++) out.push(a + k * b);
      continue;
    }
    out.push(parseValue(tok));
  }
  return out;
}

/** The points of `notation` loaded with `stepMs` inside `(endMs − rangeMs, endMs]` (3.x) or closed (2.x). */
export function selectPoints(notation: string, stepMs: number, endMs: number, rangeMs: number, semantics: PromSemantics = '3.x'): Points {
  const t: number[] = [];
  const v: number[] = [];
  expandSeries(notation).forEach((value, i) => {
    const ts = i * stepMs;
    const inside = semantics === '3.x' ? ts > endMs - rangeMs : ts >= endMs - rangeMs;
    if (value !== undefined && inside && ts <= endMs) {
      t.push(ts);
      v.push(value);
    }
  });
  return { t: Float64Array.from(t), v: Float64Array.from(v), n: t.length };
}

/** A RangeContext for a selector `[rangeMs]` evaluated at `evalMs` (no offset / `@`). */
export function rangeCtx(evalMs: number, rangeMs: number, semantics: PromSemantics = '3.x'): RangeContext {
  return { rangeStartMs: evalMs - rangeMs, rangeEndMs: evalMs, evalTimeMs: evalMs, semantics };
}

export const sec = (s: number): number => s * 1000;
export const min = (m: number): number => m * 60_000;
