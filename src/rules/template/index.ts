/**
 * Go text/template with Prometheus's data and functions (issue 9 §1 "Templates"): what alert label and annotation
 * templates do in Prometheus 3.16 (`template/template.go` of v0.316.0 on Go 1.26 `text/template`).
 *
 * Pipeline stages, one file each: `lexer.ts` → `parser.ts` (with `nodes.ts`, `numbers.ts`, `go-quote.ts`) →
 * `exec.ts` over the Go value model of `values.ts`, calling `builtins.ts` (Go's predefined functions) and
 * `prometheus-funcs.ts` (Prometheus's), printing with `go-fmt.ts` / `go-float.ts` / `go-time.ts`;
 * `expander.ts` is the `TemplateExpander` of rules/types.ts.
 *
 * How it is proven: test/fixtures/rules/templates/cases.yml (234 cases) recorded from and re-checked against
 * `promtool test rules` / `promtool check rules` 3.16; test/integration/rules/template/go-differential.test.ts
 * fuzzes thousands of templates through Prometheus's own template package (a Go oracle) and ours.
 *
 * Known differences from Prometheus (all rare in alert templates):
 * - pointer values printed inside composites (`{{ print (query "up") }}`) show `0xc000000000`, Go a real address;
 *   `time.Time` printed with verbs other than `%v %s %q` shows Go's internal fields there, a bad-verb text here;
 * - invalid UTF-8 cannot exist in JavaScript strings: slicing a string inside a multi-byte character gives one
 *   U+FFFD where Go keeps the bytes (shown as one U+FFFD per byte);
 * - `time.Time` / `time.Duration` methods: only `Format Unix UnixMilli UnixNano UTC String` and
 *   `Seconds Minutes Hours Milliseconds Nanoseconds String` (no `Add`, `Sub`, `In` etc.);
 * - `%[n]d` argument indexes are not supported (`%!(BADINDEX)`), `%#v` of structs/samples is not Go syntax;
 * - a range loop stops with an error after 10 000 000 iterations per expansion (Go would run on and never finish
 *   the rule's evaluation); absurd nesting (thousands of levels) is a parse error ("max expression depth
 *   exceeded") where Go's growable stack would go on;
 * - regexes are re2js's RE2: Go 1.25+ also accepts Unicode class names in any case and long aliases (`\pl`,
 *   `\p{Letter}`), re2js only the canonical ones (`\pL`); Go 1.26's Unicode tables (15.0) and Node's ICU (newer)
 *   differ on recently assigned characters (`%q`, `js`, `title`, case mappings);
 * - the order of `query` results is the engine's (Prometheus's is unspecified too: promtool's varies per run).
 */
export { ALERT_TEMPLATE_PREFIX, alertTemplateName, createTemplateExpander, runTemplate } from './expander.js';
export { ExecFailure, MAX_RANGE_ITERATIONS } from './exec.js';
export { ParseFailure, parseTemplate } from './parser.js';
