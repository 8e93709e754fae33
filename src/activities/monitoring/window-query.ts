// What the monitoring steps of one window share: the window they are about, and the query input
// (contract, source tables, sampling, dialect) the SQL builders take.
import type { ModelConfig } from '../../config/schema.js';
import type { TimeWindow } from '../../domain/monitoring/types.js';
import { dialectFor } from '../../domain/sql/dialect.js';
import type { MonitoringQueryInput } from '../../domain/sql/monitoring-queries.js';
import type { ActivityDeps } from '../shared/activity-deps.js';
import { modelOf } from '../shared/model-of.js';

export interface WindowRef {
  model: string;
  window: TimeWindow;
  runId: string;
}

export async function windowQueryInput(deps: ActivityDeps, model: string, window: TimeWindow): Promise<{ config: ModelConfig; input: MonitoringQueryInput }> {
  const { config, contract } = modelOf(deps, model);
  const tables = await deps.sources.tablesFor(contract);
  return { config, input: { contract, tables, window, sampleRate: config.monitoring.sampleRate, dialect: dialectFor(deps.warehouse.dialect) } };
}
