// Prepares a window: quarantines the rows that break the contract and counts what is left.
import { log } from '@temporalio/activity';
import type { PreparedWindow } from '../../domain/monitoring/types.js';
import { windowLabel } from '../../domain/monitoring/windows.js';
import { decodeWindowSummary, quarantineSql, windowSummarySql } from '../../domain/sql/monitoring-queries.js';
import { decodeModelVersions, modelVersionsSql } from '../../domain/sql/model-versions.js';
import { heartbeat } from '../shared/activity-context.js';
import { classified } from '../shared/activity-errors.js';
import type { ActivityDeps } from '../shared/activity-deps.js';
import { clockOf } from '../shared/clock.js';
import { windowQueryInput, type WindowRef } from './window-query.js';

export function createPrepareWindowActivities(deps: ActivityDeps) {
  const now = clockOf(deps);
  return {
    /** Checks the sources, quarantines rows that break the contract, counts what is left. */
    async prepareWindow({ model, window }: WindowRef): Promise<PreparedWindow> {
      return classified(`prepare ${model} ${windowLabel(window)}`, async () => {
        const { input } = await windowQueryInput(deps, model, window);
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
  };
}
