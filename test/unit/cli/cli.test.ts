import { EventEmitter } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { AppOptions } from '../../../src/app.js';
import { parseListenAddress, runCli } from '../../../src/cli.js';
import type { AppConstructor, CliDeps, RunnableApp, SignalSource } from '../../../src/cli.js';
import { CliError } from '../../../src/errors.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const PKG = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string };
const tmp = mkdtempSync(join(tmpdir(), 'fpb-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(tmp, name);
  writeFileSync(path, text);
  return path;
}

const GOOD = file('good.yml', 'global:\n  poll_interval: 15s\nflink:\n  rest_url: http://from-file:8081\n');
const WARN = file('warn.yml', 'global:\n  poll_interval: 5s\n  windows: [1m]\nflink:\n  timeout: 2s\n');
const BAD = file('bad.yml', 'global:\n  poll_interval: 15s\nflink:\n  foo: 1\n');

interface Run {
  stdout: string;
  stderr: string;
  exits: number[];
}

async function cli(argv: string[], deps: CliDeps = {}): Promise<Run> {
  const run: Run = { stdout: '', stderr: '', exits: [] };
  await runCli(
    argv,
    {
      stdout: { write: (s: string) => (run.stdout += s) },
      stderr: { write: (s: string) => (run.stderr += s) },
      exit: (code) => run.exits.push(code),
    },
    { signals: new EventEmitter() as SignalSource, ...deps },
  );
  return run;
}

/** A fake App recording its options and lifecycle calls. */
function fakeApp(behaviour: { start?: () => Promise<void>; stop?: () => Promise<void> } = {}) {
  const created: AppOptions[] = [];
  const calls: string[] = [];
  class FakeApp implements RunnableApp {
    constructor(opts: AppOptions) {
      created.push(opts);
    }
    async start(): Promise<void> {
      calls.push('start');
      await behaviour.start?.();
    }
    async stop(): Promise<void> {
      calls.push('stop');
      await behaviour.stop?.();
    }
    async reload(): Promise<void> {
      calls.push('reload');
    }
  }
  const loadApp = async (): Promise<AppConstructor> => FakeApp;
  return { created, calls, loadApp };
}

describe('version', () => {
  it.each([['version'], ['--version']])('%s prints name, version and node version', async (arg) => {
    const r = await cli([arg]);
    expect(r.stdout).toContain(`${PKG.name}, version ${PKG.version}`);
    expect(r.stdout).toContain(`node version:     ${process.version}`);
    expect(r.exits).toEqual([0]);
  });
});

describe('help and bad usage', () => {
  it('--help exits 0', async () => {
    const r = await cli(['--help']);
    expect(r.stdout).toContain('--config.file <path>');
    expect(r.stdout).toContain('--web.listen-address <host:port>');
    expect(r.exits).toEqual([0]);
  });

  it.each([
    [['--foo'], "error: unknown option '--foo'"],
    [['--config.file'], "error: option '--config.file <path>' argument missing"],
    [['--log.level=trace'], "argument 'trace' is invalid. Allowed choices are debug, info, warn, error."],
    [['--log.format', 'xml'], "argument 'xml' is invalid. Allowed choices are logfmt, json."],
    [['--web.listen-address=9275'], '"9275": missing port'],
    [['--web.listen-address', 'host:99999'], 'port must be a number from 0 to 65535'],
    [['--flink.rest-url=localhost:8081'], 'is not an http or https URL'],
    [['bogus'], "error: unknown command 'bogus'"],
    [['check'], 'Usage: flink-prometheus-bridge check'],
    [['check', 'config'], "error: missing required argument 'path'"],
    [['check', 'rulez', 'x'], "error: unknown command 'rulez'"],
    [['version', 'extra'], 'too many arguments'],
  ])('%j → message and exit 1', async (argv, message) => {
    const app = fakeApp();
    const r = await cli(argv, { loadApp: app.loadApp });
    expect(r.stderr).toContain(message);
    expect(r.exits).toEqual([1]);
    expect(app.created).toHaveLength(0);
  });
});

describe('check config', () => {
  it('prints SUCCESS for a valid file', async () => {
    const r = await cli(['check', 'config', GOOD]);
    expect(r.stdout).toBe(`SUCCESS: ${GOOD} is valid\n`);
    expect(r.stderr).toBe('');
    expect(r.exits).toEqual([0]);
  });

  it('prints warnings after SUCCESS and still exits 0', async () => {
    const r = await cli(['check', 'config', WARN]);
    expect(r.stdout).toContain(`SUCCESS: ${WARN} is valid\n  WARNING: global.poll_interval (5s) is shorter than flink.fetcher_update_interval (10s)`);
    expect(r.exits).toEqual([0]);
  });

  it('prints the precise error and exits 1 for an invalid file', async () => {
    const r = await cli(['check', 'config', BAD]);
    expect(r.stderr).toBe(`FAILED: ${BAD}:4:3: flink.foo: unknown key\n`);
    expect(r.stdout).toBe('');
    expect(r.exits).toEqual([1]);
  });

  it('fails for a missing file', async () => {
    const r = await cli(['check', 'config', join(tmp, 'missing.yml')]);
    expect(r.stderr).toBe(`FAILED: ${join(tmp, 'missing.yml')}: cannot read config file: no such file\n`);
    expect(r.exits).toEqual([1]);
  });

  it('checks several files and fails when one fails', async () => {
    const r = await cli(['check', 'config', GOOD, BAD]);
    expect(r.stdout).toContain(`SUCCESS: ${GOOD} is valid`);
    expect(r.stderr).toContain(`FAILED: ${BAD}:4:3`);
    expect(r.exits).toEqual([1]);
  });

  it('validates the bundled example', async () => {
    const r = await cli(['check', 'config', join(ROOT, 'examples', 'config.yml')]);
    expect(r.exits).toEqual([0]);
  });
});

describe('run', () => {
  it('starts the app with the defaults', async () => {
    const app = fakeApp();
    const r = await cli([], { loadApp: app.loadApp });
    expect(r.exits).toEqual([]);
    expect(app.calls).toEqual(['start']);
    const opts = app.created[0] as AppOptions;
    expect(opts.config.flink.restUrl).toBe('http://localhost:8081');
    expect(opts.config.global.pollIntervalMs).toBe(15_000);
    expect(opts.listenAddress).toEqual({ host: '0.0.0.0', port: 9275 });
    expect(opts.enableLifecycle).toBe(false);
    expect(opts.storagePath).toBe(resolve('./data'));
    expect(opts.webConfig).toBeUndefined();
    expect(opts.configFile).toBeUndefined();
    expect(Object.isFrozen(opts.config)).toBe(true);
    expect(r.stderr).toMatch(/level=info component=main msg="starting flink-prometheus-bridge" version=/);
  });

  it.each([
    [
      '--flag=value',
      [`--config.file=${GOOD}`, '--flink.rest-url=https://flag:8443/', '--web.listen-address=127.0.0.1:0', `--storage.path=${tmp}`, '--web.enable-lifecycle', '--log.level=debug', '--log.format=json'],
    ],
    [
      '--flag value',
      ['--config.file', GOOD, '--flink.rest-url', 'https://flag:8443/', '--web.listen-address', '127.0.0.1:0', '--storage.path', tmp, '--web.enable-lifecycle', '--log.level', 'debug', '--log.format', 'json'],
    ],
  ])('passes flags to the app (%s)', async (_style, argv) => {
    const app = fakeApp();
    const r = await cli(argv, { loadApp: app.loadApp });
    expect(r.exits).toEqual([]);
    const opts = app.created[0] as AppOptions;
    expect(opts.config.flink.restUrl).toBe('https://flag:8443'); // the flag beats the file
    expect(opts.listenAddress).toEqual({ host: '127.0.0.1', port: 0 });
    expect(opts.storagePath).toBe(tmp);
    expect(opts.enableLifecycle).toBe(true);
    expect(opts.configFile).toBe(GOOD);
    // json logs at debug level went to stderr
    const first = JSON.parse(r.stderr.split('\n')[0] ?? '') as Record<string, unknown>;
    expect(first).toMatchObject({ level: 'info', component: 'main', msg: 'starting flink-prometheus-bridge' });
    // the reload hook re-reads the file and re-applies the flag
    expect(opts.loadConfig?.().flink.restUrl).toBe('https://flag:8443');
  });

  it('passes --query.* and --promql.compat to the config and lists the flags for /status/flags', async () => {
    const app = fakeApp();
    const r = await cli(['--query.timeout=30s', '--query.max-samples=1000', '--query.lookback-delta=1m', '--promql.compat=2'], { loadApp: app.loadApp });
    expect(r.exits).toEqual([]);
    const opts = app.created[0] as AppOptions;
    expect(opts.config.query).toEqual({ timeoutMs: 30_000, maxSamples: 1000, lookbackDeltaMs: 60_000, compat: '2' });
    expect(opts.loadConfig?.().query.compat).toBe('2');
    expect(opts.flags).toMatchObject({ 'query.timeout': '30s', 'promql.compat': '2', 'web.listen-address': '0.0.0.0:9275' });
  });

  it('passes --rules.alert.* and --web.external-url (defaults as `prometheus --help` of 3.16: 1h, 10m, 1m)', async () => {
    const app = fakeApp();
    await cli([], { loadApp: app.loadApp });
    const d = app.created[0] as AppOptions;
    expect(d.rules).toEqual({ forOutageToleranceMs: 3_600_000, forGracePeriodMs: 600_000 });
    expect(d.externalUrl).toBeUndefined();
    expect(d.flags).toMatchObject({ 'rules.alert.for-outage-tolerance': '1h', 'rules.alert.for-grace-period': '10m', 'rules.alert.resend-delay': '' });
    const app2 = fakeApp();
    const r = await cli(
      ['--rules.alert.for-outage-tolerance=2h', '--rules.alert.for-grace-period=5m', '--rules.alert.resend-delay=30s', '--web.external-url=https://bridge.example/x/'],
      { loadApp: app2.loadApp },
    );
    expect(r.exits).toEqual([]);
    const o = app2.created[0] as AppOptions;
    expect(o.rules).toEqual({ forOutageToleranceMs: 7_200_000, forGracePeriodMs: 300_000, resendDelayMs: 30_000 });
    expect(o.externalUrl).toBe('https://bridge.example/x');
    expect(o.flags).toMatchObject({ 'rules.alert.resend-delay': '30s', 'web.external-url': 'https://bridge.example/x' });
  });

  it.each([['--rules.alert.for-grace-period=10'], ['--rules.alert.resend-delay=soon'], ['--web.external-url=bridge:9275'], ['--web.external-url=not a url']])(
    'exits 1 for a bad %s',
    async (flag) => {
      const app = fakeApp();
      const r = await cli([flag], { loadApp: app.loadApp });
      expect(r.exits).toEqual([1]);
      expect(app.created).toEqual([]);
    },
  );

  it('exits 1 for a bad --promql.compat', async () => {
    const app = fakeApp();
    const r = await cli(['--promql.compat=4'], { loadApp: app.loadApp });
    expect(r.exits).toEqual([1]);
    expect(r.stderr).toContain('--promql.compat: must be \\"2\\" or \\"3\\"');
    expect(app.created).toEqual([]);
  });

  it('uses the REST URL from the config file when no flag is given', async () => {
    const app = fakeApp();
    await cli([`--config.file=${GOOD}`], { loadApp: app.loadApp });
    expect(app.created[0]?.config.flink.restUrl).toBe('http://from-file:8081');
  });

  it('logs config warnings', async () => {
    const app = fakeApp();
    const r = await cli([`--config.file=${WARN}`], { loadApp: app.loadApp });
    expect(r.stderr).toMatch(/level=warn component=main msg="global\.poll_interval \(5s\) is shorter than flink\.fetcher_update_interval/);
  });

  it('loads the web config', async () => {
    const app = fakeApp();
    await cli([`--web.config.file=${join(ROOT, 'examples', 'web-config.yml')}`], { loadApp: app.loadApp });
    expect(app.created[0]?.webConfig?.basicAuthUsers?.has('prometheus')).toBe(true);
    expect(app.created[0]?.webConfig?.tls?.cert).toContain('BEGIN CERTIFICATE');
  });

  it('exits 1 with a logged error for a bad config file, without creating the app', async () => {
    const app = fakeApp();
    const r = await cli([`--config.file=${BAD}`], { loadApp: app.loadApp });
    expect(r.exits).toEqual([1]);
    expect(app.created).toHaveLength(0);
    expect(r.stderr).toContain(`level=error component=main msg="error loading config" file=${BAD} err="${BAD}:4:3: flink.foo: unknown key"`);
  });

  it('exits 1 for a missing config file', async () => {
    const app = fakeApp();
    const r = await cli([`--config.file=${join(tmp, 'nope.yml')}`], { loadApp: app.loadApp });
    expect(r.exits).toEqual([1]);
    expect(r.stderr).toContain('cannot read config file: no such file');
  });

  it('exits 1 for a bad web config file', async () => {
    const app = fakeApp();
    const web = file('web.yml', 'basic_auth_users:\n  alice: plaintext\n');
    const r = await cli([`--web.config.file=${web}`], { loadApp: app.loadApp });
    expect(r.exits).toEqual([1]);
    expect(r.stderr).toContain('msg="error loading web config"');
    expect(r.stderr).toContain('basic_auth_users.alice: not a bcrypt hash');
    expect(r.stderr).not.toContain('plaintext');
  });

  it('exits 1 when the app fails to start, after stopping it', async () => {
    const app = fakeApp({ start: () => Promise.reject(new Error('listen EADDRINUSE: address already in use 0.0.0.0:9275')) });
    const r = await cli([], { loadApp: app.loadApp });
    expect(r.exits).toEqual([1]);
    expect(app.calls).toEqual(['start', 'stop']);
    expect(r.stderr).toContain('msg="error starting" err="listen EADDRINUSE: address already in use 0.0.0.0:9275"');
  });
});

describe('signals', () => {
  async function started(behaviour: Parameters<typeof fakeApp>[0] = {}) {
    const app = fakeApp(behaviour);
    const signals = new EventEmitter();
    const r = await cli([], { loadApp: app.loadApp, signals: signals as SignalSource });
    return { app, signals, r };
  }

  it.each(['SIGTERM', 'SIGINT'])('%s stops the app once, then exits 0', async (sig) => {
    const { app, signals, r } = await started();
    signals.emit(sig);
    await vi.waitFor(() => expect(r.exits).toEqual([0]));
    expect(app.calls).toEqual(['start', 'stop']);
    expect(r.stderr).toContain(`msg="received signal, stopping"`);
  });

  it('a second signal exits immediately with 1', async () => {
    let release: () => void = () => {};
    const { app, signals, r } = await started({ stop: () => new Promise<void>((res) => (release = res)) });
    signals.emit('SIGTERM');
    signals.emit('SIGINT');
    expect(r.exits).toEqual([1]);
    expect(app.calls).toEqual(['start', 'stop']);
    release();
    await vi.waitFor(() => expect(r.exits).toEqual([1, 0]));
  });

  it('exits 1 when stop fails', async () => {
    const { signals, r } = await started({ stop: () => Promise.reject(new Error('stuck')) });
    signals.emit('SIGTERM');
    await vi.waitFor(() => expect(r.exits).toEqual([1]));
    expect(r.stderr).toContain('msg="error while stopping" err=stuck');
  });

  it('SIGHUP reloads', async () => {
    const { app, signals } = await started();
    signals.emit('SIGHUP');
    await vi.waitFor(() => expect(app.calls).toEqual(['start', 'reload']));
  });
});

describe('parseListenAddress', () => {
  it.each([
    ['0.0.0.0:9275', { host: '0.0.0.0', port: 9275 }],
    [':9275', { host: '0.0.0.0', port: 9275 }],
    ['localhost:0', { host: 'localhost', port: 0 }],
    ['[::1]:9275', { host: '::1', port: 9275 }],
    ['[::]:80', { host: '::', port: 80 }],
  ])('%s', (input, expected) => {
    expect(parseListenAddress(input)).toEqual(expected);
  });

  it.each(['9275', 'host:', 'host:port', 'host:65536', '::1:9275', '[]:1', '[::1]', 'a b:1', 'host:-1'])('rejects %j', (input) => {
    expect(() => parseListenAddress(input)).toThrow(CliError);
  });
});
