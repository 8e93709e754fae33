// A window's preparation in the warehouse: its rows that break the contract replace the window's
// quarantine, then the counts and the model versions that served it, all over one staging, which
// the analysis of the same run may take over.
import { decodeModelVersions, modelVersionsSql } from '../../domain/sql/model-versions.js';
import { decodeWindowSummary, quarantineSql, windowSummarySql, type MonitoringQueryInput, type WindowSummary } from '../../domain/sql/monitoring-queries.js';
import type { Warehouse } from '../../ports/warehouse.js';
import { addScanned, scannedField } from '../shared/bytes-scanned.js';
import { type StagingPlan, withStagedSources } from './staged-sources.js';
import { decodeStagedFingerprint, stagedFingerprintSql } from '../../domain/sql/staged-fingerprint.js';
import { stagedWindowSql } from '../../domain/sql/staging.js';
import { keptPreparedCounts, keptResultsKey } from './row-aggregates-cache.js';

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
  options: { quarantinedAt: string; reuseUnchangedRows?: boolean } & Pick<StagingPlan, 'onStep' | 'onProgress' | 'span' | 'keepWindowAs'>,
): Promise<PreparedCounts> {
  // `span` and `keepWindowAs`: stage the analysis's whole span and keep it for the analysis (see staged-sources.ts).
  const { quarantinedAt, reuseUnchangedRows, ...given } = options;
  let stagingBytes: number | undefined;
  const plan: StagingPlan = { ...given, onScanned: (bytes) => (stagingBytes = (stagingBytes ?? 0) + bytes) };
  return withStagedSources(warehouse, input, plan, async (staged) => {
    const step = (name: string): { label: string; onProgress: () => void } => {
      options.onStep?.(name);
      return { label: name, onProgress: () => options.onProgress?.(name) };
    };
    // A re-evaluation of rows this worker prepared before: their quarantine and counts stand.
    let reuseKey: string | undefined;
    let fingerprintBytes: number | undefined;
    if (reuseUnchangedRows === true && staged.staged?.windowSource !== undefined) {
      const windowStaging = stagedWindowSql(input, plan.span ?? input.window);
      const built = stagedFingerprintSql(staged, { window: windowStaging.columns });
      const fingerprint = await warehouse.query(built.sql, step(built.label));
      fingerprintBytes = addScanned(stagingBytes, fingerprint);
      reuseKey = keptResultsKey(input, { windowStagingSql: windowStaging.sql }, decodeStagedFingerprint(fingerprint.rows));
      const kept = keptPreparedCounts(warehouse).take(reuseKey);
      if (kept !== undefined) return { ...kept, ...scannedField(fingerprintBytes) };
    }
    const statements = quarantineSql(staged, { quarantinedAt });
    const quarantined = await warehouse.replaceFromQuery('quarantine', statements.key, statements.select.sql, { ...step('quarantine'), label: statements.select.label });
    const summarised = await warehouse.query(windowSummarySql(staged).sql, step('summary'));
    const versions = await warehouse.query(modelVersionsSql(staged).sql, step('model-versions'));
    const bytesScanned = [quarantined, summarised, versions].reduce<number | undefined>(addScanned, reuseKey === undefined ? stagingBytes : fingerprintBytes);
    const counts = { summary: decodeWindowSummary(summarised.rows), modelVersions: decodeModelVersions(versions.rows) };
    if (reuseKey !== undefined) keptPreparedCounts(warehouse).keep(reuseKey, counts);
    return { ...counts, ...scannedField(bytesScanned) };
  });
}
