/**
 * Go text/template's predefined functions (Go 1.26 `text/template/funcs.go`): `and or not len index slice print
 * printf println html js urlquery call eq ne lt le gt ge`, with Go's error texts. `and`/`or` short-circuit and `call`
 * are special-cased by the executor; their entries here only carry the signature.
 */
import { sprint, sprintf, sprintln, sprintValue } from './go-fmt.js';
import { GoCallError, type FuncMap, type GoFunc } from './functions.js';
import { isGoPrint } from './go-quote.js';
import { IfaceIndex } from './iface.js';
import {
  GoAlertData, GoComplex, GoHTML, GoInt, GoMap, GoQueryResult, GoSample, goElemTypeName, goKind, goTypeName, isNilPtr, isTrue, NIL_IFACE, type GoValue,
} from './values.js';

/** `url.QueryEscape`: unreserved bytes kept, space as `+`, the rest `%XX`. */
export function queryEscape(s: string): string {
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(b);
    if (/[A-Za-z0-9\-_.~]/.test(c)) out += c;
    else if (b === 0x20) out += '+';
    else out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** `printableValue` then `fmt.Sprint`, or the string itself for one string argument (`evalArgs`). */
function evalArgs(args: readonly GoValue[]): string {
  if (args.length === 1 && typeof args[0] === 'string') return args[0];
  // printableValue dereferences pointers (a `*sample` prints `{…}`, not `&{…}`) and turns nil into "<no value>".
  return sprint(args.map((a) => (a === undefined ? '<no value>' : a)), true);
}

/** `template.HTMLEscapeString`. */
export function htmlEscape(s: string): string {
  return s.replace(/[\0"'&<>]/g, (c) => {
    switch (c) {
      case '\0': return '\uFFFD';
      case '"': return '&#34;';
      case "'": return '&#39;';
      case '&': return '&amp;';
      case '<': return '&lt;';
      default: return '&gt;';
    }
  });
}

/** `template.JSEscapeString`. */
export function jsEscape(s: string): string {
  let out = '';
  for (const ch of s) {
    const r = ch.codePointAt(0) as number;
    switch (ch) {
      case '\\': out += '\\\\'; continue;
      case "'": out += "\\'"; continue;
      case '"': out += '\\"'; continue;
      case '<': out += '\\u003C'; continue;
      case '>': out += '\\u003E'; continue;
      case '&': out += '\\u0026'; continue;
      case '=': out += '\\u003D'; continue;
    }
    if (r < 0x20) out += `\\u00${r.toString(16).toUpperCase().padStart(2, '0')}`;
    else if (r < 0x80) out += ch;
    else if (isGoPrint(r)) out += ch;
    else out += `\\u${r.toString(16).toUpperCase().padStart(4, '0')}`;
  }
  return out;
}

type BasicKind = 'invalid' | 'bool' | 'complex' | 'int' | 'uint' | 'float' | 'string';

function basicKind(v: GoValue): BasicKind {
  if (v instanceof GoInt && v.unsigned) return 'uint';
  const k = goKind(v);
  switch (k) {
    case 'bool':
    case 'int':
    case 'float':
    case 'string':
    case 'complex':
      return k;
  }
  return 'invalid';
}

function bigOf(v: GoValue): bigint {
  return (v as GoInt).v;
}

function strOf(v: GoValue): string {
  return v instanceof GoHTML ? v.s : (v as string);
}

function eqPair(a: GoValue, b: GoValue): boolean {
  const k1 = basicKind(a);
  const k2 = basicKind(b);
  if (k1 !== k2) {
    // int and uint compare by value (a negative int never equals a uint).
    if ((k1 === 'int' && k2 === 'uint') || (k1 === 'uint' && k2 === 'int')) return bigOf(a) === bigOf(b);
    if (a !== undefined && b !== undefined) {
      throw new GoCallError(`incompatible types for comparison: ${goTypeName(a)} and ${goTypeName(b)}`);
    }
    return false;
  }
  switch (k1) {
    case 'bool':
      return a === b;
    case 'complex':
      return (a as GoComplex).re === (b as GoComplex).re && (a as GoComplex).im === (b as GoComplex).im;
    case 'float':
      return a === b;
    case 'int':
    case 'uint':
      return bigOf(a) === bigOf(b);
    case 'string':
      return strOf(a) === strOf(b);
  }
  // Neither is a basic kind.
  const ka = goKind(a);
  const kb = goKind(b);
  if (ka !== kb && ka !== 'invalid' && kb !== 'invalid') {
    throw new GoCallError(sprintf('non-comparable types %s: ', [a]) + `${goTypeName(a)}, ${goTypeName(b)}: ${sprintValue(b)}`);
  }
  const nilA = a === undefined || isNilPtr(a) || (a instanceof GoMap && a.entries === undefined) || (a instanceof GoQueryResult && a.items === undefined);
  const nilB = b === undefined || isNilPtr(b) || (b instanceof GoMap && b.entries === undefined) || (b instanceof GoQueryResult && b.items === undefined);
  if (nilA || nilB) return nilA === nilB;
  // Maps, slices and the alert data struct (it holds maps) are not comparable in Go.
  if (b instanceof GoMap || b instanceof GoQueryResult || b instanceof GoAlertData) {
    throw new GoCallError(sprintf('non-comparable type %s: ', [b]) + goTypeName(b));
  }
  return a === b;
}

function lt(a: GoValue, b: GoValue): boolean {
  const k1 = basicKind(a);
  if (k1 === 'invalid') throw new GoCallError('invalid type for comparison');
  const k2 = basicKind(b);
  if (k2 === 'invalid') throw new GoCallError('invalid type for comparison');
  if (k1 !== k2) {
    if ((k1 === 'int' && k2 === 'uint') || (k1 === 'uint' && k2 === 'int')) return bigOf(a) < bigOf(b);
    throw new GoCallError(`incompatible types for comparison: ${goTypeName(a)} and ${goTypeName(b)}`);
  }
  switch (k1) {
    case 'bool':
    case 'complex':
      throw new GoCallError('invalid type for comparison');
    case 'float':
      return (a as number) < (b as number);
    case 'int':
    case 'uint':
      return bigOf(a) < bigOf(b);
    default: {
      // Go compares strings byte-wise.
      return Buffer.compare(Buffer.from(strOf(a)), Buffer.from(strOf(b))) < 0;
    }
  }
}

function indexArg(index: GoValue, cap: number): number {
  if (index instanceof IfaceIndex) throw new GoCallError('cannot index slice/array with type interface {}');
  if (index instanceof GoInt) {
    const x = index.v;
    if (x < 0n || x > BigInt(cap)) throw new GoCallError(`index out of range: ${x}`);
    return Number(x);
  }
  if (index === undefined) throw new GoCallError('cannot index slice/array with nil');
  throw new GoCallError(`cannot index slice/array with type ${goTypeName(index)}`);
}

/** A byte of a string (`index "abc" 0` is a `uint8`), printed as its number. */
function byteAt(s: string, i: number): GoValue {
  return new GoInt(BigInt(Buffer.from(s, 'utf8')[i] as number), 'uint8');
}

function index(item: GoValue, indexes: GoValue[]): GoValue {
  if (item === undefined) throw new GoCallError('index of untyped nil');
  let cur: GoValue = item;
  for (const idx of indexes) {
    if (isNilPtr(cur) || cur === NIL_IFACE) throw new GoCallError('index of nil pointer');
    if (typeof cur === 'string' || cur instanceof GoHTML) {
      const s = strOf(cur);
      const len = Buffer.byteLength(s);
      const x = indexArg(idx, len);
      if (x >= len) throw new GoCallError(`reflect: string index out of range`);
      cur = byteAt(s, x);
    } else if (cur instanceof GoQueryResult) {
      const x = indexArg(idx, cur.length);
      if (x >= cur.length) throw new GoCallError('reflect: slice index out of range');
      cur = (cur.items as GoSample[])[x];
    } else if (cur instanceof GoMap) {
      let key: string;
      if (idx === undefined) throw new GoCallError('value is nil; should be of type string');
      else if (typeof idx === 'string') key = idx;
      else throw new GoCallError(`value has type ${goTypeName(idx)}; should be string`);
      const got = cur.entries?.get(key);
      cur = got !== undefined ? got : cur.elem === 'string' ? '' : NIL_IFACE;
    } else if (cur instanceof GoSample) {
      throw new GoCallError(`can't index item of type ${goElemTypeName(cur)}`);
    } else {
      throw new GoCallError(`can't index item of type ${goElemTypeName(cur)}`);
    }
  }
  return cur;
}

function slice(item: GoValue, indexes: GoValue[]): GoValue {
  if (item === undefined) throw new GoCallError('slice of untyped nil');
  if (isNilPtr(item)) throw new GoCallError('slice of nil pointer');
  if (indexes.length > 3) throw new GoCallError(`too many slice indexes: ${indexes.length}`);
  let cap: number;
  let len: number;
  const isStr = typeof item === 'string' || item instanceof GoHTML;
  if (isStr) {
    if (indexes.length === 3) throw new GoCallError('cannot 3-index slice a string');
    cap = len = Buffer.byteLength(strOf(item));
  } else if (item instanceof GoQueryResult) {
    cap = len = item.length;
  } else throw new GoCallError(`can't slice item of type ${goElemTypeName(item)}`);
  const idx = [0, len, 0];
  indexes.forEach((ix, i) => {
    idx[i] = indexArg(ix, cap);
  });
  const [a, b] = idx as [number, number, number];
  if (a > b) throw new GoCallError(`invalid slice index: ${a} > ${b}`);
  if (indexes.length === 3 && b > (idx[2] as number)) throw new GoCallError(`invalid slice index: ${b} > ${idx[2]}`);
  if (isStr) {
    const s = Buffer.from(strOf(item), 'utf8').subarray(a, b).toString('utf8');
    return item instanceof GoHTML ? new GoHTML(s) : s;
  }
  return new GoQueryResult(((item as GoQueryResult).items ?? []).slice(a, b));
}

function length(item: GoValue): GoValue {
  if (isNilPtr(item) || item === NIL_IFACE) throw new GoCallError('len of nil pointer');
  if (item === undefined) throw new GoCallError('reflect: call of reflect.Value.Type on zero Value');
  if (typeof item === 'string') return new GoInt(BigInt(Buffer.byteLength(item)));
  if (item instanceof GoHTML) return new GoInt(BigInt(Buffer.byteLength(item.s)));
  if (item instanceof GoMap) return new GoInt(BigInt(item.entries?.size ?? 0));
  if (item instanceof GoQueryResult) return new GoInt(BigInt(item.length));
  throw new GoCallError(`len of type ${goElemTypeName(item)}`);
}

const f = (params: GoFunc['params'], variadic: GoFunc['variadic'], call: GoFunc['call']): GoFunc =>
  variadic === undefined ? { params, call } : { params, variadic, call };

/** The builtins, keyed by name. */
export const BUILTINS: FuncMap = new Map<string, GoFunc>([
  ['and', f(['rv'], 'rv', () => undefined)],
  ['or', f(['rv'], 'rv', () => undefined)],
  ['call', f(['rv'], 'rv', () => undefined)],
  ['not', f(['rv'], undefined, (a) => !isTrue(a[0]))],
  ['len', f(['rv'], undefined, (a) => length(a[0]))],
  ['index', f(['rv'], 'rv', (a) => index(a[0], a.slice(1)))],
  ['slice', f(['rv'], 'rv', (a) => slice(a[0], a.slice(1)))],
  ['print', f([], 'any', (a) => sprint(a))],
  ['printf', f(['string'], 'any', (a) => sprintf(a[0] as string, a.slice(1)))],
  ['println', f([], 'any', (a) => sprintln(a))],
  ['html', f([], 'any', (a) => htmlEscape(evalArgs(a)))],
  ['js', f([], 'any', (a) => jsEscape(evalArgs(a)))],
  ['urlquery', f([], 'any', (a) => queryEscape(evalArgs(a)))],
  ['eq', f(['rv'], 'rv', (a) => {
    if (a.length < 2) throw new GoCallError('missing argument for comparison');
    for (const b of a.slice(1)) if (eqPair(a[0], b)) return true;
    return false;
  })],
  ['ne', f(['rv', 'rv'], undefined, (a) => !eqPair(a[0], a[1]))],
  ['lt', f(['rv', 'rv'], undefined, (a) => lt(a[0], a[1]))],
  ['le', f(['rv', 'rv'], undefined, (a) => lt(a[0], a[1]) || eqPair(a[0], a[1]))],
  ['gt', f(['rv', 'rv'], undefined, (a) => !(lt(a[0], a[1]) || eqPair(a[0], a[1])))],
  ['ge', f(['rv', 'rv'], undefined, (a) => !lt(a[0], a[1]))],
]);
