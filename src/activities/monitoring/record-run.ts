// Records a window's results: its metrics in monitoring_metrics, its run row (with the summary the
// drift trigger reads) in monitoring_runs, and its metrics on the metrics sink. A rerun of the
// window replaces its rows; its performance at this as-of also goes to performance_history, which
// keeps each evaluation's (labels arrive after the window).
import { encodeRunSummary, runSummary } from '../../domain/monitoring/run-summary.js';
import type { MetricRecord, PreparedWindow, WindowAnalysis } from '../../domain/monitoring/types.js';
import { windowLabel } from '../../domain/monitoring/windows.js';
import type { Row } from '../../domain/sql/row.js';
import type { MetricPoint } from '../../ports/metrics-sink.js';
import { classified } from '../shared/activity-errors.js';
import type { ActivityDeps } from '../shared/activity-deps.js';
import { clockOf } from '../shared/clock.js';
import type { WindowRef } from './window-query.js';

export function createRecordRunActivities(deps: ActivityDeps) {
  const now = clockOf(deps);
  return {
    /** For runs begun before analyzeAndRecordWindow recorded the analysis itself. */
    async recordResults(args: RecordArgs): Promise<void> {
      return classified(`record ${args.model} ${windowLabel(args.window)}`, () => recordRun(deps, now, args, 'ok'));
    },

    async recordNoData(args: Omit<RecordArgs, 'analysis'>): Promise<void> {
      return classified(`record ${args.model} ${windowLabel(args.window)}`, () => recordRun(deps, now, { ...args, analysis: undefined }, 'no_data'));
    },
  };
}

export interface RecordArgs extends WindowRef {
  asOf: string;
  startedAt: string;
  prepared: PreparedWindow;
  analysis: WindowAnalysis | undefined;
}

export async function recordRun(deps: ActivityDeps, now: () => Date, args: RecordArgs, status: 'ok' | 'no_data'): Promise<void> {
  const { model, window, runId, asOf, analysis, prepared } = args;
  const key = { model, window_start: window.start };
  const modelVersion = prepared.modelVersions[0] ?? null;
  const common = { model, window_start: window.start, window_end: window.end, as_of: asOf, run_id: runId };
  const metricRows: Row[] = (analysis?.metrics ?? []).map((metric) => ({
    ...common,
    group_name: metric.group,
    subject: metric.subject,
    metric: metric.metric,
    value: metric.value === null || !Number.isFinite(metric.value) ? null : metric.value,
    threshold: metric.threshold,
    breached: metric.breached,
    model_version: modelVersion,
    config_hash: deps.loaded.hash,
    query_id: analysis?.queryIds.join(',') ?? null,
  }));
  await deps.warehouse.replaceRows('monitoring_metrics', key, metricRows);
  const performance = metricRows.filter((row) => row['group_name'] === 'performance' && row['subject'] === 'window');
  await deps.warehouse.replaceRows(
    'performance_history',
    { ...key, as_of: asOf },
    performance.map((row) => ({ ...common, metric: row['metric'] ?? null, value: row['value'] ?? null, threshold: row['threshold'] ?? null, breached: row['breached'] ?? false, model_version: modelVersion })),
  );
  const finished = now().toISOString();
  await deps.warehouse.replaceRows('monitoring_runs', key, [
    {
      ...common,
      status,
      rows: prepared.rows,
      sampled_rows: analysis?.analysedRows ?? 0,
      quarantined_rows: prepared.quarantined,
      labelled_rows: analysis?.labelledRows ?? 0,
      drifted_features: analysis?.driftedFeatures.join(',') ?? '',
      model_version: modelVersion,
      config_hash: deps.loaded.hash,
      started_at: args.startedAt,
      finished_at: finished,
      summary: encodeRunSummary(runSummary(prepared, analysis)),
    },
  ]);
  if (analysis !== undefined) await deps.metricsSink.publish(metricPoints(model, window.end, analysis.metrics));
}

/** A window's metrics as the sink takes them: subject `<group>:<subject>`, stamped with the window's end. */
export function metricPoints(model: string, windowEnd: string, metrics: readonly MetricRecord[]): MetricPoint[] {
  return metrics
    .filter((metric) => metric.value !== null && Number.isFinite(metric.value))
    .map((metric) => ({ model, subject: `${metric.group}:${metric.subject}`, metric: metric.metric, value: metric.value as number, timestamp: windowEnd }));
}
