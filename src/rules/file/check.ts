/**
 * `check rules`, like promtool 3.16 (`cmd/promtool/main.go` `CheckRules`, `checkRules`, `checkRulesFromStdin`,
 * `checkRuleGroups`, `newRulesLintConfig`): the same lines on the same streams and the same exit codes —
 * 0 success (lint findings alone are reported but do not fail), 1 when a file has errors, 3 when only lint
 * findings were found and `--lint-fatal` is set.
 */
import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import type { TemplateExpander } from '../types.js';
import { duplicateRulesMessage, findDuplicateRules } from './duplicates.js';
import { goQuote } from './go-duration.js';
import { parseRuleFileContent } from './parse.js';
import type { RuleFileParse } from './parse.js';

/** promtool's exit codes. */
export const CHECK_SUCCESS = 0;
export const CHECK_FAILURE = 1;
export const CHECK_LINT_FATAL = 3;

/** `--lint` values promtool's `check rules` knows. */
export const LINT_OPTIONS = ['all', 'duplicate-rules', 'none'] as const;

export interface CheckRulesOptions {
  /** `--lint` (comma-separated; default `duplicate-rules`). */
  readonly lint: string;
  /** `--lint-fatal`. */
  readonly lintFatal: boolean;
  /** `--ignore-unknown-fields`. */
  readonly ignoreUnknownFields: boolean;
  /** Template checker for alert labels and annotations (`rules/template/`); without it templates are not checked. */
  readonly templates?: TemplateExpander;
}

export interface CheckRulesIo {
  readonly stdout: { write(chunk: string): unknown };
  readonly stderr: { write(chunk: string): unknown };
  /** Reads standard input completely (used when no path is given). */
  readonly readStdin: () => Uint8Array;
  /** For the warning's `time=` (default: now). */
  readonly now?: () => Date;
}

/**
 * kingpin's `ExistingFiles()` check on the arguments, before anything runs.
 * @returns promtool's message (`path 'x' does not exist`, `'x' is a directory`), or undefined when all exist
 */
export function checkPathsExist(paths: readonly string[]): string | undefined {
  for (const p of paths) {
    // kingpin reads a lone `-` as no value at all.
    const path = p === '-' ? '' : p;
    let st;
    try {
      st = statSync(path === '' ? '\0' : path);
    } catch {
      return `path '${path}' does not exist`;
    }
    if (st.isDirectory()) return `'${basename(path)}' is a directory`;
  }
  return undefined;
}

/** Runs the check over `paths` (or standard input when empty). @returns the exit code. Never throws. */
export function checkRules(paths: readonly string[], opts: CheckRulesOptions, io: CheckRulesIo): number {
  let lintDuplicates = false;
  if (opts.lint !== '') {
    for (const setting of opts.lint.split(',')) {
      if (setting === 'all' || setting === 'duplicate-rules') lintDuplicates = true;
      else if (setting !== 'none') io.stdout.write(`WARNING: unknown lint option: ${goQuote(setting)}\n`);
    }
  }
  const state = { failed: false, hasErrors: false };
  const parse = (content: Uint8Array): RuleFileParse => {
    const r = parseRuleFileContent(content, {
      ignoreUnknownFields: opts.ignoreUnknownFields,
      ...(opts.templates !== undefined ? { templates: opts.templates } : {}),
    });
    const time = (io.now ?? (() => new Date()))().toISOString();
    for (const w of r.warnings) io.stderr.write(`time=${time} level=WARN source=rulefmt.go:369 msg=${JSON.stringify(w)}\n`);
    return r;
  };
  const one = (label: string, read: () => Uint8Array, prefix: string): void => {
    io.stdout.write(`Checking ${label}\n`);
    let r: RuleFileParse;
    try {
      r = parse(read());
    } catch (err) {
      // A file that cannot be read: Go's `open FILE: …` error.
      state.failed = true;
      state.hasErrors = true;
      io.stderr.write(`  FAILED:\n${prefix}${readErrorText(label, err)}\n`);
      return;
    }
    if (r.issues.length > 0) {
      state.failed = true;
      io.stderr.write('  FAILED:\n');
      for (const issue of r.issues) io.stderr.write(`${prefix}${issue.text}\n`);
      state.hasErrors = true;
      // promtool's `if hasErrors { continue }` (cumulative over files): no blank line after a failed file.
      return;
    }
    const n = r.groups.reduce((acc, g) => acc + g.rules.length, 0);
    const dups = lintDuplicates ? findDuplicateRules(r.groups) : [];
    if (dups.length > 0) {
      io.stderr.write(`  FAILED:\nlint error ${duplicateRulesMessage(dups)}\n`);
      state.failed = true;
    } else {
      io.stdout.write(`  SUCCESS: ${n} rules found\n`);
    }
    io.stdout.write('\n');
  };
  if (paths.length === 0) one('standard input', io.readStdin, '');
  else for (const p of paths) one(p, () => readFileSync(p), `${p}: `);

  if (state.failed && state.hasErrors) return CHECK_FAILURE;
  if (state.failed && opts.lintFatal) return CHECK_LINT_FATAL;
  return CHECK_SUCCESS;
}

function readErrorText(path: string, err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  const reasons: Record<string, string> = {
    EACCES: 'permission denied',
    ENOENT: 'no such file or directory',
    EISDIR: 'is a directory',
  };
  const reason = (e.code !== undefined ? reasons[e.code] : undefined) ?? (err instanceof Error ? err.message : String(err));
  return `open ${path}: ${reason}`;
}
