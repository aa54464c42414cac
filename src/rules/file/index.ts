/** Rule files (Prometheus `model/rulefmt`): parse and validate, load `rule_files` globs, and `check rules`. */
export { parseRuleFileContent, toGroupSpecs, MULTI_DOC_WARNING } from './parse.js';
export type { RuleFileIssue, RuleFileParse, RuleFileParseOptions, ParsedGroup, ParsedRule } from './parse.js';
export { loadRuleFiles, loadRuleFile } from './load.js';
export type { LoadRuleFilesOptions } from './load.js';
export { checkRules, checkPathsExist, CHECK_SUCCESS, CHECK_FAILURE, CHECK_LINT_FATAL } from './check.js';
export type { CheckRulesOptions, CheckRulesIo } from './check.js';
export { findDuplicateRules, duplicateRulesMessage } from './duplicates.js';
export type { DuplicateRule } from './duplicates.js';
