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
  options: { quarantinedAt: string } & Pick<StagingPlan, 'onStep' | 'span' | 'keepWindowAs'>,
): Promise<PreparedCounts> {
  // `span` and `keepWindowAs`: stage the analysis's whole span and keep it for the analysis (see staged-sources.ts).
  const { quarantinedAt, ...plan } = options;
  return withStagedSources(warehouse, input, plan, async (staged) => {
    const statements = quarantineSql(staged, { quarantinedAt });
    options.onStep?.('quarantine');
    await warehouse.replaceFromQuery('quarantine', statements.key, statements.select.sql, { label: statements.select.label });
    options.onStep?.('summary');
    const summary = decodeWindowSummary((await warehouse.query(windowSummarySql(staged).sql, { label: 'summary' })).rows);
    options.onStep?.('model-versions');
    const modelVersions = decodeModelVersions((await warehouse.query(modelVersionsSql(staged).sql, { label: 'model-versions' })).rows);
    return { summary, modelVersions };
  });
}
