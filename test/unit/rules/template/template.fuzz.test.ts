/**
 * Fuzzing of the template engine: whatever the text, `check` throws nothing but TemplateParseError (with a line
 * inside the text) and returns promptly, and `expand` never throws (failures are `<error expanding template: …>`).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TemplateParseError } from '../../../../src/errors.js';
import { ALERT_TEMPLATE_PREFIX, createTemplateExpander } from '../../../../src/rules/template/index.js';
import type { TemplateEnv } from '../../../../src/rules/types.js';

const expander = createTemplateExpander();

function onlyParseErrors(text: string): void {
  try {
    expander.check('Fuzz', text);
  } catch (err) {
    if (!(err instanceof TemplateParseError)) throw err;
    const lines = (ALERT_TEMPLATE_PREFIX + text).split('\n').length;
    expect(err.line).toBeGreaterThanOrEqual(0);
    expect(err.line).toBeLessThanOrEqual(lines);
    expect(err.message.startsWith('template: __alert_Fuzz:')).toBe(true);
  }
}

// Fragments that reach deep into the grammar when glued together at random.
const FRAGMENTS = [
  '{{', '}}', '{{-', '-}}', ' ', '\n', '\t', '{{/*', '*/}}', '/*', '*/', '"', '`', "'", '\\', '(', ')', '|', ',', '.',
  '$', '$x', '$labels', '$value', ':=', '=', 'if', 'else', 'end', 'range', 'with', 'define', 'template', 'block',
  'break', 'continue', 'nil', 'true', 'false', '.Labels', '.job', '.Value', 'printf', '"%d"', '"%v"', '"%.2f"',
  'humanize', 'query', '"up"', 'first', 'value', 'label', 'index', 'len', 'slice', 'and', 'or', 'not', 'eq', 'lt',
  'print', 'args', 'reReplaceAll', '"(a)"', '"$1"', 'title', 'toUpper', 'sortByLabel', 'humanizeDuration',
  'humanizeTimestamp', 'toTime', 'toDuration', 'parseDuration', '"1h"', '1', '-1', '0x1F', '1e3', '1.5', "'a'",
  '1i', '99999999999999999999', 'é', '😀', '#', '§', 'x',
];

const fragmentText = fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 40 }).map((a) => a.join(''));

const env: TemplateEnv = {
  evalTimeMs: 1_700_000_000_000,
  externalURL: 'http://localhost:9090',
  query: async (q) => {
    if (q.includes('(')) throw new Error('1:1: parse error: unexpected');
    return [{ labels: { __name__: 'up', job: 'a' }, value: 1 }, { labels: { __name__: 'up', job: 'b' }, value: 0 }];
  },
};
const data = { labels: { job: 'api', instance: 'h:1' }, externalLabels: { site: 'x' }, externalURL: 'http://localhost:9090', value: 3.5 };

describe('template check never throws anything but TemplateParseError', () => {
  it('arbitrary strings', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 200 }), onlyParseErrors), { numRuns: 3000 });
  });

  it('grammar fragments', () => {
    fc.assert(fc.property(fragmentText, onlyParseErrors), { numRuns: 5000 });
  });

  it('finishes quickly on deep nesting and long inputs', () => {
    const started = Date.now();
    onlyParseErrors('{{ ' + '('.repeat(5000) + '1' + ')'.repeat(5000) + ' }}');
    onlyParseErrors('{{ if 1 }}'.repeat(2000) + '{{ end }}'.repeat(2000));
    onlyParseErrors('x'.repeat(200_000) + '{{ 1 }}');
    onlyParseErrors('{{'.repeat(20_000));
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});

describe('template expand never throws', () => {
  it('grammar fragments expand to text or an <error expanding template: …>', async () => {
    await fc.assert(
      fc.asyncProperty(fragmentText, async (text) => {
        const out = await expander.expand('Fuzz', text, data, env);
        expect(typeof out).toBe('string');
        if (out.startsWith('<error expanding template: ')) expect(out.endsWith('>')).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it('recursive templates end with an error, not a crash', async () => {
    const out = await expander.expand('Fuzz', '{{ define "r" }}{{ template "r" . }}{{ end }}{{ template "r" . }}', data, env);
    expect(out).toMatch(/^<error expanding template: error executing template __alert_Fuzz: .*exceeded maximum template depth/);
  });
});
