/**
 * The few shapes every dashboard here is made of, on top of `@grafana/grafana-foundation-sdk` 0.0.21's typed
 * builders: a panel spec (title, description, unit, queries, thresholds) laid out left to right in rows of 24 grid
 * units, the data source as a variable on every panel and target, and the template variables the dashboards share.
 * The specs are plain data so that `grafana/generate.ts` can also list every panel with its query (grafana/README.md).
 */
import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as statetimeline from '@grafana/grafana-foundation-sdk/statetimeline';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';

/** Every panel and target names its data source through this variable (a Prometheus, or the sidecar itself). */
export const DATASOURCE: common.DataSourceRef = { type: 'prometheus', uid: '${datasource}' };

/**
 * Flink web UI colours (flink-runtime-web, job graph node: busy `#ee6464`, back-pressured `#888888`, idle/default
 * `#5db1ff`), so a ratio reads the same here as on Flink's own job graph.
 */
export const FLINK_COLOURS = { busy: '#ee6464', backPressured: '#888888', idle: '#5db1ff' } as const;

export interface Query {
  readonly expr: string;
  /** Grafana legend template, e.g. `{{task_name}}`. */
  readonly legend?: string;
}

export interface PanelSpec {
  readonly kind: 'timeseries' | 'stat' | 'state-timeline';
  readonly title: string;
  /** Shown as the panel's (i) tooltip: what the number means and where it comes from. */
  readonly description: string;
  /** Grafana unit id: `s`, `bytes`, `percentunit`, `short`, `rps` (records/s), … */
  readonly unit: string;
  readonly queries: readonly Query[];
  /** Width in grid units (of 24) and height; default 12 × 8 for time series, 4 × 4 for stats. */
  readonly w?: number;
  readonly h?: number;
  readonly min?: number;
  readonly max?: number;
  /** Absolute thresholds: base colour, then [value, colour] steps. */
  readonly thresholds?: readonly [base: string, ...steps: (readonly [number, string])[]];
  /** One fixed colour for all series (the Flink busy / back-pressure colours). */
  readonly colour?: string;
  readonly mappings?: readonly { readonly value: string; readonly text: string; readonly colour: string }[];
  readonly stack?: boolean;
  /** Set when the panel can only have data with a connector the e2e Flink does not run (say which). */
  readonly needs?: string;
}

export interface RowSpec {
  readonly title: string;
  readonly panels: readonly PanelSpec[];
}

export interface DashboardSpec {
  readonly uid: string;
  readonly title: string;
  readonly description: string;
  readonly tags: readonly string[];
  readonly variables: readonly dashboard.VariableModel[];
  readonly rows: readonly RowSpec[];
}

/** The data-source variable: any Prometheus-API data source (a Prometheus, Thanos, Mimir or the sidecar). */
export function datasourceVariable(): dashboard.VariableModel {
  return new dashboard.DatasourceVariableBuilder('datasource').label('Data source').type('prometheus').build();
}

/**
 * A query variable over `label_values(<metric>, <label>)` (Grafana's Prometheus data source runs it as the series
 * API), refreshed when the time range changes; `multi` adds "All" (Grafana then substitutes `(a|b|…)` in `=~`).
 */
export function labelValuesVariable(name: string, label: string, query: string, multi: boolean): dashboard.VariableModel {
  const b = new dashboard.QueryVariableBuilder(name)
    .label(label)
    .datasource(DATASOURCE)
    .query({ query, refId: 'PrometheusVariableQueryEditor-VariableQuery', qryType: 1 })
    .definition(query)
    .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
    .sort(dashboard.VariableSort.AlphabeticalAsc);
  if (multi) b.multi(true).includeAll(true);
  return b.build();
}

function thresholdsOf(spec: PanelSpec): dashboard.ThresholdsConfigBuilder {
  const [base, ...steps] = spec.thresholds ?? ['green'];
  return new dashboard.ThresholdsConfigBuilder()
    .mode(dashboard.ThresholdsMode.Absolute)
    .steps([{ value: null, color: base }, ...steps.map(([value, color]) => ({ value, color }))]);
}

function targets(spec: PanelSpec): prometheus.DataqueryBuilder[] {
  return spec.queries.map((q, i) => {
    const t = new prometheus.DataqueryBuilder()
      .datasource(DATASOURCE)
      .expr(q.expr)
      .refId(String.fromCharCode(65 + i))
      .range();
    if (q.legend !== undefined) t.legendFormat(q.legend);
    return t;
  });
}

function mappings(spec: PanelSpec): dashboard.ValueMapping[] {
  if (spec.mappings === undefined) return [];
  const options: Record<string, dashboard.ValueMappingResult> = {};
  spec.mappings.forEach((m, i) => (options[m.value] = { text: m.text, color: m.colour, index: i }));
  return [{ type: dashboard.MappingType.ValueToText, options }];
}

/** Builds one panel of the SDK from `spec` at `pos`. */
function buildPanel(spec: PanelSpec, pos: dashboard.GridPos): cogPanel {
  const colour = spec.colour === undefined ? undefined : new dashboard.FieldColorBuilder().mode(dashboard.FieldColorModeId.Fixed).fixedColor(spec.colour);
  if (spec.kind === 'stat') {
    const p = new stat.PanelBuilder()
      .title(spec.title)
      .description(spec.description)
      .datasource(DATASOURCE)
      .unit(spec.unit)
      .gridPos(pos)
      .thresholds(thresholdsOf(spec))
      .mappings(mappings(spec))
      .colorMode(common.BigValueColorMode.Background)
      .graphMode(common.BigValueGraphMode.None)
      .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false));
    for (const t of targets(spec)) p.withTarget(t);
    if (spec.min !== undefined) p.min(spec.min);
    if (spec.max !== undefined) p.max(spec.max);
    return p;
  }
  if (spec.kind === 'state-timeline') {
    const p = new statetimeline.PanelBuilder()
      .title(spec.title)
      .description(spec.description)
      .datasource(DATASOURCE)
      .unit(spec.unit)
      .gridPos(pos)
      .thresholds(thresholdsOf(spec))
      .mappings(mappings(spec));
    for (const t of targets(spec)) p.withTarget(t);
    return p;
  }
  const p = new timeseries.PanelBuilder()
    .title(spec.title)
    .description(spec.description)
    .datasource(DATASOURCE)
    .unit(spec.unit)
    .gridPos(pos)
    .thresholds(thresholdsOf(spec))
    .lineWidth(1)
    .fillOpacity(spec.stack === true ? 30 : 10)
    .showPoints(common.VisibilityMode.Never);
  if (spec.thresholds !== undefined) p.thresholdsStyle(new common.GraphThresholdsStyleConfigBuilder().mode(common.GraphThresholdsStyleMode.Dashed));
  if (spec.stack === true) p.stacking(new common.StackingConfigBuilder().mode(common.StackingMode.Normal));
  if (colour !== undefined) p.colorScheme(colour);
  for (const t of targets(spec)) p.withTarget(t);
  if (spec.min !== undefined) p.min(spec.min);
  if (spec.max !== undefined) p.max(spec.max);
  return p;
}

type cogPanel = stat.PanelBuilder | statetimeline.PanelBuilder | timeseries.PanelBuilder;

/**
 * The dashboard as Grafana JSON (the SDK's `build()`, schema version 42 in 0.0.21). Rows are laid out top to
 * bottom; inside a row panels go left to right and wrap at 24 units. Panel ids are assigned in order from 1.
 */
export function buildDashboard(spec: DashboardSpec): dashboard.Dashboard {
  const d = new dashboard.DashboardBuilder(spec.title)
    .uid(spec.uid)
    .description(spec.description)
    .tags([...spec.tags])
    .editable()
    .refresh('30s')
    .time({ from: 'now-1h', to: 'now' })
    .timezone('browser')
    .tooltip(dashboard.DashboardCursorSync.Crosshair);
  for (const v of spec.variables) d.withVariable({ build: () => v });
  let y = 0;
  for (const row of spec.rows) {
    d.withRow(new dashboard.RowBuilder(row.title).gridPos({ x: 0, y, w: 24, h: 1 }));
    y += 1;
    let x = 0;
    let lineHeight = 0;
    for (const panel of row.panels) {
      const w = panel.w ?? (panel.kind === 'stat' ? 4 : 12);
      const h = panel.h ?? (panel.kind === 'stat' ? 4 : 8);
      if (x + w > 24) {
        y += lineHeight;
        x = 0;
        lineHeight = 0;
      }
      d.withPanel(buildPanel(panel, { x, y, w, h }));
      x += w;
      lineHeight = Math.max(lineHeight, h);
    }
    y += lineHeight;
  }
  const built = d.build();
  let id = 1;
  for (const p of built.panels ?? []) p.id = id++;
  return built;
}
