/**
 * Defect (issue 5 §3.6): `--storage.path`, `global.evaluation_interval` and `global.external_labels` were accepted and
 * did nothing, silently. Each now gets one warning at start naming the flag or key and the feature it is reserved
 * for; `--storage.path` only when given on the command line, the config keys only when the file sets them; a reload
 * does not repeat them. Driven through the real CLI (`runCli`) with a fake app.
 * Since issue 7 (remote-write) `--storage.path` and `global.external_labels` are used, so they no longer warn; since
 * issue 9 (the rule manager) `global.evaluation_interval` is used too, so nothing is reserved any more.
 */
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { AppOptions } from '../../src/app.js';
import { runCli, type AppConstructor, type RunnableApp, type SignalSource } from '../../src/cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'fpb-reserved-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(tmp, name);
  writeFileSync(path, text);
  return path;
}

const PLAIN = file('plain.yml', 'global:\n  poll_interval: 15s\n');
const RESERVED = file('reserved.yml', 'global:\n  evaluation_interval: 30s\n  external_labels: {cluster: prod}\n');

/** Runs the CLI's run command with a fake app; returns the log lines (logfmt, stderr) and the app's options. */
async function run(argv: string[]): Promise<{ warnings: string[]; opts: AppOptions }> {
  let stderr = '';
  const created: AppOptions[] = [];
  class FakeApp implements RunnableApp {
    constructor(opts: AppOptions) {
      created.push(opts);
    }
    async start(): Promise<void> {}
    async stop(): Promise<void> {}
  }
  await runCli(
    argv,
    { stdout: { write: () => true }, stderr: { write: (s: string) => (stderr += s) }, exit: () => undefined },
    { signals: new EventEmitter() as SignalSource, loadApp: async (): Promise<AppConstructor> => FakeApp },
  );
  const opts = created[0];
  if (opts === undefined) throw new Error(`the app was not created:\n${stderr}`);
  return { warnings: stderr.split('\n').filter((l) => l.includes('level=warn')), opts };
}

describe('settings that are accepted but not used yet', () => {
  it('no warning when none is given', async () => {
    expect((await run([`--config.file=${PLAIN}`])).warnings).toEqual([]);
    expect((await run([])).warnings).toEqual([]);
  });

  it('--storage.path (used by the remote_write log since issue 7) no longer warns', async () => {
    expect((await run([`--storage.path=${tmp}`])).warnings).toEqual([]);
    expect((await run(['--storage.path', './data'])).warnings).toEqual([]);
  });

  it('global.evaluation_interval (used by the rule manager since issue 9) and global.external_labels no longer warn', async () => {
    const { warnings } = await run([`--config.file=${RESERVED}`]);
    expect(warnings).toEqual([]);
  });

  it('check config has no reserved-key warning either', async () => {
    let stdout = '';
    await runCli(['check', 'config', RESERVED], { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: () => true }, exit: () => undefined });
    expect(stdout).not.toContain('not used yet');
    expect(stdout).toContain('SUCCESS');
  });
});
