/**
 * The one logger of the sidecar: pino underneath, exposed through the small `Logger` interface so other modules do
 * not depend on pino's types. Two output formats, both one line per record:
 *
 * - `logfmt` (default, like Prometheus):
 *   `ts=2026-11-23T19:00:00.000Z level=info component=flink-poller msg="poll finished" duration_seconds=0.12`
 *   (order: ts, level, child bindings, msg, fields)
 * - `json`: `{"level":"info","ts":"2026-11-23T19:00:00.000Z","component":"flink-poller","duration_seconds":0.12,"msg":"poll finished"}`
 *
 * Error values in fields are logged as their message. Never log secrets: nothing here redacts.
 */
import { pino } from 'pino';
import type { Logger as PinoLogger, LoggerOptions as PinoOptions } from 'pino';

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export const LOG_FORMATS = ['logfmt', 'json'] as const;

export type LogLevel = (typeof LOG_LEVELS)[number];
export type LogFormat = (typeof LOG_FORMATS)[number];

/** Structured fields of one record (or a child's bindings): snake_case keys, JSON-able values. */
export type LogFields = Readonly<Record<string, unknown>>;

/** Logs a message, or fields plus an optional message. */
export interface LogMethod {
  (msg: string): void;
  (fields: LogFields, msg?: string): void;
}

/** What modules log through. Get one from `createLogger` (the CLI does) and pass `.child({ component })` down. */
export interface Logger {
  readonly debug: LogMethod;
  readonly info: LogMethod;
  readonly warn: LogMethod;
  readonly error: LogMethod;
  /** A logger whose records all carry `bindings` (e.g. `{ component: 'flink-poller' }`). */
  child(bindings: LogFields): Logger;
  /** True when records of `level` are written (to skip building expensive fields). */
  isLevelEnabled(level: LogLevel): boolean;
}

export interface LoggerOptions {
  readonly level: LogLevel;
  readonly format: LogFormat;
}

/** Where log lines go: anything with a `write(string)` (a stream, or a test collector). */
export interface LogDestination {
  write(chunk: string): unknown;
}

/** Key under which a record's own fields travel from pino to the logfmt formatter (never printed). */
const FIELDS_KEY = '\u0000fields';

/**
 * Creates the root logger.
 *
 * @param destination where lines are written; default: stderr, synchronously (so nothing is lost on exit)
 * @returns a `Logger`; records below `options.level` are dropped
 */
export function createLogger(options: LoggerOptions, destination?: LogDestination): Logger {
  const dest: LogDestination = destination ?? pino.destination({ dest: 2, sync: true });
  const logfmt = options.format === 'logfmt';
  const pinoOptions: PinoOptions = {
    level: options.level,
    base: undefined,
    messageKey: 'msg',
    timestamp: () => `,"ts":"${new Date().toISOString()}"`,
    formatters: {
      level: (label) => ({ level: label }),
      bindings: (bindings) => normaliseFields(bindings),
      log: (obj) => (logfmt ? { [FIELDS_KEY]: normaliseFields(obj) } : normaliseFields(obj)),
    },
  };
  const stream: LogDestination = logfmt ? { write: (line: string) => dest.write(jsonLineToLogfmt(line)) } : dest;
  return new PinoBackedLogger(pino(pinoOptions, stream));
}

/** A logger that discards everything (for tests and library use). */
export const nullLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  child: () => nullLogger,
  isLevelEnabled: () => false,
};

class PinoBackedLogger implements Logger {
  readonly debug: LogMethod;
  readonly info: LogMethod;
  readonly warn: LogMethod;
  readonly error: LogMethod;

  constructor(private readonly p: PinoLogger) {
    this.debug = this.method('debug');
    this.info = this.method('info');
    this.warn = this.method('warn');
    this.error = this.method('error');
  }

  child(bindings: LogFields): Logger {
    return new PinoBackedLogger(this.p.child({ ...bindings }));
  }

  isLevelEnabled(level: LogLevel): boolean {
    return this.p.isLevelEnabled(level);
  }

  private method(level: LogLevel): LogMethod {
    const p = this.p;
    return (a: string | LogFields, msg?: string): void => {
      if (!p.isLevelEnabled(level)) return;
      if (typeof a === 'string') p[level]({}, '%s', a);
      else if (msg === undefined) p[level]({ ...a });
      else p[level]({ ...a }, '%s', msg);
    };
  }
}

/** Error → its message; everything else unchanged. */
function normaliseFields(obj: Record<string, unknown> | null | undefined): Record<string, unknown> {
  if (obj === null || obj === undefined) return {};
  let out: Record<string, unknown> | undefined;
  for (const [k, v] of Object.entries(obj)) {
    if (v instanceof Error) {
      out ??= { ...obj };
      out[k] = v.message;
    }
  }
  return out ?? obj;
}

/** Converts one pino JSON line (as produced in logfmt mode) to a logfmt line. */
function jsonLineToLogfmt(line: string): string {
  let rec: Record<string, unknown>;
  try {
    rec = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  const parts: string[] = [];
  const put = (k: string, v: unknown): void => {
    if (v === undefined) return;
    parts.push(`${logfmtKey(k)}=${logfmtValue(v)}`);
  };
  put('ts', rec['ts']);
  put('level', rec['level']);
  for (const [k, v] of Object.entries(rec)) {
    if (k === 'ts' || k === 'level' || k === 'msg' || k === FIELDS_KEY) continue;
    put(k, v);
  }
  put('msg', rec['msg']);
  const fields = rec[FIELDS_KEY];
  if (fields !== null && typeof fields === 'object') {
    for (const [k, v] of Object.entries(fields as Record<string, unknown>)) put(k, v);
  }
  return `${parts.join(' ')}\n`;
}

/** A logfmt key: characters that would break parsing (space, `=`, `"`, controls) become `_`. */
export function logfmtKey(key: string): string {
  const k = key.replace(/[\s="\u0000-\u001f\u007f]/g, '_');
  return k === '' ? '_' : k;
}

/** A logfmt value: bare when safe, else double-quoted with JSON escapes; objects as quoted JSON. */
export function logfmtValue(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'number':
    case 'boolean':
    case 'bigint':
      return String(value);
    case 'string':
      return quoteIfNeeded(value);
    default:
      return quoteIfNeeded(JSON.stringify(value) ?? String(value));
  }
}

function quoteIfNeeded(s: string): string {
  if (s !== '' && !/[\s="\\\u0000-\u001f\u007f]/.test(s)) return s;
  return JSON.stringify(s);
}
