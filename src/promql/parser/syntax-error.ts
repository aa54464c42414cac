/**
 * Prometheus's wording for syntax errors: "unexpected <token>[ in <context>, expected <…>]", as goyacc's error
 * productions in `promql/parser/generated_parser.y` at v0.316.0 word them (`unexpected` in parse.go), recognised
 * from the tokens before the unexpected one (lezer only says where it stumbled); plus the token classes that
 * parse.ts and this module share to tell names from keywords.
 */
import { PromQLParseError } from '../../errors.js';
import { describeItem, type Item, type ItemType } from './lexer.js';

export const CALL_KEYWORDS: ReadonlySet<ItemType> = new Set<ItemType>(['START', 'END', 'STEP', 'RANGE', 'MIN_OF', 'MAX_OF']);
export const EXPRESSION_START_AFTER: ReadonlySet<ItemType> = new Set<ItemType>([
  'LEFT_PAREN', 'COMMA', 'ADD', 'SUB', 'MUL', 'DIV', 'MOD', 'POW', 'EQLC', 'NEQ', 'LTE', 'LSS', 'GTE', 'GTR',
  'TRIM_UPPER', 'TRIM_LOWER', 'LAND', 'LOR', 'LUNLESS', 'ATAN2', 'BOOL', 'GROUP_LEFT', 'GROUP_RIGHT',
]);
// Keyword tokens that are also metric names (metric_identifier in generated_parser.y).
export const NAME_KEYWORDS: ReadonlySet<ItemType> = new Set<ItemType>([
  'AVG', 'BOTTOMK', 'BY', 'COUNT', 'COUNT_VALUES', 'FILL', 'FILL_LEFT', 'FILL_RIGHT', 'GROUP', 'LAND', 'LOR', 'LUNLESS',
  'MAX', 'MIN', 'OFFSET', 'QUANTILE', 'STDDEV', 'STDVAR', 'SUM', 'TOPK', 'WITHOUT', 'START', 'END', 'LIMITK',
  'LIMIT_RATIO', 'STEP', 'RANGE', 'ANCHORED', 'SMOOTHED', 'MAX_OF', 'MIN_OF',
]);

/**
 * For each token, whether an expression starts there: at the beginning, or after an operator, `(`, `,` or `bool`
 * that is not itself a name (`unless atan2 x`: `unless` starts the expression as a metric name, so `atan2` is the
 * operator after it).
 */
export function expressionStarts(items: readonly Item[]): boolean[] {
  const out: boolean[] = [];
  const parenOwners: (ItemType | undefined)[] = [];
  for (let i = 0; i < items.length; i++) {
    const prev = items[i - 1];
    let start = prev === undefined || (EXPRESSION_START_AFTER.has(prev.type) && !(NAME_KEYWORDS.has(prev.type) && out[i - 1] === true));
    // After `on(…)`, `ignoring(…)`, `group_left(…)`, `group_right(…)` the right-hand side starts.
    if (prev?.type === 'RIGHT_PAREN') {
      const owner = parenOwners.pop();
      start = owner === 'ON' || owner === 'IGNORING' || owner === 'GROUP_LEFT' || owner === 'GROUP_RIGHT';
    }
    if (prev?.type === 'LEFT_PAREN') parenOwners.push(items[i - 2]?.type);
    out.push(start);
  }
  return out;
}

/** Indexes of the '(' still open after `before`, outermost first. */
function openParenIndexes(before: readonly Item[]): number[] {
  const stack: number[] = [];
  before.forEach((it, i) => {
    if (it.type === 'LEFT_PAREN') stack.push(i);
    else if (it.type === 'RIGHT_PAREN') stack.pop();
  });
  return stack;
}

/**
 * "unexpected <token>[ in <context>, expected <…>]" for the Go token at (or right after) a lezer error offset.
 * The context tails are those of the error productions in generated_parser.y (label matching, grouping opts,
 * aggregation, subquery or range, offset, @), recognised from the tokens before the unexpected one.
 */
export function syntaxErrorAt(input: string, items: readonly Item[], at: number): PromQLParseError {
  let index = items.findIndex((i) => i.pos <= at && at < i.pos + i.val.length);
  if (index < 0) index = items.findIndex((i) => i.pos >= at);
  if (index < 0) index = items.length - 1;
  const item = items[index] ?? ({ type: 'EOF', pos: input.length, val: '' } as const);
  const before = items.slice(0, Math.max(0, index));
  const prev = before[before.length - 1];
  // `f(a,` followed by anything that cannot start an argument: Go's `function_call_args COMMA` rule has its own
  // message, at the comma.
  if (prev?.type === 'COMMA' && callParenOwner(before) !== null) {
    return new PromQLParseError(input, { start: prev.pos, end: prev.pos + 1 }, 'trailing commas not allowed in function call args');
  }
  const tail = errorContext(before);
  return new PromQLParseError(input, { start: item.pos, end: item.pos + item.val.length }, `unexpected ${describeItem(item)}${tail}`);
}

const GROUPING_OWNERS: ReadonlySet<ItemType> = new Set<ItemType>(['BY', 'WITHOUT', 'ON', 'IGNORING', 'GROUP_LEFT', 'GROUP_RIGHT']);

/**
 * The token owning the innermost unclosed '(' when that parenthesis holds call or aggregation arguments (not
 * grouping labels, not a plain parenthesised expression); null otherwise, or when a brace or bracket is open inside.
 */
function callParenOwner(before: readonly Item[]): Item | null {
  const owner = unclosedParens(before).at(-1);
  if (owner === undefined || owner === null) return null;
  const ot = owner.type;
  return ot === 'IDENTIFIER' || AGGREGATOR_TYPES.has(ot) || CALL_KEYWORDS.has(ot) ? owner : null;
}

/**
 * The owners (token before the '(') of the parentheses still open after `before`, outermost first; null for a
 * grouping-label parenthesis or one at the start. Empty when a brace or bracket is open inside the innermost one.
 */
function unclosedParens(before: readonly Item[]): (Item | null)[] {
  const stack: { type: ItemType; owner: Item | null }[] = [];
  for (let i = 0; i < before.length; i++) {
    const t = (before[i] as Item).type;
    if (t === 'LEFT_PAREN' || t === 'LEFT_BRACE' || t === 'LEFT_BRACKET') {
      const owner = before[i - 1] ?? null;
      stack.push({ type: t, owner: owner !== null && GROUPING_OWNERS.has(owner.type) ? null : owner });
    } else if (t === 'RIGHT_PAREN' || t === 'RIGHT_BRACE' || t === 'RIGHT_BRACKET') stack.pop();
  }
  const top = stack.at(-1);
  if (top !== undefined && top.type !== 'LEFT_PAREN') return [];
  return stack.filter((e) => e.type === 'LEFT_PAREN').map((e) => e.owner);
}

const AGGREGATOR_TYPES: ReadonlySet<ItemType> = new Set<ItemType>([
  'SUM', 'AVG', 'COUNT', 'MIN', 'MAX', 'GROUP', 'STDDEV', 'STDVAR', 'TOPK', 'BOTTOMK', 'COUNT_VALUES', 'QUANTILE', 'LIMITK', 'LIMIT_RATIO',
]);
const MATCH_OP_TYPES: ReadonlySet<ItemType> = new Set<ItemType>(['EQL', 'NEQ', 'EQL_REGEX', 'NEQ_REGEX']);

function errorContext(before: readonly Item[]): string {
  const prev = before[before.length - 1];
  if (prev === undefined) return '';
  // A keyword where an expression starts is a metric name (`by`, `offset`, …: metric_identifier), not a modifier.
  const prevIsName = NAME_KEYWORDS.has(prev.type) && expressionStarts(before)[before.length - 1] === true;
  // Innermost open brace, bracket or grouping parenthesis.
  let open = -1;
  let depth = 0;
  for (let i = before.length - 1; i >= 0; i--) {
    const t = (before[i] as Item).type;
    if (t === 'RIGHT_BRACE' || t === 'RIGHT_BRACKET') break;
    if (t === 'RIGHT_PAREN') depth++;
    else if (t === 'LEFT_PAREN') {
      if (depth === 0) {
        const owner = before[i - 1]?.type;
        if (owner === 'BY' || owner === 'WITHOUT' || owner === 'ON' || owner === 'IGNORING' || owner === 'GROUP_LEFT' || owner === 'GROUP_RIGHT') {
          open = i;
          break;
        }
      } else depth--;
    } else if (t === 'LEFT_BRACE' || t === 'LEFT_BRACKET') {
      open = i;
      break;
    }
  }
  const opener = open >= 0 ? (before[open] as Item) : undefined;
  if (opener?.type === 'LEFT_BRACE') {
    let start = open + 1;
    for (let i = before.length - 1; i > open; i--) {
      if ((before[i] as Item).type === 'COMMA') {
        start = i + 1;
        break;
      }
    }
    const m = before.slice(start).map((i) => i.type);
    if (m.length === 0) return ' in label matching, expected identifier or "}"';
    if (m.length === 1) return m[0] === 'STRING' ? ' in label matching, expected "," or "}"' : ' in label matching, expected label matching operator';
    if (m.length === 2 && MATCH_OP_TYPES.has(m[1] as ItemType)) return ' in label matching, expected string';
    if (m.length === 3) return ' in label matching, expected "," or "}"';
    return '';
  }
  if (opener === undefined) {
    // Inside an aggregation's arguments at any depth, or in `sum by (…) (…`: goyacc's error recovery unwinds to
    // the `aggregate_op error` production.
    const owners = unclosedParens(before);
    for (let k = 0; k < before.length; k++) {
      const it = before[k] as Item;
      if (it.type !== 'LEFT_PAREN') continue;
      // `sum by (a) (`: the body's parenthesis follows the grouping labels' ')'.
      const ownerType = before[k - 1]?.type;
      if (ownerType === 'RIGHT_PAREN') {
        let j = k - 2;
        while (j >= 0 && (before[j] as Item).type !== 'LEFT_PAREN') j--;
        const agg = before[j - 2];
        if (agg !== undefined && AGGREGATOR_TYPES.has(agg.type) && owners.length > 0) return ' in aggregation';
      }
    }
    if (owners.some((o) => o !== null && AGGREGATOR_TYPES.has(o.type))) return ' in aggregation';
    if (prev.type === 'RIGHT_PAREN') {
      let i = before.length - 2;
      while (i >= 0 && (before[i] as Item).type !== 'LEFT_PAREN') i--;
      const modifier = before[i - 1];
      const agg = before[i - 2];
      if ((modifier?.type === 'BY' || modifier?.type === 'WITHOUT') && agg !== undefined && AGGREGATOR_TYPES.has(agg.type)) return ' in aggregation';
    }
  }
  if (opener?.type === 'LEFT_PAREN') {
    return prev.type === 'LEFT_PAREN' || prev.type === 'COMMA' ? ' in grouping opts, expected label' : ' in grouping opts, expected "," or ")"';
  }
  if (!prevIsName && (prev.type === 'BY' || prev.type === 'WITHOUT' || prev.type === 'ON' || prev.type === 'IGNORING')) return ' in grouping opts, expected "("';
  if (!prevIsName && prev.type === 'OFFSET') return ' in offset, expected number, duration, step(), or range()';
  // Inside the parentheses of an offset's duration expression (`offset (…`, `offset -(…`).
  const parens = openParenIndexes(before);
  const outer = parens[0];
  if (outer !== undefined) {
    const o1 = before[outer - 1];
    const o2 = before[outer - 2];
    if (o1?.type === 'OFFSET' || ((o1?.type === 'ADD' || o1?.type === 'SUB') && o2?.type === 'OFFSET')) {
      return ' in offset, expected number, duration, step(), or range()';
    }
  }
  if (prev.type === 'AT') return ' in @, expected timestamp';
  if (opener?.type === 'LEFT_BRACKET') {
    const inside = before.slice(open + 1);
    if (!inside.some((i) => i.type === 'NUMBER' || i.type === 'DURATION' || i.type === 'RIGHT_PAREN')) {
      return ' in subquery or range selector, expected number, duration, step(), or range()';
    }
    const colon = inside.findIndex((i) => i.type === 'COLON');
    if (colon < 0) return ' in subquery or range, expected ":" or "]"';
    if (colon === inside.length - 1) return ' in subquery selector, expected number, duration, step(), range(), or "]"';
    return ' in subquery selector, expected "]"';
  }
  return '';
}
