/**
 * Fuzzing the rule-file loader: whatever the bytes or YAML, `parseRuleFileContent` returns (never throws), issues
 * are non-empty strings with sane positions, and `loadRuleFile` throws nothing but RuleFileError.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { RuleFileError } from '../../../../src/errors.js';
import { loadRuleFile } from '../../../../src/rules/file/load.js';
import { parseRuleFileContent } from '../../../../src/rules/file/parse.js';
import { createTemplateExpander } from '../../../../src/rules/template/index.js';

const templates = createTemplateExpander();

function wellFormed(content: string | Uint8Array): void {
  const r = parseRuleFileContent(content, { templates });
  for (const i of r.issues) {
    expect(i.text.length).toBeGreaterThan(0);
    expect(i.line).toBeGreaterThanOrEqual(0);
    expect(i.column).toBeGreaterThanOrEqual(0);
  }
  if (r.issues.length > 0) expect(r.groups).toEqual([]);
}

// Fragments that reach the decoder's branches when glued together: keys, tags, anchors, nulls, flow and block style.
const KEYS = ['groups', 'name', 'rules', 'record', 'alert', 'expr', 'for', 'keep_firing_for', 'labels', 'annotations', 'interval', 'query_offset', 'limit', 'node', 'bogus', '<<', '""', '__name__'];
const VALUES = ['"{{ $labels.x }}"', '"{{ $label }}"', '"{{ if }}"', '"{{"', '', '~', 'null', 'up', "'sum('", '"x{a}"', '5m', '5', '1h1h', '0', '0x10', '1.5', '1e400', 'true', '[]', '{}', '[a, b]', '{a: b}', '!!int x', '!!str 5', '!foo bar', '&a x', '*a', '*b', '|\n  up', '>-\n  up', '"\\u0001"', '"\\ud800"', 'é😀'];

const yamlValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small' }, fc.constantFrom(...VALUES), tie('map'), tie('seq')),
  map: fc.dictionary(fc.constantFrom(...KEYS), tie('node'), { maxKeys: 5 }),
  seq: fc.array(tie('node'), { maxLength: 4 }),
})).node;

function render(v: unknown, indent: string): string {
  if (typeof v === 'string') return ` ${v.replace(/\n/g, `\n${indent}`)}`;
  if (Array.isArray(v)) return v.length === 0 ? ' []' : v.map((x) => `\n${indent}-${render(x, `${indent}  `)}`).join('');
  const entries = Object.entries(v as Record<string, unknown>);
  return entries.length === 0 ? ' {}' : entries.map(([k, x]) => `\n${indent}${k}:${render(x, `${indent}  `)}`).join('');
}

describe('parseRuleFileContent never throws', () => {
  it('random bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (b) => wellFormed(b)), { numRuns: 1500 });
  });

  it('random strings', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (s) => wellFormed(s)), { numRuns: 500 });
  });

  it('random rule-file-like YAML', () => {
    const doc = fc.record({ groups: fc.array(fc.dictionary(fc.constantFrom(...KEYS), yamlValue, { maxKeys: 6 }), { maxLength: 3 }) });
    fc.assert(
      fc.property(doc, fc.boolean(), (d, anchorFirst) => {
        const text = render(d, '').replace(/^\n/, '');
        wellFormed(anchorFirst ? `x: &a {record: r}\n${text}` : text);
      }),
      { numRuns: 500 },
    );
  });

  it('token soups of YAML punctuation', () => {
    const tokens = fc.array(fc.constantFrom('groups:', '\n', '  ', '- ', 'name: a', 'rules:', '[', ']', '{', '}', ',', ':', '&a', '*a', '<<:', '!!map', '---', '...', '#', '"', "'", '|', '>', '?', '\t', 'expr: up'), { maxLength: 30 });
    fc.assert(fc.property(tokens, (t) => wellFormed(t.join(''))), { numRuns: 1500 });
  });

  it('self-referencing and exponential aliases end (no hang, no stack overflow)', () => {
    wellFormed('a: &a [*a]\n');
    const lol = ['x0: &a0 [r, r, r, r, r, r, r, r, r]'];
    for (let i = 1; i < 9; i++) lol.push(`x${i}: &a${i} [${Array(9).fill(`*a${i - 1}`).join(', ')}]`);
    wellFormed(`${lol.join('\n')}\ngroups:\n- name: g\n  labels: *a8\n`);
  });
});

describe('loadRuleFile throws only RuleFileError', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fpb-rules-fuzz-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  it('random bytes in a file', () => {
    const path = join(dir, 'r.yml');
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (b) => {
        writeFileSync(path, b);
        try {
          loadRuleFile(path);
        } catch (err) {
          expect(err).toBeInstanceOf(RuleFileError);
        }
      }),
      { numRuns: 300 },
    );
  });
});
