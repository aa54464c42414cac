/**
 * Goldens made by Prometheus's own parser (v0.316.0), see fixtures/golden-gen/README.md, and the helpers to compare
 * our results with them.
 */
import { readFileSync } from 'node:fs';
import type { ParseOptions } from '../../../src/promql/parser/index.js';

export interface Golden {
  readonly input: string;
  /** Comma-separated: `experimental` (functions and fill modifiers), `utf8` (unquoted UTF-8 names). */
  readonly options?: string;
  readonly error?: string;
  readonly printed?: string;
  readonly ast?: unknown;
}

export function loadGoldens(name: string): Golden[] {
  const text = readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Golden);
}

export function optionsOf(g: Golden): ParseOptions {
  const o = (g.options ?? '').split(',');
  const experimental = o.includes('experimental');
  return { experimentalFunctions: experimental, binopFillModifiers: experimental, unquotedUtf8Names: o.includes('utf8') };
}

/**
 * Our AST in the generator's JSON shape: no positions, a call's function by name, NaN and ±Inf as the strings
 * "NaN", "+Inf", "-Inf", object keys sorted.
 */
export function comparable(v: unknown): unknown {
  if (typeof v === 'number') return Number.isNaN(v) ? 'NaN' : v === Infinity ? '+Inf' : v === -Infinity ? '-Inf' : v;
  if (Array.isArray(v)) return v.map(comparable);
  if (v !== null && typeof v === 'object') {
    const entries = Object.entries(v)
      .filter(([k]) => k !== 'pos')
      .map(([k, x]): [string, unknown] => [k, k === 'func' && typeof x === 'object' && x !== null ? (x as { name: string }).name : comparable(x)]);
    return Object.fromEntries(entries.sort(([a], [b]) => (a < b ? -1 : 1)));
  }
  return v;
}
