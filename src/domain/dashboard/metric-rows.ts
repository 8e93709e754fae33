// The result-table rows the dashboard views are built from, decoded once.
import { decodeRows, nullableNumber, nullableText, textCell } from '../sql/decode.js';
import type { Row } from '../sql/row.js';
import { decodeRunSummary, type RunSummary } from '../monitoring/run-summary.js';

export interface MetricRow {
  windowStart: string;
  windowEnd: string;
  asOf: string;
  group: string;
  subject: string;
  metric: string;
  value: number | null;
  threshold: number | null;
  breached: boolean;
  modelVersion: string | null;
}

export function decodeMetricRows(rows: readonly Row[]): MetricRow[] {
  return decodeRows(rows, 'monitoring_metrics', (row, at) => ({
    windowStart: textCell(row, 'window_start', at),
    windowEnd: textCell(row, 'window_end', at),
    asOf: textCell(row, 'as_of', at),
    group: textCell(row, 'group_name', at),
    subject: textCell(row, 'subject', at),
    metric: textCell(row, 'metric', at),
    value: nullableNumber(row, 'value', at),
    threshold: nullableNumber(row, 'threshold', at),
    breached: row['breached'] === true,
    modelVersion: nullableText(row, 'model_version', at),
  }));
}

export interface PerformanceHistoryRow {
  windowEnd: string;
  asOf: string;
  metric: string;
  value: number | null;
}

export function decodePerformanceHistoryRows(rows: readonly Row[]): PerformanceHistoryRow[] {
  return decodeRows(rows, 'performance_history', (row, at) => ({
    windowEnd: textCell(row, 'window_end', at),
    asOf: textCell(row, 'as_of', at),
    metric: textCell(row, 'metric', at),
    value: nullableNumber(row, 'value', at),
  }));
}

export interface RunRow {
  model: string;
  windowStart: string;
  windowEnd: string;
  asOf: string;
  runId: string;
  status: string;
  rows: number;
  quarantinedRows: number;
  labelledRows: number;
  driftedFeatures: string[];
  modelVersion: string | null;
  startedAt: string;
  finishedAt: string | null;
  /** Null when the stored summary is absent or unreadable (it is shown, not trusted). */
  summary: RunSummary | null;
}

function summaryOf(text: string | null): RunSummary | null {
  if (text === null) return null;
  try {
    return decodeRunSummary(text);
  } catch {
    return null;
  }
}

export function decodeRunRows(rows: readonly Row[]): RunRow[] {
  return decodeRows(rows, 'monitoring_runs', (row, at) => ({
    model: textCell(row, 'model', at),
    windowStart: textCell(row, 'window_start', at),
    windowEnd: textCell(row, 'window_end', at),
    asOf: textCell(row, 'as_of', at),
    runId: textCell(row, 'run_id', at),
    status: textCell(row, 'status', at),
    rows: nullableNumber(row, 'rows', at) ?? 0,
    quarantinedRows: nullableNumber(row, 'quarantined_rows', at) ?? 0,
    labelledRows: nullableNumber(row, 'labelled_rows', at) ?? 0,
    driftedFeatures: (nullableText(row, 'drifted_features', at) ?? '').split(',').filter((name) => name !== ''),
    modelVersion: nullableText(row, 'model_version', at),
    startedAt: textCell(row, 'started_at', at),
    finishedAt: nullableText(row, 'finished_at', at),
    summary: summaryOf(nullableText(row, 'summary', at)),
  }));
}

export interface DeploymentRow {
  model: string;
  at: string;
  version: string;
  endpoint: string;
  stage: string;
  action: string;
  status: string;
  previousVersion: string | null;
  workflowId: string | null;
  runId: string | null;
}

export function decodeDeploymentRows(rows: readonly Row[]): DeploymentRow[] {
  return decodeRows(rows, 'deployments', (row, at) => ({
    model: textCell(row, 'model', at),
    at: textCell(row, 'at', at),
    version: textCell(row, 'model_version', at),
    endpoint: textCell(row, 'endpoint', at),
    stage: textCell(row, 'stage', at),
    action: textCell(row, 'action', at),
    status: textCell(row, 'status', at),
    previousVersion: nullableText(row, 'previous_version', at),
    workflowId: nullableText(row, 'workflow_id', at),
    runId: nullableText(row, 'run_id', at),
  }));
}

export interface AuditRow {
  id: string;
  at: string;
  actor: string;
  action: string;
  detail: Record<string, unknown>;
  workflowId: string | null;
  runId: string | null;
}

function detailOf(text: string | null): Record<string, unknown> {
  if (text === null) return {};
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

export function decodeAuditRows(rows: readonly Row[]): AuditRow[] {
  return decodeRows(rows, 'audit_events', (row, at) => ({
    id: textCell(row, 'id', at),
    at: textCell(row, 'at', at),
    actor: textCell(row, 'actor', at),
    action: textCell(row, 'action', at),
    detail: detailOf(nullableText(row, 'detail', at)),
    workflowId: nullableText(row, 'workflow_id', at),
    runId: nullableText(row, 'run_id', at),
  }));
}
