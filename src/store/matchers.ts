import { RE2JS } from 're2js';
import { InvalidMatcherError } from '../errors.js';
import type { LabelMatcher, MatchOp } from './types.js';

/**
 * A label matcher ready to run: `matches(value)` answers for one label value, where `''` stands for "label
 * absent" (Prometheus treats both alike).
 */
export interface CompiledMatcher {
  readonly name: string;
  readonly op: MatchOp;
  readonly value: string;
  /** True when the matcher accepts the empty string, i.e. also series that lack the label. */
  readonly matchesEmpty: boolean;
  matches(value: string): boolean;
}

type Predicate = (value: string) => boolean;

const REGEX_CACHE_LIMIT = 1024;
const regexCache = new Map<string, Predicate>();

// Characters with a meaning in RE2 syntax; a pattern without any of them is a literal.
const RE2_META = /[\\.+*?()|[\]{}^$]/;

/**
 * Compiles a Prometheus label matcher.
 *
 * Semantics (Prometheus 3.x, `model/labels/matcher.go` and `regexp.go`): `=`/`!=` compare strings; `=~`/`!~`
 * use RE2 syntax, fully anchored, with `.` matching `\n` (`^(?s:re)$`). Regexes run on re2js (linear time,
 * RE2 syntax incl. `(?i)`, `[[:alpha:]]`, `\pL`); literals, `a|b|c` alternations of literals, `.*` and `.+`
 * take fast paths. Compiled regexes are cached by pattern.
 *
 * @throws InvalidMatcherError (`FPB_ERR_INVALID_MATCHER`) for an unknown operator or a regex RE2 rejects.
 */
export function compileMatcher(matcher: LabelMatcher): CompiledMatcher {
  const { name, op, value } = matcher;
  let matches: Predicate;
  switch (op) {
    case '=':
      matches = (v) => v === value;
      break;
    case '!=':
      matches = (v) => v !== value;
      break;
    case '=~':
      matches = compileRegex(matcher);
      break;
    case '!~': {
      const re = compileRegex(matcher);
      matches = (v) => !re(v);
      break;
    }
    default:
      throw new InvalidMatcherError(describe(matcher), `unknown operator ${JSON.stringify(op)}`);
  }
  return { name, op, value, matchesEmpty: matches(''), matches };
}

/** `name op "value"` as PromQL would print it; used in error messages. */
export function describe(matcher: LabelMatcher): string {
  return `${matcher.name}${matcher.op}${JSON.stringify(matcher.value)}`;
}

function compileRegex(matcher: LabelMatcher): Predicate {
  const pattern = matcher.value;
  const cached = regexCache.get(pattern);
  if (cached !== undefined) return cached;
  const predicate = buildRegex(matcher);
  if (regexCache.size >= REGEX_CACHE_LIMIT) regexCache.clear();
  regexCache.set(pattern, predicate);
  return predicate;
}

function buildRegex(matcher: LabelMatcher): Predicate {
  const pattern = matcher.value;
  if (pattern === '.*') return () => true;
  if (pattern === '.+') return (v) => v.length > 0;
  if (!RE2_META.test(pattern)) return (v) => v === pattern;
  const alternatives = pattern.split('|');
  if (alternatives.length > 1 && alternatives.every((a) => !RE2_META.test(a))) {
    const set = new Set(alternatives);
    return (v) => set.has(v);
  }
  let re: RE2JS;
  try {
    // Compiling the bare pattern first rejects things like `a)(b` that only parse once wrapped.
    RE2JS.compile(pattern);
    re = RE2JS.compile(`(?s:${pattern})`);
  } catch (err) {
    throw new InvalidMatcherError(describe(matcher), err instanceof Error ? err.message : String(err), { cause: err });
  }
  // RE2JS#matches is a whole-input match, i.e. the anchoring Prometheus applies.
  return (v) => re.matches(v);
}
