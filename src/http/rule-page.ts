/**
 * The sidecar's page behind an alert's `generatorURL` (`/graph?g0.expr=<expr>`, Prometheus's shape): the alerting
 * and recording rules whose expression is `expr` (compared in canonical form, as the evaluator prints it into the
 * URL), their alerts with labels and annotations, and for alerts of a Flink job the incident context captured when
 * they started firing (issue 9 §3): root exceptions, the last failed checkpoint, the likely bottleneck, restarts.
 */
import { formatExpr, parseExpr } from '../promql/parser/index.js';
import type { ActiveAlert, RuleGroupRunner, RuleStatus } from '../rules/types.js';
import { escapeHtml } from './html.js';

function canonical(expr: string): string {
  try {
    return formatExpr(parseExpr(expr));
  } catch {
    return expr.trim();
  }
}

const iso = (ms: number | undefined): string => (ms === undefined ? '' : new Date(ms).toISOString());

function record(x: unknown): Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x) ? (x as Record<string, unknown>) : {};
}

const text = (x: unknown): string => escapeHtml(x === undefined || x === null ? '' : String(x));

/** The incident context details (`notify/incident-context.ts` IncidentContext as JSON) as HTML. */
function renderContext(details: Readonly<Record<string, unknown>>): string {
  const parts: string[] = [`<h4>Incident context, captured ${text(iso(Number(details['capturedAtMs'])))}</h4>`];
  if (details['restartsLastHour'] !== undefined) parts.push(`<p>Restarts in the last hour: ${text(details['restartsLastHour'])}</p>`);
  const exceptions = Array.isArray(details['rootExceptions']) ? details['rootExceptions'].map(record) : [];
  if (exceptions.length > 0) {
    parts.push(
      `<p>Root exceptions (newest first):</p><ul>${exceptions
        .map((e) => `<li>${text(iso(typeof e['timestampMs'] === 'number' ? e['timestampMs'] : undefined))} <code>${text(e['exceptionName'])}</code>: ${text(e['message'])}${e['taskName'] ? ` — ${text(e['taskName'])}` : ''}${e['location'] ? ` on ${text(e['location'])}` : ''}</li>`)
        .join('')}</ul>`,
    );
  }
  const cp = details['lastFailedCheckpoint'];
  if (cp !== undefined && cp !== null) {
    const c = record(cp);
    parts.push(`<p>Last failed checkpoint #${text(c['id'])} ${text(iso(typeof c['failureTimestampMs'] === 'number' ? c['failureTimestampMs'] : undefined))}: ${text(c['reason'])}</p>`);
  }
  const vertices = Array.isArray(details['vertices']) ? details['vertices'].map(record) : [];
  if (vertices.length > 0) {
    parts.push(
      `<table><tr><th>vertex (most back-pressured first)</th><th>back-pressured</th><th>busy</th></tr>${vertices
        .map((v) => `<tr><td>${text(v['taskName'])}</td><td>${text(v['backpressuredRatio'])}</td><td>${text(v['busyRatio'])}</td></tr>`)
        .join('')}</table>`,
    );
  }
  const errors = Array.isArray(details['errors']) ? details['errors'] : [];
  if (errors.length > 0) parts.push(`<p>Not available: ${errors.map(text).join('; ')}</p>`);
  return parts.join('');
}

function renderAlert(a: ActiveAlert): string {
  const labels = Object.entries(a.labels).map(([k, v]) => `${escapeHtml(k)}="${escapeHtml(v)}"`).join(', ');
  const annotations = Object.entries(a.annotations).map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join('');
  return (
    `<div class="alert"><h3>${escapeHtml(a.state)} since ${escapeHtml(iso(a.activeAtMs))}${a.firedAtMs !== undefined ? `, firing since ${escapeHtml(iso(a.firedAtMs))}` : ''}</h3>` +
    `<p><code>{${labels}}</code></p>${annotations === '' ? '' : `<dl>${annotations}</dl>`}` +
    (a.context !== undefined ? renderContext(a.context.details) : '') +
    `</div>`
  );
}

function renderRule(group: RuleGroupRunner, r: RuleStatus): string {
  const name = r.spec.kind === 'alerting' ? r.spec.alert : r.spec.record;
  return (
    `<section><h2>${escapeHtml(r.spec.kind === 'alerting' ? 'alert' : 'record')} ${escapeHtml(name)}</h2>` +
    `<p>group <code>${escapeHtml(group.spec.name)}</code> in <code>${escapeHtml(group.spec.file)}</code>, health ${escapeHtml(r.health)}${r.lastError ? `: ${escapeHtml(r.lastError)}` : ''}</p>` +
    r.alerts.map(renderAlert).join('') +
    `</section>`
  );
}

/** The HTML page for `expr` over the running groups. */
export function renderRulePage(groups: readonly RuleGroupRunner[], expr: string): string {
  const want = canonical(expr);
  const sections: string[] = [];
  for (const g of groups) for (const r of g.status()) if (canonical(r.spec.expr) === want) sections.push(renderRule(g, r));
  return (
    `<!doctype html><html><head><meta charset="utf-8"><title>Rule: ${escapeHtml(expr)}</title></head><body>` +
    `<p><a href="./">Flink Prometheus Bridge</a></p><h1>Rules with this expression</h1><pre>${escapeHtml(expr)}</pre>` +
    (sections.length === 0 ? '<p>No rule of the running rule files has this expression (any more).</p>' : sections.join('')) +
    `</body></html>\n`
  );
}
