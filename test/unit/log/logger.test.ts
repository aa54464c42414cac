import { describe, expect, it } from 'vitest';
import { createLogger, logfmtKey, logfmtValue, nullLogger } from '../../../src/log/logger.js';
import type { LogFormat, Logger, LogLevel } from '../../../src/log/logger.js';

function capture(level: LogLevel, format: LogFormat): { log: Logger; lines: () => string[] } {
  const chunks: string[] = [];
  const log = createLogger({ level, format }, { write: (s: string) => chunks.push(s) });
  return { log, lines: () => chunks.join('').split('\n').filter((l) => l !== '') };
}

const TS = /^ts=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z /;

describe('logfmt', () => {
  it('writes Prometheus-style lines: ts, level, bindings, msg, fields', () => {
    const { log, lines } = capture('info', 'logfmt');
    log.child({ component: 'flink-poller' }).info({ duration_seconds: 0.12 }, 'poll finished');
    const [line] = lines();
    expect(line).toMatch(TS);
    expect(line?.replace(TS, '')).toBe('level=info component=flink-poller msg="poll finished" duration_seconds=0.12');
  });

  it('quotes and escapes values that need it', () => {
    const { log, lines } = capture('debug', 'logfmt');
    log.warn({ a: 'plain', b: 'two words', c: 'x="y"', d: '', e: 'line\nbreak', f: true, g: null, h: { k: [1, 2] }, i: -3 });
    expect(lines()[0]?.replace(TS, '')).toBe(
      'level=warn a=plain b="two words" c="x=\\"y\\"" d="" e="line\\nbreak" f=true g=null h="{\\"k\\":[1,2]}" i=-3',
    );
  });

  it('logs errors as their message', () => {
    const { log, lines } = capture('info', 'logfmt');
    log.error({ err: new Error('connect ECONNREFUSED 127.0.0.1:8081') }, 'poll failed');
    expect(lines()[0]?.replace(TS, '')).toBe('level=error msg="poll failed" err="connect ECONNREFUSED 127.0.0.1:8081"');
  });

  it('accepts a plain message and leaves % sequences alone', () => {
    const { log, lines } = capture('info', 'logfmt');
    log.info('100% done %s %d');
    expect(lines()[0]?.replace(TS, '')).toBe('level=info msg="100% done %s %d"');
  });

  it('nests child bindings in order', () => {
    const { log, lines } = capture('info', 'logfmt');
    log.child({ component: 'http' }).child({ route: '/metrics' }).info({ code: 200 }, 'served');
    expect(lines()[0]?.replace(TS, '')).toBe('level=info component=http route=/metrics msg=served code=200');
  });

  it('sanitises keys', () => {
    expect(logfmtKey('a b=c"d')).toBe('a_b_c_d');
    expect(logfmtKey('')).toBe('_');
    expect(logfmtValue('ü')).toBe('ü');
    expect(logfmtValue(1.5)).toBe('1.5');
  });
});

describe('json', () => {
  it('writes one JSON object per line with level names and an ISO ts', () => {
    const { log, lines } = capture('info', 'json');
    log.child({ component: 'flink-poller' }).info({ duration_seconds: 0.12, err: new Error('boom') }, 'poll finished');
    const rec = JSON.parse(lines()[0] ?? '') as Record<string, unknown>;
    expect(rec).toEqual({
      level: 'info',
      ts: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      component: 'flink-poller',
      duration_seconds: 0.12,
      err: 'boom',
      msg: 'poll finished',
    });
    expect(rec).not.toHaveProperty('pid');
    expect(rec).not.toHaveProperty('hostname');
  });
});

describe('levels', () => {
  it.each([
    ['debug', ['debug', 'info', 'warn', 'error']],
    ['info', ['info', 'warn', 'error']],
    ['warn', ['warn', 'error']],
    ['error', ['error']],
  ] as const)('%s', (level, expected) => {
    const { log, lines } = capture(level, 'json');
    const child = log.child({ component: 'x' });
    child.debug('d');
    child.info('i');
    child.warn('w');
    child.error('e');
    expect(lines().map((l) => (JSON.parse(l) as { level: string }).level)).toEqual(expected);
    expect(child.isLevelEnabled('debug')).toBe(level === 'debug');
    expect(child.isLevelEnabled('error')).toBe(true);
  });
});

describe('nullLogger', () => {
  it('discards everything', () => {
    nullLogger.child({ a: 1 }).error({ x: 1 }, 'nothing');
    expect(nullLogger.isLevelEnabled('error')).toBe(false);
  });
});
