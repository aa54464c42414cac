/**
 * A port of Prometheus's PromQL lexer (`promql/parser/lex.go` at v0.316.0: `lexStatements`, `lexInsideBraces`,
 * `lexString`, `lexEscape`, `lexRawString`, `lexNumberOrDuration`, `scanNumber`, `lexKeywordOrIdentifier`,
 * `lexDurationExpr`), without the series-description and histogram states and without the opt-in unquoted UTF-8
 * names.
 *
 * Why a second tokenizer next to the lezer grammar: Go's lexer decides what a token is (`2.` is a number, `SUM` is
 * the keyword `sum`, `0X1f` is hex), and its errors come first and have exact wording ("unterminated quoted
 * string", "unclosed left parenthesis"). parse.ts lexes with this port first, reports a lexer error as Prometheus
 * would, and uses the tokens to hand lezer an equivalent text it can parse.
 *
 * Positions are UTF-16 offsets into the input (Go uses bytes; PromQLParseError converts for the column).
 */

export type ItemType =
  | 'EOF'
  | 'COMMENT'
  | 'IDENTIFIER'
  | 'METRIC_IDENTIFIER'
  | 'NUMBER'
  | 'DURATION'
  | 'STRING'
  | 'LEFT_PAREN'
  | 'RIGHT_PAREN'
  | 'LEFT_BRACE'
  | 'RIGHT_BRACE'
  | 'LEFT_BRACKET'
  | 'RIGHT_BRACKET'
  | 'COMMA'
  | 'EQL'
  | 'COLON'
  | OperatorType
  | AggregatorType
  | KeywordType
  | PreprocessorType;

type OperatorType =
  | 'ADD' | 'SUB' | 'MUL' | 'DIV' | 'MOD' | 'POW' | 'EQLC' | 'NEQ' | 'LTE' | 'LSS' | 'GTE' | 'GTR'
  | 'TRIM_UPPER' | 'TRIM_LOWER' | 'EQL_REGEX' | 'NEQ_REGEX' | 'AT' | 'LAND' | 'LOR' | 'LUNLESS' | 'ATAN2';
type AggregatorType =
  | 'SUM' | 'AVG' | 'COUNT' | 'MIN' | 'MAX' | 'GROUP' | 'STDDEV' | 'STDVAR' | 'TOPK' | 'BOTTOMK' | 'COUNT_VALUES'
  | 'QUANTILE' | 'LIMITK' | 'LIMIT_RATIO';
type KeywordType =
  | 'OFFSET' | 'SMOOTHED' | 'ANCHORED' | 'BY' | 'WITHOUT' | 'ON' | 'IGNORING' | 'GROUP_LEFT' | 'GROUP_RIGHT'
  | 'FILL' | 'FILL_LEFT' | 'FILL_RIGHT' | 'BOOL';
type PreprocessorType = 'START' | 'END' | 'STEP' | 'RANGE' | 'MAX_OF' | 'MIN_OF';

/** One token: its type, its start offset and its text exactly as written. */
export interface Item {
  readonly type: ItemType;
  readonly pos: number;
  readonly val: string;
}

/**
 * A lexer error: Go's message and the offset Go reports it at (`Lexer.start`). `tokenPos` is where the parser meets
 * it: the same offset, except for errors Go raises right after emitting a token (`(1))`, `[:`), which replace that
 * token in the parser's stream; then it is the replaced token's start.
 */
export interface LexError {
  readonly pos: number;
  readonly tokenPos: number;
  readonly message: string;
}

export interface LexResult {
  /** Tokens up to (excluding) the error, or up to and including EOF. Comments included. */
  readonly items: Item[];
  readonly error: LexError | null;
}

const OPERATORS: ReadonlySet<ItemType> = new Set<ItemType>([
  'ADD', 'SUB', 'MUL', 'DIV', 'MOD', 'POW', 'EQLC', 'NEQ', 'LTE', 'LSS', 'GTE', 'GTR', 'TRIM_UPPER', 'TRIM_LOWER',
  'EQL_REGEX', 'NEQ_REGEX', 'AT', 'LAND', 'LOR', 'LUNLESS', 'ATAN2',
]);
const AGGREGATORS: ReadonlySet<ItemType> = new Set<ItemType>([
  'SUM', 'AVG', 'COUNT', 'MIN', 'MAX', 'GROUP', 'STDDEV', 'STDVAR', 'TOPK', 'BOTTOMK', 'COUNT_VALUES', 'QUANTILE',
  'LIMITK', 'LIMIT_RATIO',
]);
const KEYWORDS: ReadonlySet<ItemType> = new Set<ItemType>([
  'OFFSET', 'SMOOTHED', 'ANCHORED', 'BY', 'WITHOUT', 'ON', 'IGNORING', 'GROUP_LEFT', 'GROUP_RIGHT', 'FILL',
  'FILL_LEFT', 'FILL_RIGHT', 'BOOL',
]);

/** `key` in lex.go: keywords are recognised case-insensitively; `inf` and `nan` are numbers. */
const KEY: ReadonlyMap<string, ItemType> = new Map<string, ItemType>([
  ['and', 'LAND'], ['or', 'LOR'], ['unless', 'LUNLESS'], ['atan2', 'ATAN2'],
  ['sum', 'SUM'], ['avg', 'AVG'], ['count', 'COUNT'], ['min', 'MIN'], ['max', 'MAX'], ['group', 'GROUP'],
  ['stddev', 'STDDEV'], ['stdvar', 'STDVAR'], ['topk', 'TOPK'], ['bottomk', 'BOTTOMK'],
  ['count_values', 'COUNT_VALUES'], ['quantile', 'QUANTILE'], ['limitk', 'LIMITK'], ['limit_ratio', 'LIMIT_RATIO'],
  ['offset', 'OFFSET'], ['smoothed', 'SMOOTHED'], ['anchored', 'ANCHORED'], ['by', 'BY'], ['without', 'WITHOUT'],
  ['on', 'ON'], ['ignoring', 'IGNORING'], ['group_left', 'GROUP_LEFT'], ['group_right', 'GROUP_RIGHT'],
  ['fill', 'FILL'], ['fill_left', 'FILL_LEFT'], ['fill_right', 'FILL_RIGHT'], ['bool', 'BOOL'],
  ['start', 'START'], ['end', 'END'], ['step', 'STEP'], ['range', 'RANGE'], ['max_of', 'MAX_OF'], ['min_of', 'MIN_OF'],
  ['inf', 'NUMBER'], ['nan', 'NUMBER'],
]);

const DURATION_KEYWORDS: ReadonlyMap<string, ItemType> = new Map<string, ItemType>([
  ['step', 'STEP'], ['range', 'RANGE'], ['max_of', 'MAX_OF'], ['min_of', 'MIN_OF'],
]);

const PUNCTUATION: ReadonlyMap<ItemType, string> = new Map<ItemType, string>([
  ['LEFT_PAREN', '('], ['RIGHT_PAREN', ')'], ['LEFT_BRACE', '{'], ['RIGHT_BRACE', '}'], ['LEFT_BRACKET', '['],
  ['RIGHT_BRACKET', ']'], ['COMMA', ','], ['EQL', '='], ['COLON', ':'],
]);

/**
 * How Go's parser names a token in "unexpected …" messages (`Item.desc` and `Item.String` in lex.go):
 * `end of input`, `identifier "foo"`, `number "2"`, `"("`, `<op:+>`, `<aggr:sum>`, `<by>`.
 */
export function describeItem(item: Item): string {
  const t = item.type;
  if (t === 'EOF') return 'end of input';
  const inTypeStr = PUNCTUATION.has(t) || OPERATORS.has(t) || AGGREGATORS.has(t) || KEYWORDS.has(t) || isPreprocessor(t);
  const str = itemString(item);
  if (inTypeStr) return str;
  return `${typeDesc(t)} ${str}`;
}

function isPreprocessor(t: ItemType): boolean {
  return t === 'START' || t === 'END' || t === 'STEP' || t === 'RANGE' || t === 'MAX_OF' || t === 'MIN_OF';
}

function itemString(item: Item): string {
  const t = item.type;
  if (t === 'IDENTIFIER' || t === 'METRIC_IDENTIFIER') return goQuote(item.val);
  if (KEYWORDS.has(t)) return `<${item.val}>`;
  if (OPERATORS.has(t)) return `<op:${item.val}>`;
  if (AGGREGATORS.has(t)) return `<aggr:${item.val}>`;
  // Go's `%.10q`: the quoted form of at most the first 10 runes.
  if ([...item.val].length > 10) return `${goQuote([...item.val].slice(0, 10).join(''))}...`;
  return goQuote(item.val);
}

function typeDesc(t: ItemType): string {
  switch (t) {
    case 'COMMENT':
      return 'comment';
    case 'IDENTIFIER':
      return 'identifier';
    case 'METRIC_IDENTIFIER':
      return 'metric identifier';
    case 'STRING':
      return 'string';
    case 'NUMBER':
      return 'number';
    case 'DURATION':
      return 'duration';
    default:
      return goQuote(PUNCTUATION.get(t) ?? t);
  }
}

/** Go's `%q` of a string: double quotes, Go escapes, printable Unicode kept. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0) as number;
    switch (ch) {
      case '"':
        out += '\\"';
        continue;
      case '\\':
        out += '\\\\';
        continue;
      case '\n':
        out += '\\n';
        continue;
      case '\t':
        out += '\\t';
        continue;
      case '\r':
        out += '\\r';
        continue;
      case '\x07':
        out += '\\a';
        continue;
      case '\b':
        out += '\\b';
        continue;
      case '\f':
        out += '\\f';
        continue;
      case '\v':
        out += '\\v';
        continue;
    }
    if (cp < 0x20 || cp === 0x7f) out += `\\x${cp.toString(16).padStart(2, '0')}`;
    else if (cp >= 0xd800 && cp <= 0xdfff) out += '\\ufffd';
    else if (!isPrintable(cp)) out += cp > 0xffff ? `\\U${cp.toString(16).padStart(8, '0')}` : `\\u${cp.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

// Close enough to Go's strconv.IsPrint for messages: control and format characters and unassigned code points
// are escaped.
function isPrintable(cp: number): boolean {
  return /[\p{L}\p{M}\p{N}\p{P}\p{S}\u0020]/u.test(String.fromCodePoint(cp));
}

/** Go's `%q` of a rune (`'x'`), used in "unexpected character: 'x'". */
export function goQuoteRune(cp: number): string {
  const ch = String.fromCodePoint(cp);
  if (ch === "'") return "'\\''";
  if (ch === '"') return `'"'`;
  const q = goQuote(ch);
  return `'${q.slice(1, -1)}'`;
}

/** Go's `%#U` of a rune: `U+0071 'q'`. */
function goRuneU(cp: number): string {
  const hex = cp.toString(16).toUpperCase().padStart(4, '0');
  return isPrintable(cp) ? `U+${hex} '${String.fromCodePoint(cp)}'` : `U+${hex}`;
}

const EOF = -1;

function isSpace(r: number): boolean {
  return r === 0x20 || r === 0x09 || r === 0x0a || r === 0x0d;
}
function isDigit(r: number): boolean {
  return r >= 0x30 && r <= 0x39;
}
function isAlpha(r: number): boolean {
  return r === 0x5f || (r >= 0x61 && r <= 0x7a) || (r >= 0x41 && r <= 0x5a);
}
function isAlphaNumeric(r: number): boolean {
  return isAlpha(r) || isDigit(r);
}
function isEndOfLine(r: number): boolean {
  return r === 0x0d || r === 0x0a;
}
function digitVal(r: number): number {
  if (r >= 0x30 && r <= 0x39) return r - 0x30;
  if (r >= 0x61 && r <= 0x66) return r - 0x61 + 10;
  if (r >= 0x41 && r <= 0x46) return r - 0x41 + 10;
  return 16;
}

type State = 'statements' | 'insideBraces' | 'durationExpr';

class Lexer {
  private pos = 0;
  private start = 0;
  private width = 0;
  private parenDepth = 0;
  private braceOpen = false;
  private bracketOpen = false;
  private gotColon = false;
  private gotDuration = false;
  private stringOpen = 0;
  private state: State = 'statements';
  readonly items: Item[] = [];
  error: LexError | null = null;

  constructor(
    private readonly input: string,
    private readonly unquotedUtf8Names: boolean,
  ) {}

  // isNameStart / isNameContinue in lex.go: with unquoted UTF-8 names, any Unicode letter starts a name and a
  // non-leading '.' may continue it.
  private isNameStart(r: number): boolean {
    return isAlpha(r) || (this.unquotedUtf8Names && r >= 0x80 && /\p{L}/u.test(String.fromCodePoint(r)));
  }
  private isNameContinue(r: number): boolean {
    return this.isNameStart(r) || isDigit(r) || (this.unquotedUtf8Names && r === 0x2e);
  }

  run(): void {
    for (;;) {
      const before = this.items.length;
      const cont = this.step();
      if (this.error !== null) return;
      const last = this.items[this.items.length - 1];
      if (this.items.length > before && last !== undefined && last.type === 'EOF') return;
      if (!cont) return;
    }
  }

  private next(): number {
    if (this.pos >= this.input.length) {
      this.width = 0;
      return EOF;
    }
    const cp = this.input.codePointAt(this.pos) as number;
    this.width = cp > 0xffff ? 2 : 1;
    this.pos += this.width;
    return cp;
  }
  private backup(): void {
    this.pos -= this.width;
  }
  private peek(): number {
    const r = this.next();
    this.backup();
    return r;
  }
  private accept(valid: string): boolean {
    const r = this.next();
    if (r !== EOF && valid.includes(String.fromCodePoint(r))) return true;
    this.backup();
    return false;
  }
  private is(valid: string): boolean {
    const r = this.peek();
    return r !== EOF && valid.includes(String.fromCodePoint(r));
  }
  private acceptRun(valid: string): void {
    while (this.accept(valid)) {
      // consume
    }
  }
  private emit(type: ItemType): void {
    this.items.push({ type, pos: this.start, val: this.input.slice(this.start, this.pos) });
    this.start = this.pos;
  }
  private ignore(): void {
    this.start = this.pos;
  }
  private fail(message: string): false {
    this.error = { pos: this.start, tokenPos: this.start, message };
    return false;
  }

  /** An error right after `emit`: Go overwrites the emitted item with the error item. */
  private failReplacing(message: string): false {
    const replaced = this.items.pop();
    this.error = { pos: this.start, tokenPos: replaced?.pos ?? this.start, message };
    return false;
  }

  /** One step of the state machine; false when lexing is over. */
  private step(): boolean {
    switch (this.state) {
      case 'statements':
        return this.lexStatements();
      case 'insideBraces':
        return this.lexInsideBraces();
      case 'durationExpr':
        return this.lexDurationExpr();
    }
  }

  private lexStatements(): boolean {
    if (this.braceOpen) {
      this.state = 'insideBraces';
      return true;
    }
    if (this.input.startsWith('#', this.pos)) return this.lexLineComment();
    const r = this.next();
    switch (true) {
      case r === EOF:
        if (this.parenDepth !== 0) return this.fail('unclosed left parenthesis');
        if (this.bracketOpen) return this.fail('unclosed left bracket');
        this.emit('EOF');
        return false;
      case r === 0x2c:
        this.emit('COMMA');
        break;
      case isSpace(r):
        this.lexSpace();
        break;
      case r === 0x2a:
        this.emit('MUL');
        break;
      case r === 0x2f:
        this.emit('DIV');
        break;
      case r === 0x25:
        this.emit('MOD');
        break;
      case r === 0x2b:
        this.emit('ADD');
        break;
      case r === 0x2d:
        this.emit('SUB');
        break;
      case r === 0x5e:
        this.emit('POW');
        break;
      case r === 0x3d: {
        const t = this.peek();
        if (t === 0x3d) {
          this.next();
          this.emit('EQLC');
        } else if (t === 0x7e) {
          return this.fail(`unexpected character after '=': ${goQuoteRune(t)}`);
        } else {
          this.emit('EQL');
        }
        break;
      }
      case r === 0x21: {
        const t = this.next();
        if (t !== 0x3d) return this.fail(`unexpected character after '!': ${t === EOF ? "'\\x00'" : goQuoteRune(t)}`);
        this.emit('NEQ');
        break;
      }
      case r === 0x3c: {
        const t = this.peek();
        if (t === 0x3d) {
          this.next();
          this.emit('LTE');
        } else if (t === 0x2f) {
          this.next();
          this.emit('TRIM_UPPER');
        } else {
          this.emit('LSS');
        }
        break;
      }
      case r === 0x3e: {
        const t = this.peek();
        if (t === 0x3d) {
          this.next();
          this.emit('GTE');
        } else if (t === 0x2f) {
          this.next();
          this.emit('TRIM_LOWER');
        } else {
          this.emit('GTR');
        }
        break;
      }
      case isDigit(r) || (r === 0x2e && isDigit(this.peek())):
        this.backup();
        return this.lexNumberOrDuration();
      case r === 0x22 || r === 0x27:
        this.stringOpen = r;
        return this.lexString();
      case r === 0x60:
        this.stringOpen = r;
        return this.lexRawString();
      case this.isNameStart(r) || r === 0x3a:
        if (!this.bracketOpen) {
          this.backup();
          return this.lexKeywordOrIdentifier();
        }
        // Inside brackets after a ':' (Go's lexDurationExpr hands back to lexStatements after the colon).
        if (r === 0x3a) {
          if (this.gotColon) return this.fail(`unexpected colon ${goQuoteRune(r)}`);
          this.emit('COLON');
          this.gotColon = true;
          break;
        }
        if (this.isDurationKeywordStart(r) && this.scanDurationKeyword()) break;
        return this.fail(`unexpected character: ${goQuoteRune(r)}, expected ':'`);
      case r === 0x28:
        this.emit('LEFT_PAREN');
        this.parenDepth++;
        break;
      case r === 0x29:
        this.emit('RIGHT_PAREN');
        this.parenDepth--;
        if (this.parenDepth < 0) return this.failReplacing(`unexpected right parenthesis ')'`);
        break;
      case r === 0x7b:
        this.emit('LEFT_BRACE');
        this.braceOpen = true;
        this.state = 'insideBraces';
        break;
      case r === 0x5b:
        if (this.bracketOpen) return this.fail(`unexpected left bracket '['`);
        this.gotColon = false;
        this.gotDuration = false;
        this.emit('LEFT_BRACKET');
        while (isSpace(this.peek())) this.next();
        this.ignore();
        this.bracketOpen = true;
        this.state = 'durationExpr';
        break;
      case r === 0x5d:
        if (!this.bracketOpen) return this.fail(`unexpected right bracket ']'`);
        this.emit('RIGHT_BRACKET');
        this.bracketOpen = false;
        break;
      case r === 0x40:
        this.emit('AT');
        break;
      default:
        return this.fail(`unexpected character: ${goQuoteRune(r)}`);
    }
    return true;
  }

  private lexInsideBraces(): boolean {
    if (this.input.startsWith('#', this.pos)) return this.lexLineComment();
    const r = this.next();
    switch (true) {
      case r === EOF:
        return this.fail('unexpected end of input inside braces');
      case isSpace(r):
        this.lexSpace();
        break;
      case this.isNameStart(r): {
        while (this.isNameContinue(this.next())) {
          // absorb
        }
        this.backup();
        this.emit('IDENTIFIER');
        break;
      }
      case r === 0x2c:
        this.emit('COMMA');
        break;
      case r === 0x22 || r === 0x27:
        this.stringOpen = r;
        return this.lexString();
      case r === 0x60:
        this.stringOpen = r;
        return this.lexRawString();
      case r === 0x3d:
        if (this.next() === 0x7e) {
          this.emit('EQL_REGEX');
          break;
        }
        this.backup();
        this.emit('EQL');
        break;
      case r === 0x21: {
        const nr = this.next();
        if (nr === 0x7e) this.emit('NEQ_REGEX');
        else if (nr === 0x3d) this.emit('NEQ');
        else return this.fail(`unexpected character after '!' inside braces: ${nr === EOF ? "'\\x00'" : goQuoteRune(nr)}`);
        break;
      }
      case r === 0x7b:
        return this.fail(`unexpected left brace '{'`);
      case r === 0x7d:
        this.emit('RIGHT_BRACE');
        this.braceOpen = false;
        this.state = 'statements';
        break;
      default:
        return this.fail(`unexpected character inside braces: ${goQuoteRune(r)}`);
    }
    return true;
  }

  private lexDurationExpr(): boolean {
    const r = this.next();
    switch (true) {
      case r === EOF:
        return this.fail('unexpected end of input in duration expression');
      case r === 0x5d:
        this.emit('RIGHT_BRACKET');
        this.bracketOpen = false;
        this.gotColon = false;
        this.state = 'statements';
        return true;
      case r === 0x3a:
        this.emit('COLON');
        if (!this.gotDuration) return this.failReplacing('unexpected colon before duration in duration expression');
        if (this.gotColon) return this.failReplacing('unexpected repeated colon in duration expression');
        this.gotColon = true;
        return true;
      case r === 0x28:
        this.emit('LEFT_PAREN');
        this.parenDepth++;
        return true;
      case r === 0x29:
        this.emit('RIGHT_PAREN');
        this.parenDepth--;
        if (this.parenDepth < 0) return this.failReplacing(`unexpected right parenthesis ')'`);
        return true;
      case isSpace(r):
        while (isSpace(this.peek())) this.next();
        this.ignore();
        return true;
      case r === 0x2b:
        this.emit('ADD');
        return true;
      case r === 0x2d:
        this.emit('SUB');
        return true;
      case r === 0x2a:
        this.emit('MUL');
        return true;
      case r === 0x2f:
        this.emit('DIV');
        return true;
      case r === 0x25:
        this.emit('MOD');
        return true;
      case r === 0x5e:
        this.emit('POW');
        return true;
      case r === 0x2c:
        this.emit('COMMA');
        return true;
      case this.isDurationKeywordStart(r):
        if (this.scanDurationKeyword()) {
          this.gotDuration = true;
          return true;
        }
        return this.fail(`unexpected character in duration expression: ${goQuoteRune(r)}`);
      case isDigit(r) || (r === 0x2e && isDigit(this.peek())): {
        this.backup();
        this.gotDuration = true;
        const ok = this.lexNumberOrDuration();
        // lexNumberOrDuration hands back to lexStatements in Go; the bracket stays open, so the next ':' or ']'
        // goes through the `bracketOpen` branches of lexStatements, exactly as here.
        this.state = 'statements';
        return ok;
      }
      default:
        return this.fail(`unexpected character in duration expression: ${goQuoteRune(r)}`);
    }
  }

  private isDurationKeywordStart(r: number): boolean {
    if (r === EOF) return false;
    const c = String.fromCodePoint(r).toLowerCase();
    return c === 's' || c === 'r' || c === 'm';
  }

  private scanDurationKeyword(): boolean {
    for (;;) {
      const r = this.next();
      if (isAlpha(r)) continue;
      this.backup();
      const tok = DURATION_KEYWORDS.get(this.input.slice(this.start, this.pos).toLowerCase());
      if (tok !== undefined) {
        this.emit(tok);
        return true;
      }
      return false;
    }
  }

  private lexSpace(): void {
    while (isSpace(this.peek())) this.next();
    this.ignore();
  }

  private lexLineComment(): boolean {
    this.pos += 1;
    let r = this.next();
    while (!isEndOfLine(r) && r !== EOF) r = this.next();
    this.backup();
    this.emit('COMMENT');
    return true;
  }

  private lexString(): boolean {
    for (;;) {
      const r = this.next();
      if (r === 0x5c) {
        if (!this.lexEscape()) return false;
        continue;
      }
      // Go's DecodeRune answers utf8.RuneError (U+FFFD) for bad bytes, so a literal U+FFFD is refused too.
      if ((r >= 0xd800 && r <= 0xdfff) || r === 0xfffd) return this.fail('invalid UTF-8 rune');
      if (r === EOF || r === 0x0a) return this.fail('unterminated quoted string');
      if (r === this.stringOpen) break;
    }
    this.emit('STRING');
    return true;
  }

  private lexEscape(): boolean {
    let ch = this.next();
    let n: number;
    let base: number;
    let max: number;
    switch (ch) {
      case 0x61: case 0x62: case 0x66: case 0x6e: case 0x72: case 0x74: case 0x76: case 0x5c: // a b f n r t v \
        return true;
      case 0x30: case 0x31: case 0x32: case 0x33: case 0x34: case 0x35: case 0x36: case 0x37:
        [n, base, max] = [3, 8, 255];
        break;
      case 0x78: // x
        ch = this.next();
        [n, base, max] = [2, 16, 255];
        break;
      case 0x75: // u
        ch = this.next();
        [n, base, max] = [4, 16, 0x10ffff];
        break;
      case 0x55: // U
        ch = this.next();
        [n, base, max] = [8, 16, 0x10ffff];
        break;
      case EOF:
        return this.fail('escape sequence not terminated');
      default:
        if (ch === this.stringOpen) return true;
        return this.fail(`unknown escape sequence ${goRuneU(ch)}`);
    }
    let x = 0;
    while (n > 0) {
      const d = digitVal(ch);
      if (d >= base) {
        if (ch === EOF) return this.fail('escape sequence not terminated');
        return this.fail(`illegal character ${goRuneU(ch)} in escape sequence`);
      }
      x = x * base + d;
      n--;
      if (n > 0) ch = this.next();
    }
    if (x > max || (x >= 0xd800 && x < 0xe000)) return this.fail('escape sequence is an invalid Unicode code point');
    return true;
  }

  private lexRawString(): boolean {
    for (;;) {
      const r = this.next();
      if ((r >= 0xd800 && r <= 0xdfff) || r === 0xfffd) return this.fail('invalid UTF-8 rune');
      if (r === EOF) return this.fail('unterminated raw string');
      if (r === this.stringOpen) break;
    }
    this.emit('STRING');
    return true;
  }

  private lexNumberOrDuration(): boolean {
    if (this.scanNumber()) {
      this.emit('NUMBER');
      return true;
    }
    if (this.acceptRemainingDuration()) {
      this.backup();
      this.emit('DURATION');
      return true;
    }
    return this.fail(`bad number or duration syntax: ${goQuote(this.input.slice(this.start, this.pos))}`);
  }

  private acceptRemainingDuration(): boolean {
    if (!this.accept('smhdwy')) return false;
    this.accept('s');
    while (this.accept('0123456789')) {
      while (this.accept('0123456789')) {
        // absorb
      }
      if (!this.accept('smhdw')) return false;
      this.accept('s');
    }
    return !isAlphaNumeric(this.next());
  }

  private scanNumber(): boolean {
    const initial = this.pos;
    let digits = '0123456789';
    if (this.accept('0') && this.accept('xX')) {
      this.accept('_');
      digits = '0123456789abcdefABCDEF';
    }
    this.accept('.');
    this.accept(digits);
    let dot = false;
    let exp = false;
    while (this.is(`${digits}._eE`)) {
      if (this.is('.') && dot) {
        this.accept('.');
        return false;
      }
      if (this.is('eE') && exp) {
        this.accept('eE');
        return false;
      }
      if (this.accept('.')) {
        dot = true;
        if (this.accept('_.')) return false;
        if (digits.length > 10) return false;
        continue;
      }
      if (this.accept('eE')) {
        exp = true;
        this.accept('+-');
        if (this.accept('._eE') || this.peek() === EOF) return false;
        continue;
      }
      if (this.accept('_')) {
        if (this.accept('._eE') || this.peek() === EOF) return false;
        continue;
      }
      this.acceptRun(digits);
    }
    if (this.pos === initial) return false;
    return !isAlphaNumeric(this.peek());
  }

  private lexKeywordOrIdentifier(): boolean {
    for (;;) {
      const r = this.next();
      if (this.isNameContinue(r) || r === 0x3a) continue;
      this.backup();
      const word = this.input.slice(this.start, this.pos);
      // Unicode letters that lowercase to ASCII (the Kelvin sign) keep their identity as names.
      const kw = /^[\x00-\x7f]*$/.test(word) ? KEY.get(word.toLowerCase()) : undefined;
      if (kw !== undefined) {
        // fill/fill_left/fill_right are keywords only when a '(' follows, so that `fill` stays a metric name.
        if ((kw === 'FILL' || kw === 'FILL_LEFT' || kw === 'FILL_RIGHT') && !this.followedByLeftParen()) {
          this.emit('IDENTIFIER');
        } else {
          this.emit(kw);
        }
      } else if (!word.includes(':')) {
        this.emit('IDENTIFIER');
      } else {
        this.emit('METRIC_IDENTIFIER');
      }
      return true;
    }
  }

  private followedByLeftParen(): boolean {
    let p = this.pos;
    while (p < this.input.length && isSpace(this.input.charCodeAt(p))) p++;
    return this.input[p] === '(';
  }
}

/**
 * Lexes a whole query the way Prometheus does; stops at the first lexer error. `unquotedUtf8Names` is Go's
 * `Options.EnableUnquotedUTF8Names`.
 */
export function lex(input: string, unquotedUtf8Names = false): LexResult {
  const l = new Lexer(input, unquotedUtf8Names);
  l.run();
  return { items: l.items, error: l.error };
}
