// What the dashboard reads from the result tables: a model's metric rows over a range of windows,
// its runs, its quarantine reasons, deployments and audit events. Each query returns rows the view
// builders (views.ts) shape; nothing here aggregates what the monitoring run already computed.
import type { SqlDialect } from '../sql/dialect.js';

/** Windows whose end falls in [from, to] (ISO instants); either bound may be open. */
export interface WindowRange {
  from?: string;
  to?: string;
}

/** The metrics a dashboard view draws; the rest of monitoring_metrics stays in the warehouse. */
export const dashboardMetrics = {
  performance: ['rmse', 'mae', 'r2', 'label_coverage', 'labelled_rows'],
  quality: ['missing_share', 'type_error_share', 'out_of_range_share', 'p5', 'p50', 'p95', 'baseline_p5', 'baseline_p50', 'baseline_p95'],
  drift: ['mean', 'baseline_mean'],
  run: ['rows', 'quarantined_rows', 'quarantined_share'],
} as const;

function rangeFilter(d: SqlDialect, range: WindowRange): string[] {
  return [
    ...(range.from === undefined ? [] : [`${d.ident('window_end')} >= ${d.string(range.from)}`]),
    ...(range.to === undefined ? [] : [`${d.ident('window_end')} <= ${d.string(range.to)}`]),
  ];
}

/**
 * A model's metric rows in range: every thresholded metric (drift decisions, quality shares,
 * performance and bias ranges) and the values the views draw beside them.
 */
export function modelMetricsSql(d: SqlDialect, model: string, range: WindowRange): string {
  const id = d.ident;
  const list = (values: readonly string[]): string => values.map((value) => d.string(value)).join(', ');
  const wanted = [
    `${id('threshold')} IS NOT NULL`,
    `(${id('group_name')} = 'performance' AND ${id('subject')} = 'window' AND ${id('metric')} IN (${list(dashboardMetrics.performance)}))`,
    `(${id('group_name')} = 'quality' AND ${id('metric')} IN (${list(dashboardMetrics.quality)}))`,
    `(${id('group_name')} IN ('feature', 'prediction') AND ${id('metric')} IN (${list(dashboardMetrics.drift)}))`,
    `(${id('group_name')} = 'facet' AND ${id('metric')} LIKE '%\\_gap%' ESCAPE '\\')`,
    `(${id('group_name')} = 'run' AND ${id('metric')} IN (${list(dashboardMetrics.run)}))`,
  ];
  return [
    `SELECT ${['window_start', 'window_end', 'as_of', 'group_name', 'subject', 'metric', 'value', 'threshold', 'breached', 'model_version'].map(id).join(', ')}`,
    `FROM ${d.table('monitoring_metrics')}`,
    `WHERE ${[`${id('model')} = ${d.string(model)}`, ...rangeFilter(d, range), `(${wanted.join('\n    OR ')})`].join('\n  AND ')}`,
    `ORDER BY ${id('window_end')}, ${id('group_name')}, ${id('subject')}, ${id('metric')}`,
  ].join('\n');
}

/** A model's performance at each evaluation of its windows in range (performance_history). */
export function performanceHistorySql(d: SqlDialect, model: string, range: WindowRange): string {
  const id = d.ident;
  return [
    `SELECT ${['window_start', 'window_end', 'as_of', 'metric', 'value'].map(id).join(', ')}`,
    `FROM ${d.table('performance_history')}`,
    `WHERE ${[`${id('model')} = ${d.string(model)}`, ...rangeFilter(d, range)].join(' AND ')}`,
    `ORDER BY ${id('window_end')}, ${id('as_of')}, ${id('metric')}`,
  ].join('\n');
}

/** Every model's runs (one row per window: a re-evaluation replaces the window's row). */
export function runsSql(d: SqlDialect, range: WindowRange, model?: string): string {
  const id = d.ident;
  const filters = [...(model === undefined ? [] : [`${id('model')} = ${d.string(model)}`]), ...rangeFilter(d, range)];
  return [
    `SELECT ${['model', 'window_start', 'window_end', 'as_of', 'run_id', 'status', 'rows', 'quarantined_rows', 'labelled_rows', 'drifted_features', 'model_version', 'started_at', 'finished_at', 'summary'].map(id).join(', ')}`,
    `FROM ${d.table('monitoring_runs')}`,
    ...(filters.length === 0 ? [] : [`WHERE ${filters.join(' AND ')}`]),
    `ORDER BY ${id('model')}, ${id('window_end')}`,
  ].join('\n');
}

/**
 * The quarantine's reasons in range, each with the values it quoted replaced by "…", so that
 * `price: "abc" is not a float` and `price: "n/a" is not a float` count as one reason.
 */
export function quarantineReasonsSql(d: SqlDialect, model: string, range: WindowRange): string {
  const id = d.ident;
  // DuckDB replaces the first match unless told 'g'; Trino replaces every match.
  const reason = `regexp_replace(${id('reason')}, '"[^"]*"', '"…"'${d.name === 'duckdb' ? ", 'g'" : ''})`;
  return [
    `SELECT ${reason} AS ${id('reason')}, count(*) AS ${id('records')}`,
    `FROM ${d.table('quarantine')}`,
    `WHERE ${[`${id('model')} = ${d.string(model)}`, ...rangeFilter(d, range)].join(' AND ')}`,
    `GROUP BY ${reason}`,
    `ORDER BY ${id('records')} DESC, ${id('reason')}`,
    'LIMIT 10',
  ].join('\n');
}

export function deploymentsSql(d: SqlDialect, model?: string): string {
  const id = d.ident;
  return [
    `SELECT ${['model', 'at', 'model_version', 'endpoint', 'stage', 'action', 'status', 'previous_version', 'workflow_id', 'run_id'].map(id).join(', ')}`,
    `FROM ${d.table('deployments')}`,
    ...(model === undefined ? [] : [`WHERE ${id('model')} = ${d.string(model)}`]),
    `ORDER BY ${id('at')}`,
  ].join('\n');
}

export function auditEventsSql(d: SqlDialect, model: string): string {
  const id = d.ident;
  return [
    `SELECT ${['id', 'at', 'actor', 'action', 'detail', 'workflow_id', 'run_id'].map(id).join(', ')}`,
    `FROM ${d.table('audit_events')}`,
    `WHERE ${id('model')} = ${d.string(model)}`,
    `ORDER BY ${id('at')}`,
  ].join('\n');
}
