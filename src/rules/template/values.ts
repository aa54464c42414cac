/**
 * The Go values a Prometheus template can see, with their Go type names (execution errors print them), as
 * JavaScript values:
 *
 * | Go | here |
 * |---|---|
 * | invalid `reflect.Value` / nil interface | `undefined` (prints `<no value>`) |
 * | `string` | `string` |
 * | `bool` | `boolean` |
 * | `float64` | `number` |
 * | `int` (untyped integer constants, `len`) | {@link GoInt} |
 * | `map[string]string`, `map[string]interface {}` | {@link GoMap} |
 * | `template.queryResult` (`[]*sample`) | {@link GoQueryResult} |
 * | `*template.sample` | {@link GoSample} |
 * | the alert data struct (`.Labels`, `.ExternalLabels`, `.ExternalURL`, `.Value`) | {@link GoAlertData} |
 * | `*time.Time`, `*time.Duration` (`toTime`, `toDuration`) | {@link GoTime}, {@link GoDuration} |
 * | `template.HTML` (`safeHtml`) | {@link GoHTML} |
 * | `complex128` constants | {@link GoComplex} |
 */

/** A Go integer: `int` (constants, `len`), `int64` (time methods) or `uint8` (a byte of `index "s" 0`). */
export class GoInt {
  constructor(
    readonly v: bigint,
    readonly type: 'int' | 'int64' | 'uint8' = 'int',
  ) {}
  get unsigned(): boolean {
    return this.type === 'uint8';
  }
}

/** Go `complex128` (only from literals such as `1i`). */
export class GoComplex {
  constructor(readonly re: number, readonly im: number) {}
}

/** A Go map with string keys; `elem` is its element type. A nil map has `entries` undefined. */
export class GoMap {
  constructor(
    readonly elem: 'string' | 'any',
    readonly entries: ReadonlyMap<string, GoValue> | undefined,
  ) {}
  get typeName(): string {
    return this.elem === 'string' ? 'map[string]string' : 'map[string]interface {}';
  }
  /** Keys in Go's `fmtsort` order (byte-wise; JavaScript's code-unit order agrees for the BMP). */
  sortedKeys(): string[] {
    return this.entries === undefined ? [] : [...this.entries.keys()].sort(compareGoStrings);
  }
}

/** `*template.sample`; `nil` when `isNil`. */
export class GoSample {
  constructor(
    readonly labels: GoMap,
    readonly value: GoValue,
    readonly isNil = false,
  ) {}
}

/** `template.queryResult`; `items` undefined for a nil slice. */
export class GoQueryResult {
  constructor(readonly items: GoSample[] | undefined) {}
  get length(): number {
    return this.items?.length ?? 0;
  }
}

/** The anonymous struct of `template.AlertTemplateData`. */
export class GoAlertData {
  constructor(
    readonly labels: GoMap,
    readonly externalLabels: GoMap,
    readonly externalURL: string,
    readonly value: GoValue,
  ) {}
  static readonly typeName =
    'struct { Labels map[string]string; ExternalLabels map[string]string; ExternalURL string; Value interface {} }';
}

/** `*time.Time` in UTC, nanoseconds since the epoch (`nil` when undefined). */
export class GoTime {
  constructor(readonly unixNano: bigint | undefined) {}
}

/** `*time.Duration`, nanoseconds. */
export class GoDuration {
  constructor(readonly ns: bigint | undefined) {}
}

/** `template.HTML` (html/template), a named string type. */
export class GoHTML {
  constructor(readonly s: string) {}
}

export type GoValue =
  | undefined
  | string
  | boolean
  | number
  | GoInt
  | GoComplex
  | GoMap
  | GoSample
  | GoQueryResult
  | GoAlertData
  | GoTime
  | GoDuration
  | GoHTML;

/** Go's byte-wise string order (UTF-8 bytes compare like code points; fix surrogates vs U+E000–U+FFFF). */
export function compareGoStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i) as number;
    const y = b.codePointAt(i) as number;
    if (x !== y) return x < y ? -1 : 1;
    if (x > 0xffff) i++;
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

/** The Go type of a value, as `reflect.Type.String()` prints it. */
export function goTypeName(v: GoValue): string {
  if (v === undefined) return '<nil>';
  switch (typeof v) {
    case 'string':
      return 'string';
    case 'boolean':
      return 'bool';
    case 'number':
      return 'float64';
  }
  if (v instanceof GoInt) return v.type;
  if (v instanceof GoComplex) return 'complex128';
  if (v instanceof GoMap) return v.typeName;
  if (v instanceof GoSample) return '*template.sample';
  if (v instanceof GoQueryResult) return 'template.queryResult';
  if (v instanceof GoAlertData) return GoAlertData.typeName;
  if (v instanceof GoTime) return '*time.Time';
  if (v instanceof GoDuration) return '*time.Duration';
  return 'template.HTML';
}

/** Go's reflect kind, for the builtins that switch on it. */
export type GoKind = 'invalid' | 'string' | 'bool' | 'float' | 'int' | 'complex' | 'map' | 'slice' | 'ptr' | 'struct';

export function goKind(v: GoValue): GoKind {
  if (v === undefined) return 'invalid';
  switch (typeof v) {
    case 'string':
      return 'string';
    case 'boolean':
      return 'bool';
    case 'number':
      return 'float';
  }
  if (v instanceof GoInt) return 'int';
  if (v instanceof GoComplex) return 'complex';
  if (v instanceof GoMap) return 'map';
  if (v instanceof GoQueryResult) return 'slice';
  if (v instanceof GoAlertData) return 'struct';
  if (v instanceof GoHTML) return 'string';
  return 'ptr';
}

/** The type name after Go's `indirect` (pointers dereferenced): `time.Time`, `template.sample`. */
export function goElemTypeName(v: GoValue): string {
  return goKind(v) === 'ptr' ? goTypeName(v).replace(/^\*/, '') : goTypeName(v);
}

/** Whether a pointer-kind value is nil. */
export function isNilPtr(v: GoValue): boolean {
  if (v instanceof GoSample) return v.isNil;
  if (v instanceof GoTime) return v.unixNano === undefined;
  if (v instanceof GoDuration) return v.ns === undefined;
  return false;
}

/** Go's `isTrue` (text/template exec.go): the truth of `if`, `with`, `and`, `or`, `not`. */
export function isTrue(v: GoValue): boolean {
  if (v === undefined) return false;
  switch (typeof v) {
    case 'string':
      return v.length > 0;
    case 'boolean':
      return v;
    case 'number':
      return v !== 0;
  }
  if (v instanceof GoInt) return v.v !== 0n;
  if (v instanceof GoComplex) return v.re !== 0 || v.im !== 0;
  if (v instanceof GoMap) return v.entries !== undefined && v.entries.size > 0;
  if (v instanceof GoQueryResult) return v.length > 0;
  if (v instanceof GoHTML) return v.s.length > 0;
  if (v instanceof GoAlertData) return true;
  return !isNilPtr(v);
}

/** A `map[string]string` from a label record. */
export function stringMap(labels: Readonly<Record<string, string>>): GoMap {
  return new GoMap('string', new Map(Object.entries(labels)));
}
