// The dashboard's data: each API answer built from the result tables' Parquet snapshots, read
// fresh on every request (the worker rewrites them after each write; a reader never sees half a
// file). Read-only: the snapshots are views in a throwaway in-memory database.
import { join } from 'node:path';
import { existingSnapshots, querySnapshots, resultsSnapshotDir } from '../adapters/local/duckdb/results-export.js';
import { FileIncidentStore } from '../adapters/local/files/file-incident-store.js';
import { resolvePath, type LoadedConfig } from '../config/load.js';
import { auditEventsSql, deploymentsSql, modelMetricsSql, performanceHistorySql, quarantineReasonsSql, runsSql, type WindowRange } from '../domain/dashboard/dashboard-sql.js';
import { servingVersion, timelineEvents, type TemporalUi, type TimelineEvent } from '../domain/dashboard/event-timeline.js';
import { decodeAuditRows, decodeDeploymentRows, decodeMetricRows, decodePerformanceHistoryRows, decodeRunRows, type MetricRow } from '../domain/dashboard/metric-rows.js';
import {
  biasView,
  driftView,
  featureView,
  modelOverview,
  performanceView,
  qualityView,
  type BiasSeries,
  type DriftView,
  type FeaturePoint,
  type ModelOverview,
  type PerformanceView,
  type QualityPoint,
} from '../domain/dashboard/views.js';
import { duckdbDialect } from '../domain/sql/dialect.js';
import type { Row } from '../domain/sql/row.js';
import type { Incident } from '../ports/incident-store.js';
import { decodeRows, numberCell, textCell } from '../domain/sql/decode.js';

export class UnknownModelError extends Error {}

export class DashboardData {
  constructor(
    private readonly loaded: LoadedConfig,
    private readonly snapshotsDir: string,
    readonly temporal: TemporalUi,
    /** The alert incidents still open (none where the store is not readable from here). */
    private readonly openIncidents: () => Promise<readonly Incident[]> = () => Promise.resolve([]),
  ) {}

  models(): string[] {
    return this.loaded.config.models.map((model) => model.id);
  }

  async overview(): Promise<ModelOverview[]> {
    const [runs, deployments, incidents] = await Promise.all([this.rows('monitoring_runs', runsSql(duckdbDialect, {})), this.rows('deployments', deploymentsSql(duckdbDialect)), this.openIncidents()]);
    const decodedRuns = decodeRunRows(runs);
    const decodedDeployments = decodeDeploymentRows(deployments);
    return Promise.all(
      this.models().map(async (model) => {
        const latest = decodedRuns.filter((run) => run.model === model).sort((a, b) => a.windowEnd.localeCompare(b.windowEnd)).at(-1);
        const metrics = latest === undefined ? [] : await this.metrics(model, { from: latest.windowEnd, to: latest.windowEnd });
        const coverage = metrics.find((row) => row.group === 'performance' && row.metric === 'label_coverage')?.value ?? null;
        const open = incidents.filter((incident) => incident.model === model).map(({ kind, openedAt, lastWindowEnd, occurrences }) => ({ kind, openedAt, lastWindowEnd, occurrences }));
        return modelOverview(model, decodedRuns, servingVersion(decodedDeployments, model), coverage, open);
      }),
    );
  }

  async performance(model: string, range: WindowRange): Promise<PerformanceView> {
    const [metrics, history] = await Promise.all([this.metrics(model, range), this.rows('performance_history', performanceHistorySql(duckdbDialect, model, range))]);
    return performanceView(metrics, this.policy(model).performance, decodePerformanceHistoryRows(history));
  }

  async drift(model: string, range: WindowRange): Promise<DriftView> {
    return driftView(await this.metrics(model, range));
  }

  async feature(model: string, subject: string, range: WindowRange): Promise<FeaturePoint[]> {
    return featureView(await this.metrics(model, range), subject);
  }

  async bias(model: string, range: WindowRange): Promise<BiasSeries[]> {
    return biasView(await this.metrics(model, range), this.policy(model).bias);
  }

  async quality(model: string, range: WindowRange): Promise<{ points: QualityPoint[]; topReasons: { reason: string; records: number }[] }> {
    const [metrics, reasons] = await Promise.all([this.metrics(model, range), this.rows('quarantine', quarantineReasonsSql(duckdbDialect, model, range))]);
    const topReasons = decodeRows(reasons, 'quarantine reasons', (row, at) => ({ reason: textCell(row, 'reason', at), records: numberCell(row, 'records', at) }));
    return { points: qualityView(metrics), topReasons };
  }

  async events(model: string): Promise<TimelineEvent[]> {
    this.policy(model);
    const [audit, deployments, runs] = await Promise.all([
      this.rows('audit_events', auditEventsSql(duckdbDialect, model)),
      this.rows('deployments', deploymentsSql(duckdbDialect, model)),
      this.rows('monitoring_runs', runsSql(duckdbDialect, {}, model)),
    ]);
    return timelineEvents(decodeAuditRows(audit), decodeDeploymentRows(deployments), decodeRunRows(runs), this.temporal);
  }

  private policy(model: string): LoadedConfig['config']['models'][number]['monitoring'] {
    const found = this.loaded.config.models.find((entry) => entry.id === model);
    if (found === undefined) throw new UnknownModelError(`no model ${JSON.stringify(model)} in the config (models: ${this.models().join(', ')})`);
    return found.monitoring;
  }

  private async metrics(model: string, range: WindowRange): Promise<MetricRow[]> {
    this.policy(model);
    return decodeMetricRows(await this.rows('monitoring_metrics', modelMetricsSql(duckdbDialect, model, range)));
  }

  /** Rows of a query over one table's snapshot; none before the worker first wrote it. */
  private async rows(table: string, sql: string): Promise<Row[]> {
    const snapshots = await existingSnapshots(this.snapshotsDir);
    if (![...snapshots.keys()].some((name) => name === table)) return [];
    return (await querySnapshots(snapshots, sql)).rows;
  }
}

/** The dashboard's data over a local config's result snapshots, linking runs to its Temporal UI. */
export function localDashboardData(loaded: LoadedConfig, namespace: string): DashboardData {
  if (loaded.config.mode !== 'local') {
    throw new Error('the dashboard reads local results; in aws mode the same views are Athena views and a QuickSight dashboard (see README)');
  }
  const dataDir = resolvePath(loaded.path, loaded.config.dataDir);
  const incidents = new FileIncidentStore(join(dataDir, 'incidents.json'));
  return new DashboardData(loaded, resultsSnapshotDir(dataDir), { uiUrl: loaded.config.temporal.uiUrl, namespace }, () => incidents.listOpen());
}
