/**
 * Parse tree of a Go text/template, as Go 1.26 `text/template/parse/node.go`: the same node kinds and the same
 * `String()` forms, because execution errors quote the failing node (`executing "t" at <humanize .foo>: …`).
 * `pos` is the UTF-16 index of the node in the template text.
 */
import { goQuote } from './go-quote.js';

export interface TextNode { readonly kind: 'text'; readonly pos: number; readonly text: string }
export interface ListNode { readonly kind: 'list'; readonly pos: number; readonly nodes: Node[] }
export interface ActionNode { readonly kind: 'action'; readonly pos: number; readonly line: number; readonly pipe: PipeNode }
export interface BranchNode {
  readonly kind: 'if' | 'range' | 'with';
  readonly pos: number;
  readonly line: number;
  readonly pipe: PipeNode;
  readonly list: ListNode;
  readonly elseList: ListNode | undefined;
}
export interface TemplateNode {
  readonly kind: 'template';
  readonly pos: number;
  readonly line: number;
  readonly name: string;
  readonly pipe: PipeNode | undefined;
}
export interface BreakNode { readonly kind: 'break'; readonly pos: number; readonly line: number }
export interface ContinueNode { readonly kind: 'continue'; readonly pos: number; readonly line: number }
export interface EndNode { readonly kind: 'end'; readonly pos: number }
export interface ElseNode { readonly kind: 'else'; readonly pos: number; readonly line: number }
export interface PipeNode {
  readonly kind: 'pipe';
  readonly pos: number;
  readonly line: number;
  isAssign: boolean;
  readonly decl: VariableNode[];
  readonly cmds: CommandNode[];
}
export interface CommandNode { readonly kind: 'command'; readonly pos: number; readonly args: ArgNode[] }
export interface IdentifierNode { readonly kind: 'identifier'; readonly pos: number; readonly ident: string }
/** `$x.a.b`: ident = ['$x', 'a', 'b']. */
export interface VariableNode { readonly kind: 'variable'; readonly pos: number; readonly ident: string[] }
export interface DotNode { readonly kind: 'dot'; readonly pos: number }
export interface NilNode { readonly kind: 'nil'; readonly pos: number }
/** `.a.b`: ident = ['a', 'b']. */
export interface FieldNode { readonly kind: 'field'; readonly pos: number; readonly ident: string[] }
/** `(pipe).a.b`: a term followed by fields. */
export interface ChainNode { readonly kind: 'chain'; readonly pos: number; readonly node: ArgNode; readonly field: string[] }
export interface BoolNode { readonly kind: 'bool'; readonly pos: number; readonly value: boolean }
export interface NumberNode {
  readonly kind: 'number';
  readonly pos: number;
  readonly text: string;
  readonly isInt: boolean;
  readonly isUint: boolean;
  readonly isFloat: boolean;
  readonly isComplex: boolean;
  /** int64 value when isInt. */
  readonly int64: bigint;
  /** uint64 value when isUint. */
  readonly uint64: bigint;
  readonly float64: number;
  /** Real and imaginary parts when isComplex. */
  readonly re: number;
  readonly im: number;
}
export interface StringNode { readonly kind: 'string'; readonly pos: number; readonly quoted: string; readonly text: string }

/** Nodes that can be command arguments. */
export type ArgNode =
  | IdentifierNode | VariableNode | DotNode | NilNode | FieldNode | ChainNode | BoolNode | NumberNode | StringNode | PipeNode;

export type Node =
  | TextNode | ListNode | ActionNode | BranchNode | TemplateNode | BreakNode | ContinueNode | EndNode | ElseNode
  | CommandNode | ArgNode;

/** Go's `Node.String()`. */
export function nodeString(n: Node): string {
  switch (n.kind) {
    case 'text':
      return n.text;
    case 'list':
      return n.nodes.map(nodeString).join('');
    case 'action':
      return `{{${nodeString(n.pipe)}}}`;
    case 'if':
    case 'range':
    case 'with': {
      let s = `{{${n.kind} ${nodeString(n.pipe)}}}${nodeString(n.list)}`;
      if (n.elseList !== undefined) s += `{{else}}${nodeString(n.elseList)}`;
      return `${s}{{end}}`;
    }
    case 'template':
      return n.pipe === undefined ? `{{template ${goQuote(n.name)}}}` : `{{template ${goQuote(n.name)} ${nodeString(n.pipe)}}}`;
    case 'break':
      return '{{break}}';
    case 'continue':
      return '{{continue}}';
    case 'end':
      return '{{end}}';
    case 'else':
      return '{{else}}';
    case 'pipe': {
      let s = '';
      if (n.decl.length > 0) s = n.decl.map(nodeString).join(', ') + (n.isAssign ? ' = ' : ' := ');
      return s + n.cmds.map(nodeString).join(' | ');
    }
    case 'command':
      return n.args.map((a) => (a.kind === 'pipe' ? `(${nodeString(a)})` : nodeString(a))).join(' ');
    case 'identifier':
      return n.ident;
    case 'variable':
      return n.ident.join('.');
    case 'dot':
      return '.';
    case 'nil':
      return 'nil';
    case 'field':
      return n.ident.map((f) => `.${f}`).join('');
    case 'chain': {
      const head = n.node.kind === 'pipe' ? `(${nodeString(n.node)})` : nodeString(n.node);
      return head + n.field.map((f) => `.${f}`).join('');
    }
    case 'bool':
      return n.value ? 'true' : 'false';
    case 'number':
      return n.text;
    case 'string':
      return n.quoted;
  }
}
