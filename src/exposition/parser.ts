import type { ExpositionFormat, ParsedFamily } from './types.js';
import { OpenMetricsParser } from './parse/openmetrics.js';
import { TextParser } from './parse/text.js';
import { checkString, decodeUtf8 } from './parse/utf8.js';

export { parseGoFloat } from './parse/float.js';

export interface ParseExpositionOptions {
  /** Default `text` (Prometheus text 0.0.4). `openmetrics` parses OpenMetrics 1.0 text (see below). */
  readonly format?: ExpositionFormat;
}

/**
 * Parses a Prometheus text-format exposition (0.0.4) — strictly, with the rules and messages of
 * prometheus/common `expfmt.TextParser` (what Pushgateway and `promtool check metrics` use) — or, with
 * `format: 'openmetrics'`, OpenMetrics 1.0 text.
 *
 * Text 0.0.4, as expfmt: lines end with `\n` including the last (a trailing run of blanks is fine); blank
 * lines and `#` comments other than HELP/TYPE are ignored; `# HELP`/`# TYPE` at most once per family and
 * TYPE before the family's first sample; types counter, gauge, summary, histogram, untyped
 * (case-insensitive); metric names `[a-zA-Z_:][a-zA-Z0-9_:]*`, label names `[a-zA-Z_][a-zA-Z0-9_]*`, no
 * `__name__` label, no duplicate label names, trailing comma allowed; label values escape only `\\`, `\"`,
 * `\n`; HELP escapes `\\`, `\n` (and `\"`, as current expfmt); values Go `ParseFloat` syntax (decimal,
 * `NaN`, `[+-]Inf(inity)`, case-insensitive; no hex, no `_`, out-of-range is an error); timestamps int64 ms;
 * nothing after the timestamp, not even blanks. `_sum`/`_count` (and `_bucket`) samples join a summary
 * (histogram) family declared by TYPE, whose `quantile` (`le`) label must be a float. Interleaved families
 * and duplicate series are accepted, as expfmt does. Not supported: the quoted UTF-8 names of text 1.0.0.
 *
 * OpenMetrics 1.0 (enough for our own output and prom-client's): `# TYPE`, `# UNIT`, `# HELP` before the
 * family's samples, no other comments, no blank lines, single spaces, no interleaving, `# EOF` last;
 * types counter (`_total`, `_created`), gauge, summary, histogram, unknown (→ `untyped`); HELP and label
 * values escape `\\`, `\"`, `\n`; timestamps are seconds (returned × 1000); exemplars are checked and
 * dropped. `gaugehistogram`, `stateset`, `info` are rejected as unsupported.
 *
 * Both: families without samples are left out (as expfmt does); input must be valid UTF-8 (a Uint8Array is
 * checked byte-wise; a string must not hold lone surrogates) — stricter than expfmt, which checks label
 * values only.
 *
 * @returns families in order of first appearance, samples in input order.
 * @throws ExpositionParseError (`FPB_ERR_EXPOSITION_PARSE`, 1-based `line`) on the first malformed line; never
 *   anything else, whatever the input.
 */
export function parseTextExposition(input: string | Uint8Array, options: ParseExpositionOptions = {}): ParsedFamily[] {
  const text = typeof input === 'string' ? checkString(input) : decodeUtf8(input);
  if (options.format === 'openmetrics') {
    const parser = new OpenMetricsParser(text);
    parser.parseOpenMetrics();
    return parser.result();
  }
  const parser = new TextParser(text);
  parser.parseText();
  return parser.result();
}
