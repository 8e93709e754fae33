// Prepares a window: quarantines the rows that break the contract and counts what is left.
import { log } from '@temporalio/activity';
import type { PreparedWindow } from '../../domain/monitoring/types.js';
import { windowLabel } from '../../domain/monitoring/windows.js';
import { heartbeat } from '../shared/activity-context.js';
import { classified } from '../shared/activity-errors.js';
import type { ActivityDeps } from '../shared/activity-deps.js';
import { clockOf } from '../shared/clock.js';
import { scannedField } from '../shared/bytes-scanned.js';
import { prepareInWarehouse } from './prepare-queries.js';
import { analysisWindows, keptWindowKey, windowQueryInput, type WindowRef } from './window-query.js';

export function createPrepareWindowActivities(deps: ActivityDeps) {
  const now = clockOf(deps);
  return {
    /** Checks the sources, quarantines rows that break the contract, counts what is left. */
    /** `relabel`: a re-evaluation, which takes the counts of rows this worker prepared before unchanged. */
    async prepareWindow(ref: WindowRef & { relabel?: boolean }): Promise<PreparedWindow> {
      const { model, window } = ref;
      return classified(`prepare ${model} ${windowLabel(window)}`, async () => {
        const { config, input } = await windowQueryInput(deps, model, window);
        const { summary, modelVersions: versions, bytesScanned } = await prepareInWarehouse(deps.warehouse, input, {
          quarantinedAt: now().toISOString(),
          onStep: (step) => heartbeat({ step }),
          onProgress: (step) => heartbeat({ step }),
          // Staged over the analysis's span and kept, so the analysis need not convert the rows again.
          span: analysisWindows(config.monitoring, window).span,
          keepWindowAs: keptWindowKey(ref),
          reuseUnchangedRows: ref.relabel === true,
        });
        if (summary.invalidRows > 0) log.info('rows quarantined', { model, window: windowLabel(window), rows: summary.invalidRows });
        return {
          rows: summary.totalRows,
          quarantined: summary.invalidRows,
          missingPredictions: summary.missingPredictionRows,
          modelVersions: versions,
          ...scannedField(bytesScanned),
        };
      });
    },
  };
}
