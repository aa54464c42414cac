/** Shared helpers of the rule-evaluation unit tests: a store loaded from the test-script series notation. */
import { LabelSet } from '../../../src/model/labels.js';
import { Engine } from '../../../src/promql/engine/index.js';
import { parseSeriesDesc } from '../../../src/promql/test-script/series-desc.js';
import { MemorySeriesStore } from '../../../src/store/memory-series-store.js';
import type { AlertTemplateData, NotifierAlert, RuleGroupOptions, TemplateExpander } from '../../../src/rules/types.js';

export const INPUT = 'input';

/** `promqltest.LoadedStorage`: `load <interval>` then series lines, samples from t=0. */
export function loadedStore(intervalMs: number, lines: readonly string[]): { store: MemorySeriesStore; engine: Engine } {
  const store = new MemorySeriesStore({ retentionMs: Number.MAX_SAFE_INTEGER });
  store.createSource(INPUT, { kind: 'free' });
  const app = store.appender(INPUT);
  for (const line of lines) {
    const d = parseSeriesDesc(line);
    const labels = LabelSet.from(d.labels);
    d.values.forEach((v, i) => {
      if (v.kind === 'float') app.append(labels, i * intervalMs, v.v);
      else if (v.kind === 'stale') app.appendStale(labels, i * intervalMs);
    });
  }
  app.commit();
  return { store, engine: new Engine({ store }) };
}

/** A template "engine" that substitutes `{{ $value }}` and `{{ $labels.x }}` only: enough to see data flow. */
export const trivialTemplates: TemplateExpander = {
  check: () => undefined,
  expand: (_name: string, text: string, data: AlertTemplateData): Promise<string> =>
    Promise.resolve(
      text
        .replace(/\{\{\s*\$value\s*\}\}/g, String(data.value))
        .replace(/\{\{\s*\$labels\.(\w+)\s*\}\}/g, (_m, n: string) => data.labels[n] ?? '')
        .replace(/\{\{\s*\$externalLabels\.(\w+)\s*\}\}/g, (_m, n: string) => data.externalLabels[n] ?? ''),
    ),
};

export function groupOptions(sent: NotifierAlert[][] = [], over: Partial<RuleGroupOptions> = {}): RuleGroupOptions {
  return {
    defaultIntervalMs: 60_000,
    defaultQueryOffsetMs: 0,
    resendDelayMs: 60_000,
    forOutageToleranceMs: 3_600_000,
    forGracePeriodMs: 600_000,
    externalLabels: {},
    externalURL: 'http://localhost:9275',
    templates: trivialTemplates,
    sink: { send: (a) => sent.push([...a]) },
    ...over,
  };
}
