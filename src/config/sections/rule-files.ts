/**
 * The `rule_files` section: Prometheus's list of rule-file globs (`config/config.go` `RuleFiles`), relative to the
 * config file's directory (`config.JoinDir`), expanded with Go's `filepath.Glob` when the rules load
 * (src/rules/file/load.ts). A glob matching nothing is no error (as in Prometheus).
 *
 * ```yaml
 * rule_files:
 *   - rules/*.yml
 *   - /etc/flink-bridge/extra.yml
 * ```
 */
import { z } from 'zod';

export const ruleFilesSectionSchema = z.array(z.string().min(1, 'a rule file glob must not be empty'));

/** `rule_files` at runtime: the globs as written and the directory relative ones are resolved against. */
export interface RuleFilesConfig {
  readonly globs: readonly string[];
  /** The config file's directory (the working directory without a config file). */
  readonly baseDir: string;
}

export function resolveRuleFiles(globs: readonly string[], baseDir: string): RuleFilesConfig {
  return { globs: [...globs], baseDir };
}
