// Views over the result tables shaped for BI tools (QuickSight, a notebook, `vigil query`): a row
// per window with its metrics side by side, a row per feature and window with its drift and
// quantile bands, a row per facet gap and window, and one event log. Each view declares its
// columns and types once: the SQL selects exactly them (checked by a test) and the QuickSight
// datasets (infra/) take their schema from the same list. The same text runs on DuckDB (local
// results and snapshots) and Athena; instants stay ISO-8601 UTC text as in the tables, with a
// DATE and a TIMESTAMP column beside them for tools that chart time.
import type { SqlDialect } from '../sql/dialect.js';
import type { ResultTable } from '../sql/tables.js';
import { timelineActions } from './event-timeline.js';

export type BiColumnType = 'text' | 'double' | 'bigint' | 'boolean' | 'date' | 'timestamp';

export interface BiColumn {
  readonly name: string;
  readonly type: BiColumnType;
}

export interface BiView {
  readonly name: BiViewName;
  readonly description: string;
  /** The result tables it reads: a view is created only where they all exist. */
  readonly reads: readonly ResultTable[];
  readonly columns: readonly BiColumn[];
}

export const biViewNames = ['vigil_metrics_daily', 'vigil_drift_by_feature', 'vigil_bias_by_facet', 'vigil_events'] as const;
export type BiViewName = (typeof biViewNames)[number];

export interface BiViewOptions {
  /** Qualifies the tables and views (Athena's database); unqualified otherwise. */
  database?: string;
  /** The Temporal Web UI, for each event's link; without it the link column is NULL. */
  temporalUi?: { uiUrl: string; namespace: string };
}

const col = (name: string, type: BiColumnType): BiColumn => ({ name, type });

const windowColumns = [
  col('model', 'text'),
  col('window_start', 'text'),
  col('window_end', 'text'),
  col('window_day', 'date'),
  col('window_end_at', 'timestamp'),
  col('as_of', 'text'),
  col('model_version', 'text'),
];

/** Performance metrics of the window (subject "window"), each a column; thresholded ones with their threshold and breach. */
const performanceValues = ['rmse', 'mae', 'r2', 'mape', 'mean_error', 'label_coverage'] as const;
const performanceThresholded = ['rmse', 'mae', 'r2', 'mape'] as const;
const baselinePerformance = ['rmse', 'mae'] as const;
const runValues = ['quarantined_share', 'data_coverage'] as const;
const runCounts = ['rows', 'quarantined_rows', 'scored_prediction_rows'] as const;
const quantiles = ['p5', 'p50', 'p95'] as const;

export const biViews: Readonly<Record<BiViewName, BiView>> = {
  vigil_metrics_daily: {
    name: 'vigil_metrics_daily',
    description: 'One row per model and window: performance with thresholds, label coverage, volumes, and how many checks breached',
    reads: ['monitoring_metrics'],
    columns: [
      ...windowColumns,
      ...performanceValues.map((metric) => col(metric, 'double')),
      col('labelled_rows', 'bigint'),
      ...performanceThresholded.flatMap((metric) => [col(`${metric}_threshold`, 'double'), col(`${metric}_breached`, 'boolean')]),
      ...baselinePerformance.map((metric) => col(`baseline_${metric}`, 'double')),
      ...runCounts.map((metric) => col(metric, 'bigint')),
      ...runValues.map((metric) => col(metric, 'double')),
      col('drifted_features', 'bigint'),
      col('prediction_drifted', 'boolean'),
      col('quality_breaches', 'bigint'),
      col('bias_breaches', 'bigint'),
      col('breaches', 'bigint'),
    ],
  },
  vigil_drift_by_feature: {
    name: 'vigil_drift_by_feature',
    description: 'One row per model, window and feature (and the prediction): the deciding drift metric against its threshold, and the window quantiles against the baseline',
    reads: ['monitoring_metrics'],
    columns: [
      ...windowColumns,
      col('kind', 'text'),
      col('feature', 'text'),
      col('drift_metric', 'text'),
      col('drift_value', 'double'),
      col('drift_threshold', 'double'),
      col('drift_breached', 'boolean'),
      col('drift_score', 'double'),
      col('mean', 'double'),
      col('baseline_mean', 'double'),
      ...quantiles.map((q) => col(q, 'double')),
      ...quantiles.map((q) => col(`baseline_${q}`, 'double')),
    ],
  },
  vigil_bias_by_facet: {
    name: 'vigil_bias_by_facet',
    description: "One row per model, window, facet and gap metric: the gap between the facet's groups, the baseline's gap, the change and its allowed limit",
    reads: ['monitoring_metrics'],
    columns: [
      ...windowColumns,
      col('facet', 'text'),
      col('gap_metric', 'text'),
      col('gap', 'double'),
      col('baseline_gap', 'double'),
      col('gap_change', 'double'),
      col('threshold', 'double'),
      col('breached', 'boolean'),
    ],
  },
  vigil_events: {
    name: 'vigil_events',
    description:
      'Retraining, approvals (who), deploys, rollbacks, cleanup and drifted windows in one log, each linked to its Temporal run; event_at is when it happened (a drift: when its run found it), window_end the window a drift is about',
    reads: ['audit_events', 'deployments', 'monitoring_runs'],
    columns: [
      col('model', 'text'),
      col('event_at', 'text'),
      col('event_time', 'timestamp'),
      col('kind', 'text'),
      col('action', 'text'),
      col('actor', 'text'),
      col('version', 'text'),
      col('previous_version', 'text'),
      col('stage', 'text'),
      col('status', 'text'),
      col('detail', 'text'),
      col('window_end', 'text'),
      col('workflow_id', 'text'),
      col('run_id', 'text'),
      col('temporal_url', 'text'),
    ],
  },
};

const castType = { text: 'VARCHAR', double: 'DOUBLE', bigint: 'BIGINT', boolean: 'BOOLEAN', date: 'DATE', timestamp: 'TIMESTAMP' } as const;

/** The SELECT list in the view's declared order and types: every column cast, so both engines type it alike. */
function selectList(d: SqlDialect, view: BiView, expressions: Readonly<Record<string, string>>): string {
  return view.columns
    .map((column) => {
      const expression = expressions[column.name];
      if (expression === undefined) throw new Error(`${view.name}: no expression for column ${column.name}`);
      return `  CAST(${expression} AS ${castType[column.type]}) AS ${d.ident(column.name)}`;
    })
    .join(',\n');
}

// The tables hold instants as toISOString() text ("2026-10-01T00:00:00.000Z"), so the day is its
// first ten characters and the timestamp its text without T and Z, in both engines alike.
const dayOf = (expr: string): string => `substr(${expr}, 1, 10)`;
const timestampOf = (expr: string): string => `replace(replace(${expr}, 'T', ' '), 'Z', '')`;

function windowExpressions(d: SqlDialect): Record<string, string> {
  const id = d.ident;
  return {
    model: id('model'),
    window_start: id('window_start'),
    window_end: id('window_end'),
    window_day: dayOf(id('window_end')),
    window_end_at: timestampOf(id('window_end')),
    as_of: id('as_of'),
    model_version: `max(${id('model_version')})`,
  };
}

const windowGroupBy = (d: SqlDialect): string => ['model', 'window_start', 'window_end', 'as_of'].map(d.ident).join(', ');

function metricsDailySql(d: SqlDialect, table: (name: string) => string): string {
  const id = d.ident;
  const where = (group: string, subject: string | null, metric: string): string =>
    [`${id('group_name')} = ${d.string(group)}`, ...(subject === null ? [] : [`${id('subject')} = ${d.string(subject)}`]), `${id('metric')} = ${d.string(metric)}`].join(' AND ');
  const value = (group: string, subject: string, metric: string): string => `max(CASE WHEN ${where(group, subject, metric)} THEN ${id('value')} END)`;
  const count = (condition: string): string => `sum(CASE WHEN ${condition} THEN 1 ELSE 0 END)`;
  const thresholded = `${id('threshold')} IS NOT NULL AND ${id('breached')}`;
  const expressions: Record<string, string> = {
    ...windowExpressions(d),
    labelled_rows: value('performance', 'window', 'labelled_rows'),
    drifted_features: `count(DISTINCT CASE WHEN ${id('group_name')} = 'feature' AND ${thresholded} THEN ${id('subject')} END)`,
    prediction_drifted: `bool_or(CASE WHEN ${id('group_name')} = 'prediction' AND ${id('threshold')} IS NOT NULL THEN ${id('breached')} END)`,
    quality_breaches: count(`${id('group_name')} = 'quality' AND ${thresholded}`),
    bias_breaches: count(`${id('group_name')} = 'facet' AND ${thresholded}`),
    breaches: count(thresholded),
  };
  for (const metric of performanceValues) expressions[metric] = value('performance', 'window', metric);
  for (const metric of performanceThresholded) {
    expressions[`${metric}_threshold`] = `max(CASE WHEN ${where('performance', 'window', metric)} THEN ${id('threshold')} END)`;
    expressions[`${metric}_breached`] = `bool_or(CASE WHEN ${where('performance', 'window', metric)} AND ${id('threshold')} IS NOT NULL THEN ${id('breached')} END)`;
  }
  for (const metric of baselinePerformance) expressions[`baseline_${metric}`] = value('performance', 'baseline', metric);
  for (const metric of [...runCounts, ...runValues]) expressions[metric] = value('run', 'window', metric);
  return [`SELECT\n${selectList(d, biViews.vigil_metrics_daily, expressions)}`, `FROM ${table('monitoring_metrics')}`, `GROUP BY ${windowGroupBy(d)}`].join('\n');
}

/** How close a value is to its threshold, 1 at the threshold: threshold / p for a p-value (which breaches low), else value / threshold. */
export function driftScoreSql(d: SqlDialect, metric: string, value: string, threshold: string): string {
  const pValue = `(${metric} LIKE '%\\_bh' ESCAPE '\\' OR ${metric} LIKE '%\\_p\\_value' ESCAPE '\\')`;
  return (
    `CASE WHEN ${value} IS NULL OR ${threshold} IS NULL THEN NULL ` +
    `WHEN ${pValue} THEN CASE WHEN ${value} <= 0 THEN ${d.double(Number.MAX_VALUE)} ELSE ${threshold} / ${value} END ` +
    `WHEN ${threshold} = 0 THEN NULL ELSE ${value} / ${threshold} END`
  );
}

function driftByFeatureSql(d: SqlDialect, table: (name: string) => string): string {
  const id = d.ident;
  // Each feature (and the prediction) has exactly one thresholded drift metric per window: the one its method decides by.
  const deciding = `${id('group_name')} IN ('feature', 'prediction') AND ${id('threshold')} IS NOT NULL`;
  const decided = (column: string): string => `max(CASE WHEN ${deciding} THEN ${column} END)`;
  const ofGroup = (groups: string, metric: string): string => `max(CASE WHEN ${id('group_name')} IN (${groups}) AND ${id('metric')} = ${d.string(metric)} THEN ${id('value')} END)`;
  const expressions: Record<string, string> = {
    ...windowExpressions(d),
    kind: `max(CASE WHEN ${id('group_name')} IN ('feature', 'prediction') THEN ${id('group_name')} END)`,
    feature: id('subject'),
    drift_metric: decided(id('metric')),
    drift_value: decided(id('value')),
    drift_threshold: decided(id('threshold')),
    drift_breached: `bool_or(CASE WHEN ${deciding} THEN ${id('breached')} END)`,
    drift_score: driftScoreSql(d, decided(id('metric')), decided(id('value')), decided(id('threshold'))),
    mean: ofGroup("'feature', 'prediction'", 'mean'),
    baseline_mean: ofGroup("'feature', 'prediction'", 'baseline_mean'),
  };
  for (const q of quantiles) {
    expressions[q] = ofGroup("'quality'", q);
    expressions[`baseline_${q}`] = ofGroup("'quality'", `baseline_${q}`);
  }
  return [
    `SELECT\n${selectList(d, biViews.vigil_drift_by_feature, expressions)}`,
    `FROM ${table('monitoring_metrics')}`,
    `WHERE ${id('group_name')} IN ('feature', 'prediction', 'quality')`,
    `GROUP BY ${windowGroupBy(d)}, ${id('subject')}`,
    `HAVING count(CASE WHEN ${deciding} THEN 1 END) > 0`,
  ].join('\n');
}

function biasByFacetSql(d: SqlDialect, table: (name: string) => string): string {
  const id = d.ident;
  // A facet's gap metrics come as <gap>, baseline_<gap> and <gap>_change (the one with the limit).
  const gapMetric =
    `CASE WHEN ${id('metric')} LIKE 'baseline\\_%' ESCAPE '\\' THEN substr(${id('metric')}, ${'baseline_'.length + 1}) ` +
    `WHEN ${id('metric')} LIKE '%\\_change' ESCAPE '\\' THEN substr(${id('metric')}, 1, length(${id('metric')}) - ${'_change'.length}) ` +
    `ELSE ${id('metric')} END`;
  const of = (metric: string): string => `max(CASE WHEN ${id('metric')} = ${metric} THEN ${id('value')} END)`;
  const change = `${id('gap_metric')} || '_change'`;
  const expressions: Record<string, string> = {
    ...windowExpressions(d),
    facet: id('subject'),
    gap_metric: id('gap_metric'),
    gap: of(id('gap_metric')),
    baseline_gap: of(`'baseline_' || ${id('gap_metric')}`),
    gap_change: of(change),
    threshold: `max(CASE WHEN ${id('metric')} = ${change} THEN ${id('threshold')} END)`,
    breached: `bool_or(CASE WHEN ${id('metric')} = ${change} AND ${id('threshold')} IS NOT NULL THEN ${id('breached')} END)`,
  };
  return [
    `SELECT\n${selectList(d, biViews.vigil_bias_by_facet, expressions)}`,
    `FROM (SELECT *, ${gapMetric} AS ${id('gap_metric')} FROM ${table('monitoring_metrics')} WHERE ${id('group_name')} = 'facet' AND ${id('metric')} LIKE '%\\_gap%' ESCAPE '\\') AS ${id('gaps')}`,
    `GROUP BY ${windowGroupBy(d)}, ${id('subject')}, ${id('gap_metric')}`,
  ].join('\n');
}

/** A run's page in the Temporal Web UI, for ids the URL can carry as they are (else NULL). */
function temporalUrlSql(d: SqlDialect, options: BiViewOptions, workflowId: string, runId: string): string {
  const ui = options.temporalUi;
  if (ui === undefined) return 'NULL';
  const safe = '[A-Za-z0-9._~-]+';
  const prefix = `${ui.uiUrl.replace(/\/$/, '')}/namespaces/${encodeURIComponent(ui.namespace)}/workflows/`;
  return `CASE WHEN ${d.fullMatch(workflowId, safe)} AND ${d.fullMatch(runId, safe)} THEN ${d.string(prefix)} || ${workflowId} || '/' || ${runId} || '/history' END`;
}

function eventsSql(d: SqlDialect, table: (name: string) => string, options: BiViewOptions): string {
  const id = d.ident;
  const view = biViews.vigil_events;
  const kinds = Object.entries(timelineActions)
    .map(([action, kind]) => `WHEN ${d.string(action)} THEN ${d.string(kind)}`)
    .join(' ');
  const audit = selectList(d, view, {
    model: id('model'),
    event_at: id('at'),
    event_time: timestampOf(id('at')),
    kind: `CASE ${id('action')} ${kinds} END`,
    action: id('action'),
    actor: id('actor'),
    version: `coalesce(${d.jsonText(id('detail'), 'version')}, ${d.jsonText(id('detail'), 'candidateVersion')})`,
    previous_version: d.jsonText(id('detail'), 'previousVersion'),
    stage: 'NULL',
    status: 'NULL',
    detail: d.jsonText(id('detail'), 'reason'),
    window_end: 'NULL',
    workflow_id: id('workflow_id'),
    run_id: id('run_id'),
    temporal_url: temporalUrlSql(d, options, id('workflow_id'), id('run_id')),
  });
  const deployments = selectList(d, view, {
    model: id('model'),
    event_at: id('at'),
    event_time: timestampOf(id('at')),
    kind: `CASE WHEN ${id('action')} = 'rollback' OR ${id('status')} = 'rolled-back' THEN 'rollback' ELSE 'deploy' END`,
    action: `'deployments.' || ${id('action')}`,
    actor: `'vigil-deploy'`,
    version: id('model_version'),
    previous_version: id('previous_version'),
    stage: id('stage'),
    status: id('status'),
    detail: id('endpoint'),
    window_end: 'NULL',
    workflow_id: id('workflow_id'),
    run_id: id('run_id'),
    temporal_url: temporalUrlSql(d, options, id('workflow_id'), id('run_id')),
  });
  // A drift happened when its run found it (every other event is stamped with the wall clock too;
  // a replay or backfill finds weeks-old windows today), and is about its window.
  const foundAt = `coalesce(${id('finished_at')}, ${id('started_at')})`;
  const drifted = selectList(d, view, {
    model: id('model'),
    event_at: foundAt,
    event_time: timestampOf(foundAt),
    kind: `'drift'`,
    action: `'monitoring.drifted'`,
    actor: `'vigil-monitoring'`,
    version: id('model_version'),
    previous_version: 'NULL',
    stage: 'NULL',
    status: id('status'),
    detail: id('drifted_features'),
    window_end: id('window_end'),
    workflow_id: 'NULL',
    run_id: id('run_id'),
    temporal_url: 'NULL',
  });
  return [
    `SELECT\n${audit}\nFROM ${table('audit_events')}\nWHERE ${id('model')} IS NOT NULL AND ${id('action')} IN (${Object.keys(timelineActions).map(d.string).join(', ')})`,
    `UNION ALL\nSELECT\n${deployments}\nFROM ${table('deployments')}`,
    `UNION ALL\nSELECT\n${drifted}\nFROM ${table('monitoring_runs')}\nWHERE ${id('drifted_features')} <> ''`,
  ].join('\n');
}

/** The SELECT behind one view. */
export function biViewSelectSql(d: SqlDialect, name: BiViewName, options: BiViewOptions = {}): string {
  const table = (tableName: string): string => d.table(options.database === undefined ? tableName : `${options.database}.${tableName}`);
  switch (name) {
    case 'vigil_metrics_daily':
      return metricsDailySql(d, table);
    case 'vigil_drift_by_feature':
      return driftByFeatureSql(d, table);
    case 'vigil_bias_by_facet':
      return biasByFacetSql(d, table);
    case 'vigil_events':
      return eventsSql(d, table, options);
  }
}

/** CREATE OR REPLACE VIEW for each view whose tables are among `tables`: re-running it is a no-op or an update. */
export function createBiViewsSql(d: SqlDialect, tables: Iterable<string>, options: BiViewOptions = {}): { view: BiViewName; sql: string }[] {
  const present = new Set(tables);
  return biViewNames
    .filter((name) => biViews[name].reads.every((table) => present.has(table)))
    .map((name) => {
      const qualified = d.table(options.database === undefined ? name : `${options.database}.${name}`);
      return { view: name, sql: `CREATE OR REPLACE VIEW ${qualified} AS\n${biViewSelectSql(d, name, options)}` };
    });
}
