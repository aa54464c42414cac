/**
 * Go's `filepath.Match` and `Glob` as ported in `go-glob.ts`: the `matchTests` table of Go 1.24
 * `path/filepath/match_test.go`, and Glob on a temporary tree.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BadGlobPattern, globFiles, globMatch } from '../../../../src/rules/file/go-glob.js';

const BAD = 'bad';
const MATCH_TESTS: readonly (readonly [string, string, boolean | typeof BAD])[] = [
  ['abc', 'abc', true],
  ['*', 'abc', true],
  ['*c', 'abc', true],
  ['a*', 'a', true],
  ['a*', 'abc', true],
  ['a*', 'ab/c', false],
  ['a*/b', 'abc/b', true],
  ['a*/b', 'a/c/b', false],
  ['a*b*c*d*e*/f', 'axbxcxdxe/f', true],
  ['a*b*c*d*e*/f', 'axbxcxdxexxx/f', true],
  ['a*b*c*d*e*/f', 'axbxcxdxe/xxx/f', false],
  ['a*b*c*d*e*/f', 'axbxcxdxexxx/fff', false],
  ['a*b?c*x', 'abxbbxdbxebxczzx', true],
  ['a*b?c*x', 'abxbbxdbxebxczzy', false],
  ['ab[c]', 'abc', true],
  ['ab[b-d]', 'abc', true],
  ['ab[e-g]', 'abc', false],
  ['ab[^c]', 'abc', false],
  ['ab[^b-d]', 'abc', false],
  ['ab[^e-g]', 'abc', true],
  ['a\\*b', 'a*b', true],
  ['a\\*b', 'ab', false],
  ['a?b', 'a☺b', true],
  ['a[^a]b', 'a☺b', true],
  ['a???b', 'a☺b', false],
  ['a[^a][^a][^a]b', 'a☺b', false],
  ['[a-ζ]*', 'α', true],
  ['*[a-ζ]', 'A', false],
  ['a?b', 'a/b', false],
  ['a*b', 'a/b', false],
  ['[\\]a]', ']', true],
  ['[\\-]', '-', true],
  ['[x\\-]', 'x', true],
  ['[x\\-]', '-', true],
  ['[x\\-]', 'z', false],
  ['[\\-x]', 'x', true],
  ['[\\-x]', '-', true],
  ['[\\-x]', 'a', false],
  ['[]a]', ']', BAD],
  ['[-]', '-', BAD],
  ['[x-]', 'x', BAD],
  ['[x-]', '-', BAD],
  ['[x-]', 'z', BAD],
  ['[-x]', 'x', BAD],
  ['[-x]', '-', BAD],
  ['[-x]', 'a', BAD],
  ['\\', 'a', BAD],
  ['[a-b-c]', 'a', BAD],
  ['[', 'a', BAD],
  ['[^', 'a', BAD],
  ['[^bc', 'a', BAD],
  ['a[', 'a', BAD],
  ['a[', 'ab', BAD],
  ['a[', 'x', BAD],
  ['a/b[', 'x', BAD],
  ['*x', 'xxx', true],
];

describe('globMatch (filepath.Match, Go matchTests)', () => {
  it.each(MATCH_TESTS)('Match(%j, %j) = %s', (pattern, name, want) => {
    if (want === BAD) expect(() => globMatch(pattern, name)).toThrow(BadGlobPattern);
    else expect(globMatch(pattern, name)).toBe(want);
  });
});

describe('globFiles (filepath.Glob)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fpb-glob-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  for (const f of ['a/x.yml', 'a/y.yaml', 'a/z.txt', 'b/x.yml', 'b/sub/deep.yml', 'c.yml']) {
    mkdirSync(join(dir, f, '..'), { recursive: true });
    writeFileSync(join(dir, f), '');
  }

  it('expands * and ? per path element, sorted per directory, never crossing /', () => {
    expect(globFiles(join(dir, '*', '*.yml'))).toEqual([join(dir, 'a/x.yml'), join(dir, 'b/x.yml')]);
    expect(globFiles(join(dir, 'a', '?.y*'))).toEqual([join(dir, 'a/x.yml'), join(dir, 'a/y.yaml')]);
    expect(globFiles(join(dir, '*.yml'))).toEqual([join(dir, 'c.yml')]);
    expect(globFiles(join(dir, '**', '*.yml'))).toEqual([join(dir, 'a/x.yml'), join(dir, 'b/x.yml')]);
  });

  it('a pattern without meta characters gives the path when it exists, else nothing; no match is not an error', () => {
    expect(globFiles(join(dir, 'c.yml'))).toEqual([join(dir, 'c.yml')]);
    expect(globFiles(join(dir, 'missing.yml'))).toEqual([]);
    expect(globFiles(join(dir, 'nothing', '*.yml'))).toEqual([]);
  });

  it('a malformed pattern is ErrBadPattern ("syntax error in pattern")', () => {
    expect(() => globFiles(join(dir, '[x-'))).toThrow('syntax error in pattern');
  });
});
