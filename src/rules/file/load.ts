/**
 * Loading the `rule_files` of a config like Prometheus 3.16: globs relative to the config file's directory
 * (`config.JoinDir`), expanded with Go's `filepath.Glob` (a glob matching nothing is no error), each file parsed
 * and validated like `rulefmt.ParseFile` (`rules/manager.go` `LoadGroups`).
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { RuleFileError, RuleFileErrors } from '../../errors.js';
import type { RuleFile } from '../types.js';
import { BadGlobPattern, globFiles } from './go-glob.js';
import { parseRuleFileContent, toGroupSpecs } from './parse.js';
import type { RuleFileParseOptions } from './parse.js';

export interface LoadRuleFilesOptions extends RuleFileParseOptions {
  /** Where rulefmt's warnings go (multi-document files); default: dropped. */
  readonly onWarning?: (file: string, warning: string) => void;
}

/**
 * Resolves `globs` against `baseDir` (absolute globs stay as they are) and loads every matching file, in glob
 * order, each file once.
 *
 * @param baseDir the directory of the config file
 * @throws RuleFileError for a malformed glob (`error retrieving rule files for PATTERN: syntax error in pattern`) or
 *   an unreadable file; RuleFileErrors (a RuleFileError) listing every problem of the first file that does not
 *   validate, each `file:line:col: …` where rulefmt has a position
 */
export function loadRuleFiles(globs: readonly string[], baseDir: string, opts: LoadRuleFilesOptions = {}): RuleFile[] {
  const files: string[] = [];
  const seen = new Set<string>();
  for (const g of globs) {
    const pattern = g === '' || isAbsolute(g) ? g : join(baseDir, g);
    let matches: string[];
    try {
      matches = globFiles(pattern);
    } catch (err) {
      if (!(err instanceof BadGlobPattern)) throw err;
      throw new RuleFileError(pattern, 0, 0, `error retrieving rule files for ${pattern}: ${err.message}`);
    }
    for (const m of matches) {
      if (!seen.has(m)) {
        seen.add(m);
        files.push(m);
      }
    }
  }
  return files.map((f) => loadRuleFile(f, opts));
}

/**
 * Loads and validates one rule file.
 * @throws RuleFileError / RuleFileErrors as `loadRuleFiles`
 */
export function loadRuleFile(path: string, opts: LoadRuleFilesOptions = {}): RuleFile {
  let content: Buffer;
  try {
    content = readFileSync(path);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new RuleFileError(path, 0, 0, `open ${path}: ${e.code === 'ENOENT' ? 'no such file or directory' : e.code === 'EACCES' ? 'permission denied' : e.message}`);
  }
  const r = parseRuleFileContent(content, opts);
  for (const w of r.warnings) opts.onWarning?.(path, w);
  const [first, ...rest] = r.issues.map((i) => new RuleFileError(path, i.line, i.column, i.detail));
  if (first !== undefined) throw new RuleFileErrors([first, ...rest]);
  return { path, groups: toGroupSpecs(r.groups, path) };
}
