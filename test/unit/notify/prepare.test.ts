/**
 * `relabelAlerts` (Prometheus 3.16 notifier/alert.go): external labels where the alert has none or an empty one
 * (`a.Labels.Get(name) == ""`), a label set to "" disappears (labels.Builder), then relabelling. The cases from
 * Prometheus's tests run over HTTP in notifier.test.ts; these are the edge cases of the Go code read directly.
 */
import { describe, expect, it } from 'vitest';
import { compileRelabel, RELABEL_DEFAULTS } from '../../../src/model/relabel.js';
import { relabelAlerts } from '../../../src/notify/prepare.js';
import type { NotifierAlert } from '../../../src/rules/types.js';

const alert = (labels: Record<string, string>): NotifierAlert => ({ labels, annotations: { a: '1' }, startsAtMs: 1, endsAtMs: 2, generatorURL: 'g' });

describe('relabelAlerts', () => {
  it('the alert\'s own non-empty label wins; an empty one is replaced by the external label', () => {
    const out = relabelAlerts([alert({ alertname: 'x', site: 'own' }), alert({ alertname: 'y', site: '' })], { site: 'eu1' }, []);
    expect(out.map((a) => a.labels)).toEqual([{ alertname: 'x', site: 'own' }, { alertname: 'y', site: 'eu1' }]);
  });

  it('an external label with an empty value adds nothing', () => {
    expect(relabelAlerts([alert({ alertname: 'x' })], { site: '' }, [])[0]?.labels).toEqual({ alertname: 'x' });
  });

  it('an alert whose labels do not change is passed on as is; others keep annotations, times and generatorURL', () => {
    const a = alert({ alertname: 'x', site: 'own' });
    expect(relabelAlerts([a], { site: 'eu1' }, [])[0]).toBe(a);
    const b = relabelAlerts([alert({ alertname: 'x' })], { site: 'eu1' }, [])[0];
    expect(b).toEqual({ ...alert({ alertname: 'x', site: 'eu1' }) });
  });

  it('keep/drop relabelling removes alerts', () => {
    const rule = compileRelabel({ ...RELABEL_DEFAULTS, sourceLabels: ['severity'], regex: 'page', modulus: 0, targetLabel: '', action: 'keep' });
    const out = relabelAlerts([alert({ alertname: 'a', severity: 'page' }), alert({ alertname: 'b', severity: 'info' })], {}, [rule]);
    expect(out.map((a) => a.labels['alertname'])).toEqual(['a']);
  });
});
