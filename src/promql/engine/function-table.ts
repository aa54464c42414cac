import type { PromSemantics } from '../semantics.js';
import type { FunctionTraits, RangeFunction, ValueFunction } from '../functions/types.js';
import type { Vector } from '../value.js';

/**
 * How the evaluator finds a PromQL function's implementation: the shape of the function library's registry
 * entries (`FunctionEntry` of src/promql/functions/registry.ts), restated structurally here so that the evaluator
 * depends on the contract, not on the library module (`lookupImplementation` is a {@link FunctionLookup}).
 *
 * - `range`: per series of the matrix argument, `impl(points, ctx, scalarArgs)`;
 * - `value`: per sample of the vector argument, `impl(v, scalarArgs)`; `defaultsToTime`: with no argument it
 *   applies to the evaluation time in seconds (date functions);
 * - `vector`: on the whole vector argument, `impl(vector, scalarArgs, stringArgs, ctx)` (sorts, label_*,
 *   histogram_*, timestamp: a sample's `t` is its stored time for a bare selector argument);
 * - `scalar`: `impl(scalarArgs, ctx)` (time, pi, …);
 * - `special`: implemented by the evaluator (absent, absent_over_time, scalar, vector, start/end/range/step);
 * - `unsupported`: the evaluator raises PromQLUnsupportedError with `reason`.
 */
export interface FunctionCallContext {
  readonly evalTimeMs: number;
  readonly semantics: PromSemantics;
}

interface Common {
  readonly name: string;
  readonly traits: FunctionTraits;
}

export type EngineFunction =
  | (Common & { readonly kind: 'range'; readonly impl: RangeFunction })
  | (Common & { readonly kind: 'value'; readonly impl: ValueFunction; readonly defaultsToTime: boolean })
  | (Common & {
      readonly kind: 'vector';
      readonly impl: (vector: Vector, scalarArgs: readonly number[], stringArgs: readonly string[], ctx: FunctionCallContext) => Vector;
    })
  | (Common & { readonly kind: 'scalar'; readonly impl: (scalarArgs: readonly number[], ctx: FunctionCallContext) => number })
  | (Common & { readonly kind: 'special' })
  | (Common & { readonly kind: 'unsupported'; readonly reason: string });

/** Finds the implementation of a function by name; undefined for a name the library does not have. */
export type FunctionLookup = (name: string) => EngineFunction | undefined;

/** The built-in minimum (the `special` functions the evaluator implements itself), used without a library. */
export const SPECIAL_ONLY: FunctionLookup = (name) =>
  ['absent', 'absent_over_time', 'scalar', 'vector', 'start', 'end', 'range', 'step'].includes(name)
    ? { name, traits: { keepsName: false }, kind: 'special' }
    : undefined;
