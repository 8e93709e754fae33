// A window's preparation in the warehouse: its rows that break the contract replace the window's
// quarantine, then the counts and the model versions that served it, all over one staging, which
// the analysis of the same run may take over.
import { decodeModelVersions, modelVersionsSql } from '../../domain/sql/model-versions.js';
import { decodeWindowSummary, quarantineSql, windowSummarySql, type MonitoringQueryInput, type WindowSummary } from '../../domain/sql/monitoring-queries.js';
import type { Warehouse } from '../../ports/warehouse.js';
import { type StagingPlan, withStagedSources } from './staged-sources.js';

export interface PreparedCounts {
  summary: WindowSummary;
  /** Versions that served the window, most rows first. */
  modelVersions: string[];
}

export async function prepareInWarehouse(
  warehouse: Warehouse,
  input: MonitoringQueryInput,
  options: {
    quarantinedAt: string;
    onStep?: (step: string) => void;
    /** Rows to stage when they are kept for the analysis: the analysis's whole span. */
    span?: { start: string; end: string };
    /** Keep the staged rows under this key for the analysis (see staged-sources.ts). */
    keepWindowAs?: string;
  },
): Promise<PreparedCounts> {
  const plan: StagingPlan = {
    ...(options.onStep === undefined ? {} : { onStep: options.onStep }),
    ...(options.span === undefined ? {} : { span: options.span }),
    ...(options.keepWindowAs === undefined ? {} : { keepWindowAs: options.keepWindowAs }),
  };
  return withStagedSources(warehouse, input, plan, async (staged) => {
    const statements = quarantineSql(staged, { quarantinedAt: options.quarantinedAt });
    options.onStep?.('quarantine');
    await warehouse.replaceFromQuery('quarantine', statements.key, statements.select.sql, { label: statements.select.label });
    options.onStep?.('summary');
    const summary = decodeWindowSummary((await warehouse.query(windowSummarySql(staged).sql, { label: 'summary' })).rows);
    options.onStep?.('model-versions');
    const modelVersions = decodeModelVersions((await warehouse.query(modelVersionsSql(staged).sql, { label: 'model-versions' })).rows);
    return { summary, modelVersions };
  });
}
