/**
 * The template engine of alerting rules (`TemplateExpander` of rules/types.ts), as Prometheus 3.16 uses Go's
 * text/template in `rules/alerting.go` (expansion) and `model/rulefmt/rulefmt.go` (`testTemplateParsing`):
 * - the template is named `__alert_<alert name>`, its text is Prometheus's prefix
 *   `{{$labels := .Labels}}{{$externalLabels := .ExternalLabels}}{{$externalURL := .ExternalURL}}{{$value := .Value}}`
 *   followed by the rule's text, so error columns on line 1 count the prefix, as Prometheus's do;
 * - `missingkey=zero`, Prometheus's functions (prometheus-funcs.ts) and Go's builtins (builtins.ts);
 * - a failure expands to `<error expanding template: error parsing|executing template NAME: …>`.
 *
 * Execution is synchronous; `query` is the only asynchronous function. When a template calls `query` with an
 * expression not answered yet, the run stops (`NeedQuery`), the query runs, and the template runs again from the
 * start with the answer: templates are deterministic, so the output is the same, and templates without `query`
 * (nearly all) run once without awaiting anything.
 */
import { TemplateParseError } from '../../errors.js';
import type { AlertTemplateData, TemplateEnv, TemplateExpander, TemplateSample } from '../types.js';
import { BUILTINS } from './builtins.js';
import { execute, ExecFailure } from './exec.js';
import { NeedQuery } from './functions.js';
import { ParseFailure, parseTemplate, type TreeSet } from './parser.js';
import { PROMETHEUS_FUNC_NAMES, prometheusFuncs, type QueryAnswers } from './prometheus-funcs.js';
import { GoAlertData, GoSample, stringMap } from './values.js';

/** Prometheus's prefix of every alert label and annotation template (`rules/alerting.go`). */
export const ALERT_TEMPLATE_PREFIX =
  '{{$labels := .Labels}}{{$externalLabels := .ExternalLabels}}{{$externalURL := .ExternalURL}}{{$value := .Value}}';

/** Most distinct `query` expressions one expansion may run (a guard against runaway templates). */
const MAX_QUERIES = 100;
const CACHE_LIMIT = 5000;

const FUNC_NAMES: ReadonlySet<string> = new Set([...BUILTINS.keys(), ...PROMETHEUS_FUNC_NAMES]);

/** `__alert_<name>`; a name that already has the prefix is kept. */
export function alertTemplateName(name: string): string {
  return name.startsWith('__alert_') ? name : `__alert_${name}`;
}

function toSample(s: TemplateSample): GoSample {
  return new GoSample(stringMap(s.labels), s.value);
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * Parses and executes one Go text/template (no prefix added): the building block of the expander, for tests and
 * tools. `data` is the dot.
 * @returns the output, or throws
 * @throws ParseFailure, ExecFailure
 */
export async function runTemplate(
  name: string,
  text: string,
  data: GoAlertData,
  env: TemplateEnv,
  trees: TreeSet = parseTemplate(name, text, FUNC_NAMES),
): Promise<string> {
  const answers = new Map<string, { samples: readonly GoSample[] } | { error: string }>();
  for (let round = 0; ; round++) {
    const funcs = prometheusFuncs({ evalTimeMs: env.evalTimeMs, externalURL: env.externalURL, answers: answers as QueryAnswers });
    try {
      return execute(name, text, trees, funcs, BUILTINS, data);
    } catch (e) {
      if (!(e instanceof NeedQuery) || round >= MAX_QUERIES) throw e;
      try {
        const samples = await env.query(e.expr, env.evalTimeMs);
        answers.set(e.expr, { samples: samples.map(toSample) });
      } catch (qe) {
        answers.set(e.expr, { error: errorText(qe) });
      }
    }
  }
}

/** Creates the expander; it caches parsed templates by name and text. */
export function createTemplateExpander(): TemplateExpander {
  const cache = new Map<string, TreeSet | ParseFailure>();

  const parse = (tname: string, full: string): TreeSet => {
    const key = `${tname}\u0000${full}`;
    let got = cache.get(key);
    if (got === undefined) {
      try {
        got = parseTemplate(tname, full, FUNC_NAMES);
      } catch (e) {
        if (!(e instanceof ParseFailure)) throw e;
        got = e;
      }
      if (cache.size >= CACHE_LIMIT) cache.clear();
      cache.set(key, got);
    }
    if (got instanceof ParseFailure) throw got;
    return got;
  };

  return {
    check(name: string, text: string): void {
      const tname = alertTemplateName(name);
      try {
        parse(tname, ALERT_TEMPLATE_PREFIX + text);
      } catch (e) {
        if (e instanceof ParseFailure) throw new TemplateParseError(tname, e.line, e.message);
        throw e;
      }
    },

    async expand(name: string, text: string, data: AlertTemplateData, env: TemplateEnv): Promise<string> {
      const tname = alertTemplateName(name);
      const full = ALERT_TEMPLATE_PREFIX + text;
      const goData = new GoAlertData(stringMap(data.labels), stringMap(data.externalLabels), data.externalURL, data.value);
      try {
        return await runTemplate(tname, full, goData, env, parse(tname, full));
      } catch (e) {
        if (e instanceof ParseFailure) {
          return `<error expanding template: error parsing template ${tname}: template: ${tname}:${e.line}: ${e.message}>`;
        }
        if (e instanceof ExecFailure) return `<error expanding template: error executing template ${tname}: ${e.message}>`;
        // A bug of ours: Prometheus recovers panics the same way (`panic expanding template`).
        return `<error expanding template: panic expanding template ${tname}: ${errorText(e)}>`;
      }
    },
  };
}
