// The monitoring job's activities: thin steps over the ports. Each is idempotent for its (model,
// window): reruns replace what an earlier attempt wrote. Long ones heartbeat their progress.
import { log } from '@temporalio/activity';
import { cancellationSignal, heartbeat, heartbeatDetails } from '../shared/activity-context.js';
import type { FacetConfig, ModelConfig } from '../../config/schema.js';
import { collectWindowAggregates } from './collect-aggregates.js';
import { evaluateWindow } from '../../domain/monitoring/evaluate-window.js';
import { facetName } from '../../domain/monitoring/policy.js';
import type { Breach, PreparedWindow, TimeWindow, WindowAnalysis } from '../../domain/monitoring/types.js';
import { planWindows, windowEndingAt, windowLabel, type WindowPlan } from '../../domain/monitoring/windows.js';
import { dialectFor } from '../../domain/sql/dialect.js';
import {
  decodeRowsToScore,
  decodeWindowSummary,
  quarantineSql,
  rowsToScoreSql,
  windowSummarySql,
  type MonitoringQueryInput,
} from '../../domain/sql/monitoring-queries.js';
import type { Row } from '../../domain/sql/row.js';
import { classified } from '../shared/activity-errors.js';
import { raiseWindowAlerts } from './alerting.js';
import { modelOf } from '../shared/model-of.js';
import type { ActivityDeps } from '../shared/activity-deps.js';
import { modelVersionsSql, decodeModelVersions } from '../../domain/sql/model-versions.js';

export interface WindowRef {
  model: string;
  window: TimeWindow;
  runId: string;
}

const scoringPageRows = 500;
const scoringConcurrency = 4;

function facetNames(facets: FacetConfig[]): string[] {
  return facets.map((facet) => facetName(facet));
}


export function createMonitoringActivities(deps: ActivityDeps) {
  const now = deps.now ?? (() => new Date());
  const dialect = dialectFor(deps.warehouse.dialect);

  async function queryInput(model: string, window: TimeWindow): Promise<{ config: ModelConfig; input: MonitoringQueryInput }> {
    const { config, contract } = modelOf(deps, model);
    const tables = await deps.sources.tablesFor(contract);
    return { config, input: { contract, tables, window, sampleRate: config.monitoring.sampleRate, dialect } };
  }

  return {
    /** The window a scheduled run covers and the older windows it re-evaluates. */
    planMonitoringWindows({ model, at }: { model: string; at: string }): Promise<WindowPlan> {
      const { config } = modelOf(deps, model);
      return Promise.resolve(planWindows(at, config.monitoring.windowDays, config.monitoring.relabelDays));
    },

    /** Checks the sources, quarantines rows that break the contract, counts what is left. */
    async prepareWindow({ model, window }: WindowRef): Promise<PreparedWindow> {
      return classified(`prepare ${model} ${windowLabel(window)}`, async () => {
        const { input } = await queryInput(model, window);
        heartbeat({ step: 'quarantine' });
        const statements = quarantineSql(input, { quarantinedAt: now().toISOString() });
        await deps.warehouse.replaceFromQuery('quarantine', statements.key, statements.select.sql, { label: statements.select.label });
        heartbeat({ step: 'summary' });
        const summary = decodeWindowSummary((await deps.warehouse.query(windowSummarySql(input).sql, { label: 'summary' })).rows);
        const versions = decodeModelVersions((await deps.warehouse.query(modelVersionsSql(input).sql, { label: 'model-versions' })).rows);
        if (summary.invalidRows > 0) log.info('rows quarantined', { model, window: windowLabel(window), rows: summary.invalidRows });
        return {
          rows: summary.totalRows,
          quarantined: summary.invalidRows,
          missingPredictions: summary.missingPredictionRows,
          modelVersions: versions,
        };
      });
    },

    /** Scores the window's valid rows that have no logged prediction, through the production endpoint. */
    async scoreMissingPredictions({ model, window }: WindowRef): Promise<{ scored: number }> {
      return classified(`score ${model} ${windowLabel(window)}`, async () => {
        const { config, input } = await queryInput(model, window);
        const endpoint = config.endpoints.production;
        const details = heartbeatDetails<{ scored?: number; after?: string }>();
        let scored = details?.scored ?? 0;
        // Rows scored by an earlier attempt drop out of the query (their prediction is no longer
        // null), so resuming never scores a row twice; `after` only skips re-reading them.
        let after = details?.after;
        const signal = cancellationSignal();
        for (;;) {
          const pages: Promise<Row[]>[] = [];
          let lastId: string | undefined = after;
          for (let page = 0; page < scoringConcurrency; page += 1) {
            const built = rowsToScoreSql(input, { limit: scoringPageRows, ...(lastId === undefined ? {} : { afterRecordId: lastId }) });
            const rows = decodeRowsToScore((await deps.warehouse.query(built.sql, { label: built.label })).rows, input.contract);
            if (rows.length === 0) break;
            lastId = rows[rows.length - 1]?.recordId;
            pages.push(scorePage(rows));
          }
          if (pages.length === 0) break;
          const results = (await Promise.all(pages)).flat();
          await deps.warehouse.appendRows('scored_predictions', results);
          scored += results.length;
          after = lastId;
          heartbeat({ scored, after });
          if (signal?.aborted === true) throw new Error('scoring cancelled');
        }
        return { scored };

        async function scorePage(rows: ReturnType<typeof decodeRowsToScore>): Promise<Row[]> {
          const order = input.contract.features.map((feature) => feature.name);
          const result = await deps.modelHost.invoke(endpoint, rows.map((row) => order.map((name) => row.features[name] ?? null)));
          if (result.predictions.length !== rows.length) {
            throw new Error(`endpoint ${endpoint} returned ${result.predictions.length} predictions for ${rows.length} rows`);
          }
          const scoredAt = now().toISOString();
          return rows.map((row, index) => ({
            model,
            record_id: row.recordId,
            prediction: result.predictions[index] ?? null,
            model_version: result.modelVersion ?? null,
            endpoint,
            scored_at: scoredAt,
          }));
        }
      });
    },

    /** Computes drift, performance and bias in the warehouse and decides what breached. */
    async analyzeWindow({ model, window, asOf }: WindowRef & { asOf: string }): Promise<WindowAnalysis> {
      return classified(`analyse ${model} ${windowLabel(window)}`, async () => {
        const { config, input } = await queryInput(model, window);
        const signal = cancellationSignal();
        const aggregates = await collectWindowAggregates(deps.warehouse, input, {
          asOf,
          bins: config.monitoring.bins,
          facets: facetNames(config.monitoring.facets),
          facetWindow: windowEndingAt(Date.parse(window.end), Math.max(config.monitoring.facetWindowDays, config.monitoring.windowDays)),
          onProgress: (step, done, total) => heartbeat({ step, done, total }),
          ...(signal === undefined ? {} : { signal }),
        });
        return evaluateWindow(input.contract, config.monitoring, aggregates);
      });
    },

    async recordResults(args: RecordArgs): Promise<void> {
      return classified(`record ${args.model} ${windowLabel(args.window)}`, () => recordRun(deps, now, args, 'ok'));
    },

    async recordNoData(args: Omit<RecordArgs, 'analysis'>): Promise<void> {
      return classified(`record ${args.model} ${windowLabel(args.window)}`, () => recordRun(deps, now, { ...args, analysis: undefined }, 'no_data'));
    },

    async alertNoData({ model, window, runId, workflowId, prepared }: WindowRef & { workflowId: string; prepared: PreparedWindow }): Promise<void> {
      const breach: Breach = { kind: 'no_data', group: 'run', subject: 'window', metric: 'valid_rows', value: 0, threshold: 1, excess: 1 };
      await raiseWindowAlerts(deps, now, {
        model,
        window,
        runId,
        workflowId,
        breaches: [breach],
        text: `The window has ${prepared.rows} rows, ${prepared.quarantined} of them quarantined: nothing to monitor.`,
      });
    },

    async raiseAlerts(args: WindowRef & { workflowId: string; breaches: Breach[] }): Promise<{ notified: number }> {
      return raiseWindowAlerts(deps, now, args);
    },
  };
}

export interface RecordArgs extends WindowRef {
  asOf: string;
  startedAt: string;
  prepared: PreparedWindow;
  analysis: WindowAnalysis | undefined;
}

async function recordRun(deps: ActivityDeps, now: () => Date, args: RecordArgs, status: 'ok' | 'no_data'): Promise<void> {
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
      summary: JSON.stringify({
        breaches: analysis?.breaches.length ?? 0,
        breachKinds: [...new Set((analysis?.breaches ?? []).map((breach) => breach.kind))],
        predictionDrifted: analysis?.predictionDrifted ?? false,
        dataQualityIncident: analysis?.dataQualityIncident ?? false,
        headline: analysis?.headline ?? null,
        modelVersions: prepared.modelVersions,
      }),
    },
  ]);
  if (analysis !== undefined) {
    await deps.metricsSink.publish(
      analysis.metrics
        .filter((metric) => metric.value !== null && Number.isFinite(metric.value))
        .map((metric) => ({ model, subject: `${metric.group}:${metric.subject}`, metric: metric.metric, value: metric.value as number, timestamp: window.end })),
    );
  }
}
