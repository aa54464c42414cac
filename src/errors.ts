/**
 * The one error hierarchy of the sidecar. Every error carries a stable string `code` (`FPB_ERR_…`) that users
 * and tests match on; messages may change, codes may not. Modelled on undici's `lib/core/errors.js`.
 */
export type ErrorCode =
  | 'FPB_ERR_CONFIG'
  | 'FPB_ERR_CLI'
  | 'FPB_ERR_INVALID_LABEL'
  | 'FPB_ERR_INVALID_METRIC_NAME'
  | 'FPB_ERR_EXPOSITION_PARSE'
  | 'FPB_ERR_FLINK_HTTP'
  | 'FPB_ERR_FLINK_TIMEOUT'
  | 'FPB_ERR_FLINK_CONNECT'
  | 'FPB_ERR_FLINK_RESPONSE'
  | 'FPB_ERR_FLINK_VERSION'
  | 'FPB_ERR_INVALID_MATCHER'
  | 'FPB_ERR_OUT_OF_ORDER'
  | 'FPB_ERR_SERIES_LIMIT'
  | 'FPB_ERR_SERIES_CONFLICT'
  | 'FPB_ERR_UNKNOWN_SERIES_REF'
  | 'FPB_ERR_METADATA_CONFLICT'
  | 'FPB_ERR_PROMQL_PARSE'
  | 'FPB_ERR_PUSH_REJECTED'
  | 'FPB_ERR_PROMQL_EVAL'
  | 'FPB_ERR_PROMQL_UNSUPPORTED'
  | 'FPB_ERR_PROMQL_TOO_MANY_SAMPLES'
  | 'FPB_ERR_PROMQL_TIMEOUT'
  | 'FPB_ERR_PROMQL_CANCELED'
  | 'FPB_ERR_REMOTE_WRITE_DECODE'
  | 'FPB_ERR_REMOTE_WRITE_INVALID'
  | 'FPB_ERR_REMOTE_WRITE_TOO_LARGE'
  | 'FPB_ERR_API_BAD_DATA'
  | 'FPB_ERR_RULE_FILE'
  | 'FPB_ERR_TEMPLATE_PARSE'
  | 'FPB_ERR_TEMPLATE_EXEC'
  | 'FPB_ERR_RULE_EVAL'
  | 'FPB_ERR_RULE_TEST'
  | 'FPB_ERR_NOTIFY';

/** Base class: `code` is stable, `message` is for humans. */
export class BridgeError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** A config file or flag that does not validate; `message` names the file, key path and expectation. */
export class ConfigError extends BridgeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('FPB_ERR_CONFIG', message, options);
  }
}

/** A label name or value that violates the Prometheus data model. */
export class InvalidLabelError extends BridgeError {
  constructor(message: string) {
    super('FPB_ERR_INVALID_LABEL', message);
  }
}

/** A metric name that violates `[a-zA-Z_:][a-zA-Z0-9_:]*`. */
export class InvalidMetricNameError extends BridgeError {
  constructor(message: string) {
    super('FPB_ERR_INVALID_METRIC_NAME', message);
  }
}

/** Text exposition that does not parse; `line` is 1-based. */
export class ExpositionParseError extends BridgeError {
  readonly line: number;
  constructor(line: number, message: string) {
    super('FPB_ERR_EXPOSITION_PARSE', `line ${line}: ${message}`);
    this.line = line;
  }
}

/** Flink answered with a non-2xx status. `status` is the HTTP status; `endpoint` the poll-plan endpoint name. */
export class FlinkHttpError extends BridgeError {
  readonly status: number;
  readonly endpoint: string;
  constructor(endpoint: string, status: number, bodySnippet: string) {
    super('FPB_ERR_FLINK_HTTP', `${endpoint}: Flink REST answered HTTP ${status}${bodySnippet ? `: ${bodySnippet}` : ''}`);
    this.status = status;
    this.endpoint = endpoint;
  }
}

/** A Flink REST request took longer than `flink.timeout` (headers or body). */
export class FlinkTimeoutError extends BridgeError {
  readonly endpoint: string;
  constructor(endpoint: string, timeoutMs: number, options?: { cause?: unknown }) {
    super('FPB_ERR_FLINK_TIMEOUT', `${endpoint}: no complete answer from Flink REST within ${timeoutMs} ms`, options);
    this.endpoint = endpoint;
  }
}

/** The Flink REST API could not be reached (connection refused, reset, DNS, TLS). */
export class FlinkConnectError extends BridgeError {
  readonly endpoint: string;
  constructor(endpoint: string, message: string, options?: { cause?: unknown }) {
    super('FPB_ERR_FLINK_CONNECT', `${endpoint}: cannot reach Flink REST: ${message}`, options);
    this.endpoint = endpoint;
  }
}

/** Flink answered 2xx with a body that is not the JSON shape we expect (HTML, truncated JSON, wrong fields). */
export class FlinkResponseError extends BridgeError {
  readonly endpoint: string;
  constructor(endpoint: string, message: string) {
    super('FPB_ERR_FLINK_RESPONSE', `${endpoint}: unexpected Flink REST response: ${message}`);
    this.endpoint = endpoint;
  }
}

/**
 * A PromQL-style label matcher that cannot be used: an operator other than `=`, `!=`, `=~`, `!~`, or a regex
 * that does not compile under RE2 syntax. `matcher` is the offending matcher rendered as `name op "value"`.
 */
export class InvalidMatcherError extends BridgeError {
  readonly matcher: string;
  constructor(matcher: string, message: string, options?: { cause?: unknown }) {
    super('FPB_ERR_INVALID_MATCHER', `invalid matcher ${matcher}: ${message}`, options);
    this.matcher = matcher;
  }
}

/** A bad command-line flag or argument (unknown flag, malformed value); the CLI prints it and exits 1. */
export class CliError extends BridgeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('FPB_ERR_CLI', message, options);
  }
}

/** `/config` reports a Flink version this sidecar was not tested against; polling goes on with the 2.x shapes. */
export class FlinkVersionError extends BridgeError {
  constructor(version: string) {
    super('FPB_ERR_FLINK_VERSION', `/config: untested Flink version ${JSON.stringify(version)} (tested: 1.15–1.20, 2.0–2.3); polling with the 2.x response shapes`);
  }
}

/**
 * A sample whose timestamp is not newer than the series' newest sample (committed, or pending in the same
 * appender). `reason` is `duplicate` for an equal timestamp, `out_of_order` for an older one (Prometheus
 * `storage.ErrOutOfOrderSample` / `ErrDuplicateSampleForTimestamp`). The store never reorders samples.
 */
export class OutOfOrderSampleError extends BridgeError {
  readonly reason: 'out_of_order' | 'duplicate';
  readonly series: string;
  constructor(series: string, timestampMs: number, lastMs: number) {
    const reason = timestampMs === lastMs ? 'duplicate' : 'out_of_order';
    super(
      'FPB_ERR_OUT_OF_ORDER',
      reason === 'duplicate'
        ? `duplicate sample for timestamp ${timestampMs} of series ${series}`
        : `out of order sample at ${timestampMs} for series ${series} (newest is at ${lastMs})`,
    );
    this.reason = reason;
    this.series = series;
  }
}

/** Creating a series would exceed a series limit: the source's (`scope: 'source'`) or the store's (`'total'`). */
export class SeriesLimitError extends BridgeError {
  readonly scope: 'source' | 'total';
  readonly limit: number;
  constructor(scope: 'source' | 'total', limit: number, source: string) {
    super(
      'FPB_ERR_SERIES_LIMIT',
      scope === 'source'
        ? `series limit reached: source ${JSON.stringify(source)} may hold at most ${limit} series`
        : `series limit reached: the store may hold at most ${limit} series (refused for source ${JSON.stringify(source)})`,
    );
    this.scope = scope;
    this.limit = limit;
  }
}

/** A label set already owned by another source: a series belongs to exactly one source. */
export class SeriesConflictError extends BridgeError {
  constructor(series: string, owner: string, writer: string) {
    super('FPB_ERR_SERIES_CONFLICT', `series ${series} belongs to source ${JSON.stringify(owner)}, not ${JSON.stringify(writer)}`);
  }
}

/** A series reference that is not a live series of the appending source (unknown, dropped, or another's). */
export class UnknownSeriesRefError extends BridgeError {
  readonly ref: number;
  constructor(ref: number, source: string) {
    super('FPB_ERR_UNKNOWN_SERIES_REF', `series reference ${ref} is not a live series of source ${JSON.stringify(source)}`);
    this.ref = ref;
  }
}

/**
 * Two sources declare the same metric family with different types. Worded like the Pushgateway's consistency
 * check ("… has type X but should have Y") so users of both recognise it.
 */
export class MetadataConflictError extends BridgeError {
  readonly family: string;
  constructor(family: string, type: string, source: string, existingType: string, existingSource: string) {
    super(
      'FPB_ERR_METADATA_CONFLICT',
      `metric family ${JSON.stringify(family)} from source ${JSON.stringify(source)} has type ${type} but should have ${existingType} (as declared by source ${JSON.stringify(existingSource)})`,
    );
    this.family = family;
  }
}

/**
 * A PromQL query that does not parse or does not type-check. `message` is Prometheus's wording,
 * `<line>:<column>: parse error: <detail>` (`ParseErr.Error` in `promql/parser/parse.go` at v0.316.0; line and
 * column are 1-based, the column counts UTF-8 bytes like Go). `position` is the offending span in the query
 * (UTF-16 offsets, end exclusive); `detail` is the message without the position prefix.
 */
export class PromQLParseError extends BridgeError {
  readonly position: { readonly start: number; readonly end: number };
  readonly line: number;
  readonly column: number;
  readonly detail: string;
  constructor(query: string, position: { start: number; end: number }, detail: string) {
    const { line, column } = lineAndColumn(query, position.start);
    // Go has no position to print for an empty query.
    super('FPB_ERR_PROMQL_PARSE', `${query === '' ? 'unknown position' : `${line}:${column}`}: parse error: ${detail}`);
    this.position = { start: position.start, end: position.end };
    this.line = line;
    this.column = column;
    this.detail = detail;
  }
}

// `PositionRange.StartPosInput` (promql/parser/posrange): Go counts bytes of UTF-8, so the column does too.
function lineAndColumn(query: string, offset: number): { line: number; column: number } {
  const before = query.slice(0, Math.max(0, Math.min(offset, query.length)));
  const lastBreak = before.lastIndexOf('\n');
  const line = before.split('\n').length;
  const column = Buffer.byteLength(before.slice(lastBreak + 1), 'utf8') + 1;
  return { line, column };
}

/**
 * A Pushgateway-API request (`PUT`/`POST`/`DELETE /metrics/job/…`) that the push receiver refused; nothing of it
 * was stored. `status` is the HTTP status to answer (400 malformed or inconsistent, 413 a body limit, 429 a series
 * or group limit); `reason` a stable short word for the self-metric (`path`, `parse`, `timestamp`, `conflict`,
 * `duplicate`, `reserved`, `body_size`, `series_limit`, `group_limit`, `encoding`). `message` says what and where.
 */
export class PushRejectedError extends BridgeError {
  readonly status: number;
  readonly reason: string;
  constructor(status: number, reason: string, message: string, options?: { cause?: unknown }) {
    super('FPB_ERR_PUSH_REJECTED', message, options);
    this.status = status;
    this.reason = reason;
  }
}

/**
 * A PromQL expression that parses but cannot be evaluated, where Prometheus's engine returns an error (e.g.
 * `label_replace` with an invalid regex or target label, `double_exponential_smoothing` with a smoothing factor
 * outside (0, 1), a native-histogram-only function). `message` is Prometheus's wording (`promql/functions.go`,
 * `promql/engine.go` at v0.316.0) without the position prefix.
 * Also the engine's own execution errors ("vector cannot contain metrics with the same labelset", the vector
 * matching errors).
 */
export class PromQLEvalError extends BridgeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('FPB_ERR_PROMQL_EVAL', message, options);
  }
}

/**
 * A construct the engine does not implement (native histograms, experimental features behind flags we do not
 * offer). Raised instead of answering something that could differ from Prometheus.
 */
export class PromQLUnsupportedError extends BridgeError {
  constructor(what: string) {
    super('FPB_ERR_PROMQL_UNSUPPORTED', `unsupported: ${what}`);
  }
}

/** The query would hold more samples in memory than `query.max_samples` (Prometheus's `ErrTooManySamples`). */
export class PromQLTooManySamplesError extends BridgeError {
  constructor(env: string) {
    super('FPB_ERR_PROMQL_TOO_MANY_SAMPLES', `query processing would load too many samples into memory in ${env}`);
  }
}

/** The query ran longer than `query.timeout` (Prometheus's `ErrQueryTimeout`). */
export class PromQLTimeoutError extends BridgeError {
  constructor(env: string) {
    super('FPB_ERR_PROMQL_TIMEOUT', `query timed out in ${env}`);
  }
}

/** The query was cancelled, e.g. because the client went away (Prometheus's `ErrQueryCanceled`). */
export class PromQLCanceledError extends BridgeError {
  constructor(env: string) {
    super('FPB_ERR_PROMQL_CANCELED', `query was canceled in ${env}`);
  }
}

/**
 * A remote-write body that is not a valid snappy block or protobuf encoding of the message its Content-Type names
 * (the receiver answers 400). `message` names the message type and what was wrong.
 */
export class RemoteWriteDecodeError extends BridgeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('FPB_ERR_REMOTE_WRITE_DECODE', message, options);
  }

  /** Wraps whatever a decoder loop threw (protobufjs throws plain `Error`/`RangeError`). */
  static wrap(messageType: string, e: unknown): RemoteWriteDecodeError {
    if (e instanceof RemoteWriteDecodeError) return e;
    return new RemoteWriteDecodeError(`cannot decode ${messageType}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}

/**
 * A decoded remote-write request with invalid data: unsorted or duplicate label names, an empty or invalid name, an
 * out-of-order sample, a native histogram, a series limit. The receiver answers 400 and writes nothing; `message`
 * names the series. `reason` is the self-metric label (`flink_bridge_remote_write_refused_samples_total`).
 */
export class RemoteWriteInvalidError extends BridgeError {
  readonly reason: string;
  constructor(reason: string, message: string, options?: { cause?: unknown }) {
    super('FPB_ERR_REMOTE_WRITE_INVALID', message, options);
    this.reason = reason;
  }
}

/** A remote-write body above a size limit, before (`stage: 'compressed'`) or after snappy (`'decoded'`): HTTP 413. */
export class RemoteWriteTooLargeError extends BridgeError {
  readonly stage: 'compressed' | 'decoded';
  constructor(stage: 'compressed' | 'decoded', size: number, limit: number) {
    super(
      'FPB_ERR_REMOTE_WRITE_TOO_LARGE',
      stage === 'compressed'
        ? `request body of ${size} bytes exceeds the limit of ${limit} bytes`
        : `snappy-decoded body of ${size} bytes exceeds the limit of ${limit} bytes`,
    );
    this.stage = stage;
  }
}

/**
 * A request to the Prometheus HTTP API (`/api/v1/...`) with a bad parameter: answered with `errorType: "bad_data"`
 * and status 400. The message is Prometheus's wording (`web/api/v1/api.go` at v0.316.0).
 */
export class ApiBadDataError extends BridgeError {
  constructor(message: string) {
    super('FPB_ERR_API_BAD_DATA', message);
  }
}

/**
 * A rule file that does not load or validate (`model/rulefmt/rulefmt.go`): `file`, 1-based `line`/`column` where
 * known (0 when the error has no position), and Prometheus's wording in `detail`.
 */
export class RuleFileError extends BridgeError {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly detail: string;
  constructor(file: string, line: number, column: number, detail: string) {
    super('FPB_ERR_RULE_FILE', line > 0 ? `${file}:${line}:${column}: ${detail}` : `${file}: ${detail}`);
    this.file = file;
    this.line = line;
    this.column = column;
    this.detail = detail;
  }
}

/** A Go text/template that does not parse: `name` is the template's name, `line` 1-based within its text. */
export class TemplateParseError extends BridgeError {
  readonly templateName: string;
  readonly line: number;
  constructor(templateName: string, line: number, message: string) {
    super('FPB_ERR_TEMPLATE_PARSE', `template: ${templateName}:${line}: ${message}`);
    this.templateName = templateName;
    this.line = line;
  }
}

/** A template that failed while executing (Go's `template: name:line:col: executing …` errors). */
export class TemplateExecError extends BridgeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('FPB_ERR_TEMPLATE_EXEC', message, options);
  }
}

/** A rule evaluation that failed (the rule's `lastError`; e.g. duplicate label sets, the group `limit`). */
export class RuleEvalError extends BridgeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('FPB_ERR_RULE_EVAL', message, options);
  }
}

/** A `test rules` unit-test file that does not load (promtool's wording where it has one). */
export class RuleTestFileError extends BridgeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('FPB_ERR_RULE_TEST', message, options);
  }
}

/** A notification that could not be delivered (Alertmanager or webhook): `status` is the HTTP status or 0. */
export class NotifyError extends BridgeError {
  readonly status: number;
  constructor(status: number, message: string, options?: { cause?: unknown }) {
    super('FPB_ERR_NOTIFY', message, options);
    this.status = status;
  }
}

/**
 * Every problem of one rule file at once (a `RuleFileError` for the first, with all of them in `errors`), as
 * Prometheus logs them all when a file does not load. `message` lists one `file:line:col: …` per line.
 */
export class RuleFileErrors extends RuleFileError {
  readonly errors: readonly RuleFileError[];
  constructor(errors: readonly [RuleFileError, ...RuleFileError[]]) {
    const first = errors[0];
    super(first.file, first.line, first.column, first.detail);
    this.errors = errors;
    this.message = errors.map((e) => e.message).join('\n');
  }
}
