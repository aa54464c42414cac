/**
 * Go's `path/filepath.Glob` and `Match` (Go 1.24 `path/filepath/match.go`, Unix), which Prometheus uses for
 * `rule_files`: `*` and `?` never cross `/`, `[...]`/`[^...]` classes with ranges, `\` escapes; no `**`. A pattern
 * matching nothing gives no files (not an error); I/O errors while reading directories are ignored, like Go.
 */
import { lstatSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Go's `filepath.ErrBadPattern`. */
export class BadGlobPattern extends Error {
  constructor() {
    super('syntax error in pattern');
  }
}

type Chunk = { readonly star: boolean; readonly chunk: string[]; readonly rest: string[] };

function scanChunk(p: string[]): Chunk {
  let i0 = 0;
  let star = false;
  while (i0 < p.length && p[i0] === '*') {
    i0++;
    star = true;
  }
  const pattern = p.slice(i0);
  let inrange = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      if (i + 1 < pattern.length) i++;
    } else if (c === '[') inrange = true;
    else if (c === ']') inrange = false;
    else if (c === '*' && !inrange) return { star, chunk: pattern.slice(0, i), rest: pattern.slice(i) };
  }
  return { star, chunk: pattern, rest: [] };
}

function getEsc(chunk: string[]): { r: string; rest: string[] } {
  if (chunk.length === 0 || chunk[0] === '-' || chunk[0] === ']') throw new BadGlobPattern();
  let c = chunk;
  if (c[0] === '\\') {
    c = c.slice(1);
    if (c.length === 0) throw new BadGlobPattern();
  }
  const r = c[0] as string;
  const rest = c.slice(1);
  if (rest.length === 0) throw new BadGlobPattern();
  return { r, rest };
}

/** @returns the rest of `s` after `chunk` matched, or undefined. @throws BadGlobPattern */
function matchChunk(chunkIn: string[], sIn: string[]): string[] | undefined {
  let chunk = chunkIn;
  let s = sIn;
  let failed = false;
  while (chunk.length > 0) {
    failed = failed || s.length === 0;
    const c = chunk[0];
    if (c === '[') {
      let r = '';
      if (!failed) {
        r = s[0] as string;
        s = s.slice(1);
      }
      chunk = chunk.slice(1);
      let negated = false;
      if (chunk.length > 0 && chunk[0] === '^') {
        negated = true;
        chunk = chunk.slice(1);
      }
      let match = false;
      let nrange = 0;
      for (;;) {
        if (chunk.length > 0 && chunk[0] === ']' && nrange > 0) {
          chunk = chunk.slice(1);
          break;
        }
        const lo = getEsc(chunk);
        chunk = lo.rest;
        let hi = lo.r;
        if (chunk[0] === '-') {
          const h = getEsc(chunk.slice(1));
          hi = h.r;
          chunk = h.rest;
        }
        const cp = r === '' ? -1 : (r.codePointAt(0) as number);
        match = match || ((lo.r.codePointAt(0) as number) <= cp && cp <= (hi.codePointAt(0) as number));
        nrange++;
      }
      failed = failed || match === negated;
    } else if (c === '?') {
      if (!failed) {
        failed = s[0] === '/';
        s = s.slice(1);
      }
      chunk = chunk.slice(1);
    } else {
      if (c === '\\') {
        chunk = chunk.slice(1);
        if (chunk.length === 0) throw new BadGlobPattern();
      }
      if (!failed) {
        failed = chunk[0] !== s[0];
        s = s.slice(1);
      }
      chunk = chunk.slice(1);
    }
  }
  return failed ? undefined : s;
}

/** Go's `filepath.Match`. @throws BadGlobPattern for a malformed pattern */
export function globMatch(patternText: string, nameText: string): boolean {
  let pattern = Array.from(patternText);
  let name = Array.from(nameText);
  outer: while (pattern.length > 0) {
    const { star, chunk, rest } = scanChunk(pattern);
    pattern = rest;
    if (star && chunk.length === 0) return !name.includes('/');
    const t = matchChunk(chunk, name);
    if (t !== undefined && (t.length === 0 || pattern.length > 0)) {
      name = t;
      continue;
    }
    if (star) {
      for (let i = 0; i < name.length && name[i] !== '/'; i++) {
        const t2 = matchChunk(chunk, name.slice(i + 1));
        if (t2 !== undefined) {
          if (pattern.length === 0 && t2.length > 0) continue;
          name = t2;
          continue outer;
        }
      }
    }
    return false;
  }
  return name.length === 0;
}

function hasMeta(p: string): boolean {
  return /[*?[\\]/.test(p);
}

function cleanGlobPath(dir: string): string {
  if (dir === '') return '.';
  if (dir === '/') return dir;
  return dir.slice(0, -1);
}

/** Go's `filepath.Split`: dir keeps its trailing slash. */
function split(p: string): { dir: string; file: string } {
  const i = p.lastIndexOf('/');
  return { dir: p.slice(0, i + 1), file: p.slice(i + 1) };
}

function globDir(dir: string, pattern: string, matches: string[]): void {
  try {
    if (!statSync(dir).isDirectory()) return;
  } catch {
    return;
  }
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  // Go sorts the names as byte strings.
  names.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  for (const n of names) {
    if (globMatch(pattern, n)) matches.push(join(dir, n));
  }
}

/**
 * Go's `filepath.Glob`: the paths matching `pattern`, sorted per directory.
 * @throws BadGlobPattern for a malformed pattern
 */
export function globFiles(pattern: string, depth = 0): string[] {
  if (depth >= 10000) throw new BadGlobPattern();
  globMatch(pattern, '');
  if (!hasMeta(pattern)) {
    try {
      lstatSync(pattern);
    } catch {
      return [];
    }
    return [pattern];
  }
  const { dir: rawDir, file } = split(pattern);
  const dir = cleanGlobPath(rawDir);
  if (!hasMeta(dir)) {
    const m: string[] = [];
    globDir(dir, file, m);
    return m;
  }
  if (dir === pattern) throw new BadGlobPattern();
  const matches: string[] = [];
  for (const d of globFiles(dir, depth + 1)) globDir(d, file, matches);
  return matches;
}

