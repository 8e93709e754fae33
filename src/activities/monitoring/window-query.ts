// What the monitoring steps of one window share: the window they are about, and the query input
// (contract, source tables, sampling, dialect) the SQL builders take.
import type { ModelConfig, MonitoringConfig } from '../../config/schema.js';
import type { TimeWindow } from '../../domain/monitoring/types.js';
import { dialectFor } from '../../domain/sql/dialect.js';
import type { MonitoringQueryInput } from '../../domain/sql/monitoring-queries.js';
import type { ActivityDeps } from '../shared/activity-deps.js';
import { modelOf } from '../shared/model-of.js';
import { facetName } from '../../domain/monitoring/policy.js';
import { windowEndingAt } from '../../domain/monitoring/windows.js';
import { stagingSpan } from './collect-aggregates.js';

export interface WindowRef {
  model: string;
  window: TimeWindow;
  runId: string;
}

/** Under this key prepareWindow keeps the window's staged rows for the analysis of the same run. */
export function keptWindowKey({ model, window, runId }: WindowRef): string {
  return `${model} ${window.start} ${window.end} ${runId}`;
}

/**
 * The facets an analysis measures, the (longer) window it measures them over, and the span of
 * production rows it stages: the window and the facet window together.
 */
export function analysisWindows(monitoring: MonitoringConfig, window: TimeWindow): { facets: string[]; facetWindow: TimeWindow; span: TimeWindow } {
  const facets = monitoring.facets.map((facet) => facetName(facet));
  const facetWindow = windowEndingAt(Date.parse(window.end), Math.max(monitoring.facetWindowDays, monitoring.windowDays));
  return { facets, facetWindow, span: stagingSpan(window, facetWindow, facets) };
}

export async function windowQueryInput(deps: ActivityDeps, model: string, window: TimeWindow): Promise<{ config: ModelConfig; input: MonitoringQueryInput }> {
  const { config, contract } = modelOf(deps, model);
  const tables = await deps.sources.tablesFor(contract);
  return { config, input: { contract, tables, window, sampleRate: config.monitoring.sampleRate, dialect: dialectFor(deps.warehouse.dialect) } };
}
