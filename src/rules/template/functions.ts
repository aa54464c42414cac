/**
 * How a template function is described to the executor: its Go parameter types (they decide how literals and values
 * are converted, and the "wrong type" / "wrong number of args" errors), and its body. A body reports a Go error (the
 * function's returned `error`, or a recovered panic) by throwing {@link GoCallError}; the executor turns it into
 * `error calling NAME: MESSAGE`, as Go's `safeCall`.
 */
import type { GoValue } from './values.js';

/**
 * Go parameter types used by the builtins and Prometheus's functions:
 * `string`, `any` (`interface {}`), `rv` (`reflect.Value`, the builtins), `queryResult`, `sample` (`*sample`).
 */
export type ParamType = 'string' | 'any' | 'rv' | 'queryResult' | 'sample';

/** The Go spelling of a parameter type (for error messages). */
export function paramTypeName(t: ParamType): string {
  switch (t) {
    case 'string':
      return 'string';
    case 'any':
      return 'interface {}';
    case 'rv':
      return 'reflect.Value';
    case 'queryResult':
      return 'template.queryResult';
    case 'sample':
      return '*template.sample';
  }
}

/** A function the template can call. */
export interface GoFunc {
  /** Fixed parameters. */
  readonly params: readonly ParamType[];
  /** Element type of a trailing `...` parameter, if variadic. */
  readonly variadic?: ParamType;
  /** The body; throws GoCallError for a Go error. */
  readonly call: (args: GoValue[]) => GoValue;
}

/** A Go error returned (or panicked) by a template function. */
export class GoCallError extends Error {}

/** Signal that `query(q)` needs an answer the synchronous executor does not have yet (see expander.ts). */
export class NeedQuery extends Error {
  constructor(readonly expr: string) {
    super(`query ${expr} pending`);
  }
}

export type FuncMap = ReadonlyMap<string, GoFunc>;
