import { readFileSync } from 'node:fs';
import { parser as lezerParser } from '@prometheus-io/lezer-promql';
import { describe, expect, it } from 'vitest';
import { generatedFiles } from '../../../grafana/src/files.js';
import { DASHBOARDS } from '../../../grafana/src/index.js';
import type { Expr } from '../../../src/promql/ast.js';
import { parseExpr } from '../../../src/promql/parser/parse.js';
import { interpolate, type VariableValue } from '../../support/grafana-variables.js';

const ROOT = new URL('../../../grafana/', import.meta.url);

interface JsonPanel {
  id: number;
  type: string;
  title: string;
  description?: string;
  gridPos: { x: number; y: number; w: number; h: number };
  datasource?: { type: string; uid: string };
  targets?: { expr: string; datasource?: { type: string; uid: string } }[];
  fieldConfig?: { defaults?: { unit?: string } };
}
interface JsonDashboard {
  uid: string;
  panels: JsonPanel[];
  templating: { list: { name: string; type: string; multi?: boolean; includeAll?: boolean; datasource?: { uid: string }; definition?: string }[] };
}

const dashboards: JsonDashboard[] = DASHBOARDS.map((d) => JSON.parse(readFileSync(new URL(`dashboards/${d.uid}.json`, ROOT), 'utf8')) as JsonDashboard);

/** `# TYPE` of every family a real sidecar exposed on the demo job (see the fixture's header). */
const TYPES = new Map<string, string>(
  readFileSync(new URL('../../fixtures/grafana/sidecar-metric-types.txt', import.meta.url), 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('# TYPE '))
    .map((l) => l.split(' ').slice(2, 4) as [string, string]),
);

/** Every expression of a dashboard: panel targets and query-variable definitions (label_values aside). */
function expressions(d: JsonDashboard): { where: string; expr: string }[] {
  const out: { where: string; expr: string }[] = [];
  for (const p of d.panels) for (const t of p.targets ?? []) out.push({ where: `${d.uid} / ${p.title}`, expr: t.expr });
  return out;
}

/** Variables substituted with plausible values, as Grafana would for a 1 h range at a 15 s scrape interval. */
function substituted(d: JsonDashboard, expr: string): string {
  const vars: Record<string, VariableValue> = {};
  for (const v of d.templating.list) vars[v.name] = { values: v.multi === true ? ['job_a', 'job.b'] : ['5m'], multi: v.multi === true || v.includeAll === true };
  return interpolate(expr, vars, { intervalS: 15, scrapeIntervalS: 15, rangeS: 3600 });
}

function walk(e: Expr, visit: (e: Expr, parent: Expr | undefined) => void, parent?: Expr): void {
  visit(e, parent);
  switch (e.type) {
    case 'aggregation':
      walk(e.expr, visit, e);
      if (e.param !== null) walk(e.param, visit, e);
      break;
    case 'binaryExpr':
      walk(e.lhs, visit, e);
      walk(e.rhs, visit, e);
      break;
    case 'call':
      for (const a of e.args) walk(a, visit, e);
      break;
    case 'parenExpr':
    case 'unaryExpr':
    case 'subquery':
      walk(e.expr, visit, e);
      break;
    default:
  }
}

describe('grafana/ dashboards', () => {
  it('the committed files are what grafana/generate.ts generates (run npm run grafana:generate)', () => {
    for (const [path, text] of generatedFiles()) expect(readFileSync(new URL(path, ROOT), 'utf8'), path).toBe(text);
  });

  it('ships the five dashboards of issue 10 with stable uids', () => {
    expect(dashboards.map((d) => d.uid)).toEqual(['fpb-cluster', 'fpb-job', 'fpb-vertex', 'fpb-taskmanager', 'fpb-sidecar']);
  });

  it.each(dashboards.map((d) => [d.uid, d] as const))('%s: unique panel ids, panels inside the 24-unit grid and not overlapping', (_uid, d) => {
    const ids = d.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const p of d.panels) {
      expect(p.gridPos.x).toBeGreaterThanOrEqual(0);
      expect(p.gridPos.x + p.gridPos.w, p.title).toBeLessThanOrEqual(24);
    }
    for (let i = 0; i < d.panels.length; i++) {
      for (let j = i + 1; j < d.panels.length; j++) {
        const a = (d.panels[i] as JsonPanel).gridPos;
        const b = (d.panels[j] as JsonPanel).gridPos;
        const overlap = a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
        expect(overlap, `${(d.panels[i] as JsonPanel).title} / ${(d.panels[j] as JsonPanel).title}`).toBe(false);
      }
    }
  });

  it.each(dashboards.map((d) => [d.uid, d] as const))('%s: every panel, target and query variable takes its data source from $datasource', (_uid, d) => {
    expect(d.templating.list.find((v) => v.name === 'datasource')?.type).toBe('datasource');
    for (const p of d.panels.filter((x) => x.type !== 'row')) {
      expect(p.datasource, p.title).toEqual({ type: 'prometheus', uid: '${datasource}' });
      for (const t of p.targets ?? []) expect(t.datasource, p.title).toEqual({ type: 'prometheus', uid: '${datasource}' });
    }
    for (const v of d.templating.list.filter((x) => x.type === 'query')) expect(v.datasource?.uid).toBe('${datasource}');
  });

  it.each(dashboards.map((d) => [d.uid, d] as const))('%s: every panel has a title, a description and a unit', (_uid, d) => {
    for (const p of d.panels.filter((x) => x.type !== 'row')) {
      expect(p.title).not.toBe('');
      expect(p.description ?? '', p.title).not.toBe('');
      expect(p.fieldConfig?.defaults?.unit ?? '', p.title).not.toBe('');
    }
  });

  it('every expression parses with lezer-promql and with the sidecar\'s own parser once the variables are substituted', () => {
    let n = 0;
    for (const d of dashboards) {
      for (const { where, expr } of expressions(d)) {
        const text = substituted(d, expr);
        const errors: number[] = [];
        lezerParser.parse(text).iterate({ enter: (node) => void (node.type.isError && errors.push(node.from)) });
        expect(errors, `${where}: ${text}`).toEqual([]);
        expect(() => parseExpr(text), `${where}: ${text}`).not.toThrow();
        n++;
      }
    }
    expect(n).toBeGreaterThan(60);
  });

  it('uses only families the sidecar exposes, never rate()/increase() of a gauge, never a Flink per-subtask *PerSecond meter', () => {
    const counterFunctions = new Set(['rate', 'irate', 'increase', 'resets']);
    for (const d of dashboards) {
      for (const { where, expr } of expressions(d)) {
        walk(parseExpr(substituted(d, expr)), (e, parent) => {
          if (e.type !== 'vectorSelector' && e.type !== 'matrixSelector') return;
          const name = e.name;
          if (name === 'ALERTS') return; // written by the rule engine, not a scraped family
          expect(name, where).not.toMatch(/PerSecond/);
          const family = TYPES.has(name) ? name : name.replace(/_(bucket|sum|count)$/, '');
          const type = TYPES.get(family);
          expect(type, `${where}: ${name} is not a family the sidecar exposes`).toBeDefined();
          if (parent?.type === 'call' && counterFunctions.has(parent.func.name)) {
            expect(['counter', 'histogram', 'summary'], `${where}: ${parent.func.name}(${name}) over a ${type}`).toContain(type);
          }
        });
      }
    }
  });

  it('multi-value variables are matched with =~, single values with = or =~', () => {
    for (const d of dashboards) {
      const multi = d.templating.list.filter((v) => v.multi === true).map((v) => v.name);
      for (const { where, expr } of expressions(d)) {
        for (const name of multi) expect(expr, where).not.toMatch(new RegExp(`[^=!]="\\$${name}"`));
      }
    }
  });
});
