/**
 * An argument whose static Go type is `interface {}` (a struct's or sample's `.Value`, a `map[string]interface {}`
 * entry). The executor unwraps interfaces everywhere Go does; only `slice` sees the difference (Go's `indexArg`
 * does not unwrap: "cannot index slice/array with type interface {}").
 */
import type { GoValue } from './values.js';

export class IfaceIndex {
  constructor(readonly v: GoValue) {}
}
