/**
 * Rule files (Prometheus 3.16 `model/rulefmt`): parse and validate, load `rule_files` globs, and `check rules`.
 *
 * Known differences from Prometheus 3.16 / promtool (the pinned list the differential test checks is
 * `KNOWN_WORDING_DIFFERENCES` in test/integration/rules/file/check-rules-differential.test.ts):
 * - YAML syntax errors are worded by the `yaml` package, not libyaml (`Sequence item without - indicator` vs
 *   `did not find expected '-' indicator`), sometimes with another line; the verdict, the doubled line and the
 *   multi-document warning are the same. Tabs in indentation, anchor names and undefined aliases are worded like
 *   yaml.v3. Some malformed token soups are judged differently by the two YAML parsers (found by fuzzing only).
 * - Go iterates label/annotation maps in random order, so several label errors of one rule come in any order
 *   there; here in file order.
 * - `!!binary` scalars are not base64-decoded; `!!timestamp` is recognised by a simpler pattern than yaml.v3's.
 * - Not a difference: group messages say 0:0 as rulefmt's do (`RuleGroupNode` embeds a `yaml.Node` that yaml.v3
 *   never fills); the contract's `RuleGroupSpec.pos` is the group mapping's real start, rule `pos` the first of
 *   its record/alert/expr values.
 */
export { parseRuleFileContent, toGroupSpecs, MULTI_DOC_WARNING } from './parse.js';
export type { RuleFileIssue, RuleFileParse, RuleFileParseOptions, ParsedGroup, ParsedRule } from './parse.js';
export { loadRuleFiles, loadRuleFile } from './load.js';
export type { LoadRuleFilesOptions } from './load.js';
export { checkRules, checkPathsExist, CHECK_SUCCESS, CHECK_FAILURE, CHECK_LINT_FATAL } from './check.js';
export type { CheckRulesOptions, CheckRulesIo } from './check.js';
export { findDuplicateRules, duplicateRulesMessage } from './duplicates.js';
export type { DuplicateRule } from './duplicates.js';
