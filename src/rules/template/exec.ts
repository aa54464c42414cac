/**
 * Executor of a parsed Go text/template, a port of Go 1.26 `text/template/exec.go` over the value model of
 * values.ts, with `missingkey=zero` (Prometheus's option): a missing `map[string]string` key is `""`, a missing
 * `map[string]interface {}` key prints `<no value>`. Errors carry Go's text:
 * `template: NAME:LINE:COL: executing "NAME" at <NODE>: MESSAGE`, where COL is a byte offset as in Go.
 *
 * Execution is synchronous; the `query` function signals a missing answer with `NeedQuery` (see expander.ts).
 */
import { sprintValue } from './go-fmt.js';
import { formatGoTimeLayout } from './go-time.js';
import { goQuote } from './go-quote.js';
import { GoCallError, paramTypeName, type FuncMap, type GoFunc, type ParamType } from './functions.js';
import type {
  ArgNode, BranchNode, ChainNode, CommandNode, FieldNode, IdentifierNode, ListNode, Node, NumberNode, PipeNode,
  TemplateNode, VariableNode,
} from './nodes.js';
import { IfaceIndex } from './iface.js';
import { nodeString } from './nodes.js';
import type { TreeSet } from './parser.js';
import {
  GoAlertData, GoComplex, GoDuration, GoHTML, GoInt, GoMap, GoQueryResult, GoSample, GoTime, goTypeName, isNilPtr,
  isTrue, NIL_IFACE, type GoValue,
} from './values.js';

/** A failed execution; `message` is Go's full error text (`template: …`). */
export class ExecFailure extends Error {}

const MISSING: unique symbol = Symbol('missing');
type Final = GoValue | typeof MISSING;

class Break {}
class Continue {}
const BREAK = new Break();
const CONTINUE = new Continue();

const MAX_EXEC_DEPTH = 100000;

/**
 * Range iterations one expansion may run. Go has no limit (`{{ range toDuration 90 }}` counts to 9·10^10 and the
 * rule's goroutine never finishes); here it would block the event loop and the whole sidecar, so the expansion
 * fails instead (a documented difference).
 */
export const MAX_RANGE_ITERATIONS = 10_000_000;

/** UTF-8 byte length of s[from, to). */
function byteLen(s: string, from: number, to: number): number {
  return Buffer.byteLength(s.slice(from, to), 'utf8');
}

interface Variable {
  name: string;
  value: GoValue;
}

class State {
  node: Node | undefined;
  vars: Variable[];
  out: string[] = [];
  depth = 0;
  iterations = 0;
  /** Whether the last field evaluated has a static interface type (struct/sample `.Value`, `map[string]interface {}`). */
  lastFieldIface = false;

  constructor(
    /** Name of the template being executed (Go's `s.tmpl.Name()`). */
    public tmplName: string,
    /** The top-level template's name and text (Go's `ParseName` and `tree.text`, for error locations). */
    private readonly parseName: string,
    private readonly text: string,
    private readonly trees: TreeSet,
    private readonly funcs: FuncMap,
    private readonly builtins: FuncMap,
    dot: GoValue,
  ) {
    this.vars = [{ name: '$', value: dot }];
  }

  // --- errors ---------------------------------------------------------------------------------------------

  errorf(msg: string): never {
    if (this.node === undefined) throw new ExecFailure(`template: ${this.tmplName}: ${msg}`);
    const pos = this.node.pos;
    const before = this.text.slice(0, pos);
    const nl = before.lastIndexOf('\n');
    const col = nl < 0 ? byteLen(this.text, 0, pos) : byteLen(this.text, nl + 1, pos);
    let line = 1;
    for (let i = 0; i < pos; i++) if (this.text.charCodeAt(i) === 0x0a) line++;
    throw new ExecFailure(
      `template: ${this.parseName}:${line}:${col}: executing ${goQuote(this.tmplName)} at <${nodeString(this.node)}>: ${msg}`,
    );
  }

  // --- variables ------------------------------------------------------------------------------------------

  mark(): number {
    return this.vars.length;
  }

  pop(mark: number): void {
    this.vars.length = mark;
  }

  setVar(name: string, value: GoValue): void {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      const v = this.vars[i] as Variable;
      if (v.name === name) {
        v.value = value;
        return;
      }
    }
    this.errorf(`undefined variable: ${name}`);
  }

  setTopVar(n: number, value: GoValue): void {
    (this.vars[this.vars.length - n] as Variable).value = value;
  }

  varValue(name: string): GoValue {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      const v = this.vars[i] as Variable;
      if (v.name === name) return v.value;
    }
    this.errorf(`undefined variable: ${name}`);
  }

  // --- walking --------------------------------------------------------------------------------------------

  walk(dot: GoValue, node: Node): void {
    this.node = node;
    switch (node.kind) {
      case 'action': {
        const val = this.evalPipeline(dot, node.pipe);
        if (node.pipe.decl.length === 0) this.printValue(node, val);
        return;
      }
      case 'break':
        throw BREAK;
      case 'continue':
        throw CONTINUE;
      case 'if':
      case 'with':
        this.walkIfOrWith(dot, node);
        return;
      case 'list':
        for (const n of node.nodes) this.walk(dot, n);
        return;
      case 'range':
        this.walkRange(dot, node);
        return;
      case 'template':
        this.walkTemplate(dot, node);
        return;
      case 'text':
        this.out.push(node.text);
        return;
      default:
        this.errorf(`unknown node: ${nodeString(node)}`);
    }
  }

  private walkIfOrWith(dot: GoValue, node: BranchNode): void {
    const mark = this.mark();
    try {
      const val = this.evalPipeline(dot, node.pipe);
      if (isTrue(val)) this.walk(node.kind === 'with' ? val : dot, node.list);
      else if (node.elseList !== undefined) this.walk(dot, node.elseList);
    } finally {
      this.pop(mark);
    }
  }

  private walkRange(dot: GoValue, r: BranchNode): void {
    this.node = r;
    const outerMark = this.mark();
    try {
      const val = this.evalPipeline(dot, r.pipe);
      const mark = this.mark();
      const decl = r.pipe.decl;
      const oneIteration = (index: GoValue, elem: GoValue): boolean => {
        if (++this.iterations > MAX_RANGE_ITERATIONS) {
          this.node = r;
          this.errorf(`range exceeds ${MAX_RANGE_ITERATIONS} iterations in one expansion (a limit of this sidecar, not of Go)`);
        }
        if (decl.length > 0) {
          if (r.pipe.isAssign) {
            if (decl.length > 1) this.setVar(decl[0]?.ident[0] as string, index);
            else this.setVar(decl[0]?.ident[0] as string, elem);
          } else this.setTopVar(1, elem);
        }
        if (decl.length > 1) {
          if (r.pipe.isAssign) this.setVar(decl[1]?.ident[0] as string, elem);
          else this.setTopVar(2, index);
        }
        try {
          this.walk(elem, r.list);
        } catch (e) {
          if (e === BREAK) return false;
          if (e !== CONTINUE) throw e;
        } finally {
          this.pop(mark);
        }
        return true;
      };
      let ran = false;
      if (val instanceof GoInt || (val instanceof GoDuration && val.ns !== undefined)) {
        // Go ranges over integers (Go 1.22); a *time.Duration is dereferenced to its int64 nanoseconds.
        if (decl.length > 1) this.errorf(`can't use ${sprintValue(val, true)} to iterate over more than one variable`);
        const n = val instanceof GoInt ? val.v : (val.ns as bigint);
        const type = val instanceof GoInt ? val.type : 'int64';
        for (let i = 0n; i < n; i++) {
          ran = true;
          if (!oneIteration(undefined, new GoInt(i, type))) break;
        }
      } else if (val instanceof GoQueryResult) {
        const items = val.items ?? [];
        for (let i = 0; i < items.length; i++) {
          ran = true;
          if (!oneIteration(new GoInt(BigInt(i)), items[i])) break;
        }
      } else if (val instanceof GoMap) {
        const entries = val.entries;
        for (const k of val.sortedKeys()) {
          ran = true;
          const elem = entries?.get(k);
          if (!oneIteration(k, elem === undefined && val.elem === 'any' ? NIL_IFACE : elem)) break;
        }
      } else if (val !== undefined) {
        this.errorf(`range can't iterate over ${sprintValue(val, true)}`);
      }
      if (!ran && r.elseList !== undefined) this.walk(dot, r.elseList);
    } finally {
      this.pop(outerMark);
    }
  }

  private walkTemplate(dot: GoValue, t: TemplateNode): void {
    this.node = t;
    const tree = this.trees.get(t.name);
    if (tree === undefined) this.errorf(`template ${goQuote(t.name)} not defined`);
    if (this.depth === MAX_EXEC_DEPTH) this.errorf(`exceeded maximum template depth (${MAX_EXEC_DEPTH})`);
    const newDot = this.evalPipeline(dot, t.pipe);
    const saved = { tmplName: this.tmplName, vars: this.vars, depth: this.depth };
    this.tmplName = t.name;
    this.vars = [{ name: '$', value: newDot }];
    this.depth++;
    try {
      this.walk(newDot, tree);
    } finally {
      this.tmplName = saved.tmplName;
      this.vars = saved.vars;
      this.depth = saved.depth;
    }
  }

  // --- pipelines and commands -----------------------------------------------------------------------------

  evalPipeline(dot: GoValue, pipe: PipeNode | undefined): GoValue {
    if (pipe === undefined) return undefined;
    this.node = pipe;
    let value: Final = MISSING;
    for (const cmd of pipe.cmds) {
      value = this.evalCommand(dot, cmd, value);
      // Go unwraps an empty-interface result after every command: a nil interface becomes no value.
      if (value === NIL_IFACE) value = undefined;
    }
    const v = value === MISSING ? undefined : value;
    for (const variable of pipe.decl) {
      if (pipe.isAssign) this.setVar(variable.ident[0] as string, v);
      else this.vars.push({ name: variable.ident[0] as string, value: v });
    }
    return v;
  }

  private notAFunction(args: readonly ArgNode[], final: Final): void {
    if (args.length > 1 || final !== MISSING) this.errorf(`can't give argument to non-function ${nodeString(args[0] as ArgNode)}`);
  }

  private evalCommand(dot: GoValue, cmd: CommandNode, final: Final): GoValue {
    const first = cmd.args[0] as ArgNode;
    switch (first.kind) {
      case 'field':
        return this.evalFieldNode(dot, first, cmd.args, final);
      case 'chain':
        return this.evalChainNode(dot, first, cmd.args, final);
      case 'identifier':
        return this.evalFunction(dot, first, cmd, cmd.args, final);
      case 'pipe':
        this.notAFunction(cmd.args, final);
        return this.evalPipeline(dot, first);
      case 'variable':
        return this.evalVariableNode(dot, first, cmd.args, final);
    }
    this.node = first;
    this.notAFunction(cmd.args, final);
    switch (first.kind) {
      case 'bool':
        return first.value;
      case 'dot':
        return dot;
      case 'nil':
        this.errorf('nil is not a command');
      case 'number':
        return this.idealConstant(first);
      case 'string':
        return first.text;
    }
  }

  private idealConstant(c: NumberNode): GoValue {
    this.node = c;
    if (c.isComplex) return new GoComplex(c.re, c.im);
    const isHexInt = c.text.length > 2 && c.text[0] === '0' && (c.text[1] === 'x' || c.text[1] === 'X') && !/[pP]/.test(c.text);
    const isRuneInt = c.text[0] === "'";
    if (c.isFloat && !isHexInt && !isRuneInt && /[.eEpP]/.test(c.text)) return c.float64;
    if (c.isInt) return new GoInt(c.int64);
    if (c.isUint) this.errorf(`${c.text} overflows int`);
    return undefined;
  }

  private evalFieldNode(dot: GoValue, field: FieldNode, args: readonly ArgNode[], final: Final): GoValue {
    this.node = field;
    return this.evalFieldChain(dot, dot, field, field.ident, args, final);
  }

  private evalChainNode(dot: GoValue, chain: ChainNode, args: readonly ArgNode[], final: Final): GoValue {
    this.node = chain;
    if (chain.node.kind === 'nil') this.errorf(`indirection through explicit nil in ${nodeString(chain)}`);
    const pipe = this.evalArg(dot, undefined, chain.node);
    return this.evalFieldChain(dot, pipe, chain, chain.field, args, final);
  }

  private evalVariableNode(dot: GoValue, variable: VariableNode, args: readonly ArgNode[] | undefined, final: Final): GoValue {
    this.node = variable;
    const value = this.varValue(variable.ident[0] as string);
    if (variable.ident.length === 1) {
      this.notAFunction(args ?? [variable], final);
      return value;
    }
    return this.evalFieldChain(dot, value, variable, variable.ident.slice(1), args, final);
  }

  private evalFieldChain(
    dot: GoValue, receiver: GoValue, node: Node, ident: readonly string[], args: readonly ArgNode[] | undefined, final: Final,
  ): GoValue {
    let r = receiver;
    for (let i = 0; i < ident.length - 1; i++) r = this.evalField(dot, ident[i] as string, undefined, MISSING, r);
    return this.evalField(dot, ident[ident.length - 1] as string, args, final, r);
  }

  private evalField(dot: GoValue, fieldName: string, args: readonly ArgNode[] | undefined, final: Final, receiver: GoValue): GoValue {
    this.lastFieldIface = false;
    if (receiver === undefined) return undefined;
    if (receiver === NIL_IFACE) this.errorf(`nil pointer evaluating interface {}.${fieldName}`);
    this.lastFieldIface =
      ((receiver instanceof GoAlertData || receiver instanceof GoSample) && fieldName === 'Value') ||
      (receiver instanceof GoMap && receiver.elem === 'any');
    const hasArgs = (args !== undefined && args.length > 1) || final !== MISSING;
    if (receiver instanceof GoMap) {
      // The common case first: $labels.job.
      if (hasArgs) this.errorf(`${fieldName} is not a method but has arguments`);
      const got = receiver.entries?.get(fieldName);
      if (got !== undefined) return got;
      // missingkey=zero: the element type's zero value ("" or a nil interface).
      return receiver.elem === 'string' ? '' : NIL_IFACE;
    }
    if (receiver instanceof GoAlertData) {
      let field: GoValue | null = null;
      switch (fieldName) {
        case 'Labels':
          field = receiver.labels;
          break;
        case 'ExternalLabels':
          field = receiver.externalLabels;
          break;
        case 'ExternalURL':
          field = receiver.externalURL;
          break;
        case 'Value':
          field = receiver.value;
          break;
      }
      if (field !== null) {
        if (hasArgs) this.errorf(`${fieldName} has arguments but cannot be invoked as function`);
        return field;
      }
    } else if (receiver instanceof GoSample) {
      if (fieldName === 'Labels' || fieldName === 'Value') {
        if (receiver.isNil) this.errorf(`nil pointer evaluating ${goTypeName(receiver)}.${fieldName}`);
        if (hasArgs) this.errorf(`${fieldName} has arguments but cannot be invoked as function`);
        return fieldName === 'Labels' ? receiver.labels : receiver.value;
      }
    } else if (receiver instanceof GoTime && fieldName === 'Format' && receiver.unixNano !== undefined) {
      // time.Time.Format(layout string) string, called like a function: `(toTime 0).Format "2006-01-02"`.
      const fmtArgs = args === undefined ? [] : args.slice(1);
      const numIn = fmtArgs.length + (final !== MISSING ? 1 : 0);
      if (numIn !== 1) this.errorf(`wrong number of args for Format: want 1 got ${numIn}`);
      const layout = fmtArgs.length === 1 ? this.evalArg(dot, 'string', fmtArgs[0] as ArgNode) : this.validateType(final as GoValue, 'string');
      return formatGoTimeLayout(receiver.unixNano, layout as string);
    } else if (receiver instanceof GoTime || receiver instanceof GoDuration) {
      const m = this.method(receiver, fieldName);
      if (m !== undefined) {
        if (hasArgs) this.errorf(`wrong number of args for ${fieldName}: want 0 got ${(args?.length ?? 1) - 1 + (final !== MISSING ? 1 : 0)}`);
        return m;
      }
    }
    this.errorf(`can't evaluate field ${fieldName} in type ${goTypeName(receiver)}`);
  }

  /** The argument-less methods of `time.Time` and `time.Duration` templates use most (and `Format`, in evalField). */
  private method(receiver: GoTime | GoDuration, name: string): GoValue {
    if (receiver instanceof GoTime) {
      const ns = receiver.unixNano;
      if (ns === undefined) return undefined;
      switch (name) {
        case 'Unix': {
          let s = ns / 1_000_000_000n;
          if (ns % 1_000_000_000n < 0n) s -= 1n;
          return new GoInt(s);
        }
        case 'UnixMilli':
          return new GoInt(ns / 1_000_000n - (ns % 1_000_000n < 0n ? 1n : 0n));
        case 'UnixNano':
          return new GoInt(ns);
        case 'UTC':
          return receiver;
        case 'String':
          return sprintValue(receiver);
      }
      return undefined;
    }
    const ns = receiver.ns;
    if (ns === undefined) return undefined;
    switch (name) {
      case 'Seconds':
        return Number(ns / 1_000_000_000n) + Number(ns % 1_000_000_000n) / 1e9;
      case 'Minutes':
        return Number(ns / 60_000_000_000n) + Number(ns % 60_000_000_000n) / 6e10;
      case 'Hours':
        return Number(ns / 3_600_000_000_000n) + Number(ns % 3_600_000_000_000n) / 3.6e12;
      case 'Milliseconds':
        return new GoInt(ns / 1_000_000n);
      case 'Nanoseconds':
        return new GoInt(ns);
      case 'String':
        return sprintValue(receiver);
    }
    return undefined;
  }

  private evalFunction(dot: GoValue, node: IdentifierNode, cmd: Node, args: readonly ArgNode[] | undefined, final: Final): GoValue {
    this.node = node;
    const name = node.ident;
    const fn = this.funcs.get(name) ?? this.builtins.get(name);
    if (fn === undefined) this.errorf(`${goQuote(name)} is not a defined function`);
    const isBuiltin = !this.funcs.has(name);
    return this.evalCall(dot, fn, isBuiltin, cmd, name, args, final);
  }

  private evalCall(
    dot: GoValue, fn: GoFunc, isBuiltin: boolean, node: Node, name: string, allArgs: readonly ArgNode[] | undefined, final: Final,
  ): GoValue {
    const args = allArgs === undefined ? [] : allArgs.slice(1);
    const nParams = fn.params.length + (fn.variadic !== undefined ? 1 : 0);
    const numIn = args.length + (final !== MISSING ? 1 : 0);
    let numFixed = args.length;
    if (fn.variadic !== undefined) {
      numFixed = fn.params.length;
      if (numIn < numFixed) this.errorf(`wrong number of args for ${name}: want at least ${numFixed} got ${args.length}`);
    } else if (numIn !== nParams) {
      this.errorf(`wrong number of args for ${name}: want ${nParams} got ${numIn}`);
    }
    if (isBuiltin && (name === 'and' || name === 'or')) {
      let v: GoValue;
      for (const arg of args) {
        v = this.evalArg(dot, 'rv', arg);
        if (isTrue(v) === (name === 'or')) return v;
      }
      if (final !== MISSING) v = final;
      return v;
    }
    const argv: GoValue[] = [];
    let i = 0;
    for (; i < numFixed && i < args.length; i++) argv.push(this.evalArg(dot, fn.params[i] as ParamType, args[i] as ArgNode));
    if (fn.variadic !== undefined) {
      for (; i < args.length; i++) {
        const node = args[i] as ArgNode;
        this.lastFieldIface = false;
        const v = this.evalArg(dot, fn.variadic, node);
        // slice does not unwrap interfaces in its indexes (Go's indexArg sees kind Interface).
        const viaField = node.kind === 'field' || node.kind === 'chain' || (node.kind === 'variable' && node.ident.length > 1);
        argv.push(isBuiltin && name === 'slice' && viaField && this.lastFieldIface ? (new IfaceIndex(v) as unknown as GoValue) : v);
      }
    }
    if (final !== MISSING) {
      let t: ParamType;
      if (fn.variadic !== undefined) t = numIn - 1 < numFixed ? (fn.params[numIn - 1] as ParamType) : fn.variadic;
      else t = fn.params[fn.params.length - 1] as ParamType;
      argv.push(this.validateType(final, t));
    }
    // Functions see a nil interface argument as nil, except the builtins that inspect the Go value itself.
    for (let k = 0; k < argv.length; k++) {
      if (argv[k] !== NIL_IFACE) continue;
      if (isBuiltin && name === 'len') continue;
      if (isBuiltin && name === 'slice' && k > 0) argv[k] = new IfaceIndex(undefined) as unknown as GoValue;
      else argv[k] = undefined;
    }
    if (isBuiltin && name === 'call') {
      const callee = argv[0];
      // Go names the callee by its node, or by reflect.Value.String() of a piped value: `<float64 Value>`.
      const piped = final === MISSING ? undefined : final;
      const calleeName =
        args.length > 0
          ? nodeString(args[0] as ArgNode)
          : typeof piped === 'string'
            ? piped
            : piped instanceof GoHTML
              ? piped.s
              : `<${goTypeName(piped)} Value>`;
      this.node = node;
      if (callee === undefined) this.errorf(`error calling call: call of nil`);
      this.errorf(`error calling call: non-function ${calleeName} of type ${goTypeName(callee)}`);
    }
    try {
      return fn.call(argv);
    } catch (e) {
      if (e instanceof GoCallError) {
        this.node = node;
        this.errorf(`error calling ${name}: ${e.message}`);
      }
      throw e;
    }
  }

  private validateType(value: GoValue, typ: ParamType | undefined): GoValue {
    if (value === undefined) {
      if (typ === undefined) return undefined;
      switch (typ) {
        case 'any':
        case 'rv':
          return undefined;
        case 'queryResult':
          return new GoQueryResult(undefined);
        case 'sample':
          return new GoSample(new GoMap('string', undefined), undefined, true);
      }
      this.errorf(`invalid value; expected ${paramTypeName(typ)}`);
    }
    if (typ === undefined || typ === 'any' || typ === 'rv') return value;
    if (value === NIL_IFACE) this.errorf(`wrong type for value; expected ${paramTypeName(typ)}; got interface {}`);
    const ok =
      (typ === 'string' && typeof value === 'string') ||
      (typ === 'queryResult' && value instanceof GoQueryResult) ||
      (typ === 'sample' && value instanceof GoSample);
    if (!ok) this.errorf(`wrong type for value; expected ${paramTypeName(typ)}; got ${goTypeName(value)}`);
    return value;
  }

  private evalArg(dot: GoValue, typ: ParamType | undefined, n: ArgNode): GoValue {
    this.node = n;
    switch (n.kind) {
      case 'dot':
        return this.validateType(dot, typ);
      case 'nil':
        if (typ === undefined || typ === 'string') this.errorf(`cannot assign nil to ${typ === undefined ? '<nil>' : paramTypeName(typ)}`);
        return this.validateType(undefined, typ);
      case 'field':
        return this.validateType(this.evalFieldNode(dot, n, [n], MISSING), typ);
      case 'variable':
        return this.validateType(this.evalVariableNode(dot, n, undefined, MISSING), typ);
      case 'pipe':
        return this.validateType(this.evalPipeline(dot, n), typ);
      case 'identifier':
        return this.validateType(this.evalFunction(dot, n, n, undefined, MISSING), typ);
      case 'chain':
        return this.validateType(this.evalChainNode(dot, n, [], MISSING), typ);
    }
    switch (typ) {
      case 'any':
      case 'rv':
      case undefined:
        return this.evalEmptyInterface(dot, n);
      case 'string':
        if (n.kind === 'string') return n.text;
        this.errorf(`expected string; found ${nodeString(n)}`);
    }
    this.errorf(`can't handle ${nodeString(n)} for arg of type ${paramTypeName(typ)}`);
  }

  private evalEmptyInterface(dot: GoValue, n: ArgNode): GoValue {
    this.node = n;
    switch (n.kind) {
      case 'bool':
        return n.value;
      case 'number':
        return this.idealConstant(n);
      case 'string':
        return n.text;
      default:
        return this.evalArg(dot, 'any', n);
    }
  }

  private printValue(n: Node, v: GoValue): void {
    this.node = n;
    this.out.push(v === undefined ? '<no value>' : isNilPtr(v) ? '<nil>' : sprintValue(v, true));
  }
}

/**
 * Executes template `name` of `trees` with `data` as dot.
 * @returns the output
 * @throws ExecFailure with Go's message; NeedQuery (from `query`) when an answer is missing; GoHTML etc. never
 */
export function execute(name: string, text: string, trees: TreeSet, funcs: FuncMap, builtins: FuncMap, data: GoValue): string {
  const root = trees.get(name);
  const s = new State(name, name, text, trees, funcs, builtins, data);
  if (root === undefined) s.errorf(`${goQuote(name)} is an incomplete or empty template`);
  try {
    s.walk(data, root as ListNode);
  } catch (e) {
    if (e instanceof RangeError) s.errorf(`exceeded maximum template depth (${MAX_EXEC_DEPTH})`);
    throw e;
  }
  return s.out.join('');
}
