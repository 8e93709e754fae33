// A window's preparation in the warehouse: its rows that break the contract replace the window's
// quarantine, then the counts and the model versions that served it, all over one staging, which
// the analysis of the same run may take over.
import { decodeModelVersions, modelVersionsSql } from '../../domain/sql/model-versions.js';
import { decodeWindowSummary, quarantineSql, windowSummarySql, type MonitoringQueryInput, type WindowSummary } from '../../domain/sql/monitoring-queries.js';
import type { Warehouse } from '../../ports/warehouse.js';
import { addScanned, scannedField } from '../shared/bytes-scanned.js';
import { type StagingPlan, withStagedSources } from './staged-sources.js';

export interface PreparedCounts {
  summary: WindowSummary;
  /** Versions that served the window, most rows first. */
  modelVersions: string[];
  /** Bytes the engine read for these queries, where it reports them (Athena). */
  bytesScanned?: number;
}

export async function prepareInWarehouse(
  warehouse: Warehouse,
  input: MonitoringQueryInput,
  options: { quarantinedAt: string } & Pick<StagingPlan, 'onStep' | 'onProgress' | 'span' | 'keepWindowAs'>,
): Promise<PreparedCounts> {
  // `span` and `keepWindowAs`: stage the analysis's whole span and keep it for the analysis (see staged-sources.ts).
  const { quarantinedAt, ...given } = options;
  let stagingBytes: number | undefined;
  const plan: StagingPlan = { ...given, onScanned: (bytes) => (stagingBytes = (stagingBytes ?? 0) + bytes) };
  return withStagedSources(warehouse, input, plan, async (staged) => {
    const statements = quarantineSql(staged, { quarantinedAt });
    const step = (name: string): { label: string; onProgress: () => void } => {
      options.onStep?.(name);
      return { label: name, onProgress: () => options.onProgress?.(name) };
    };
    const quarantined = await warehouse.replaceFromQuery('quarantine', statements.key, statements.select.sql, { ...step('quarantine'), label: statements.select.label });
    const summarised = await warehouse.query(windowSummarySql(staged).sql, step('summary'));
    const versions = await warehouse.query(modelVersionsSql(staged).sql, step('model-versions'));
    const bytesScanned = [quarantined, summarised, versions].reduce<number | undefined>(addScanned, stagingBytes);
    return { summary: decodeWindowSummary(summarised.rows), modelVersions: decodeModelVersions(versions.rows), ...scannedField(bytesScanned) };
  });
}
