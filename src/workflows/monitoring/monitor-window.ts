// Monitors one model over one window: quarantine what breaks the contract, score rows the log has
// no prediction for, compute drift / performance / bias in the warehouse, write the results back,
// alert on breaches. One workflow id per (model, window): a rerun replaces that window's results.
import { defineQuery, log, patched, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { Breach, MonitorWindowResult, PreparedWindow, TimeWindow, WindowAnalysis } from '../../domain/monitoring/types.js';
import { modelIdKey, stageKey, workflowKindKey } from '../shared/search-attributes.js';
import { windowLongSteps as long, windowSteps as quick } from './activities.js';

export interface MonitorWindowInput {
  model: string;
  window: TimeWindow;
  /** Labels that arrived up to this time are used; defaults to the workflow's start time. */
  asOf?: string;
  /** Re-evaluations of older windows alert only on what changes with labels (performance). */
  purpose?: 'scheduled' | 'manual' | 'backfill' | 'relabel';
  /**
   * Who raises the window's breach alerts: the window itself (the default), or its caller, which
   * gets them back in `alertable` (a daily run raises its windows' alerts in order once all ran).
   */
  alerts?: 'raise' | 'return';
}

export type MonitorStage = 'preparing' | 'scoring' | 'analysing' | 'recording' | 'alerting' | 'done';
export const monitorStageQuery = defineQuery<MonitorStage>('stage');

export async function monitorWindowWorkflow(input: MonitorWindowInput): Promise<MonitorWindowResult> {
  const { model, window } = input;
  const info = workflowInfo();
  const asOf = input.asOf ?? new Date(Date.now()).toISOString();
  const runId = info.runId;
  let stage: MonitorStage = 'preparing';
  setHandler(monitorStageQuery, () => stage);
  const enter = (next: MonitorStage): void => {
    stage = next;
    upsertSearchAttributes([{ key: stageKey, value: `monitor:${next}` }]);
  };
  upsertSearchAttributes([
    { key: modelIdKey, value: model },
    { key: workflowKindKey, value: 'monitoring' },
  ]);
  enter('preparing');

  const startedAt = asOf;
  // A re-evaluation may take what an earlier one computed over the same rows (only labels change).
  const relabel = input.purpose === 'relabel' ? { relabel: true } : {};
  const prepared = await long.prepareWindow({ model, window, runId, ...relabel });
  if (prepared.rows - prepared.quarantined <= 0) {
    enter('recording');
    await quick.recordNoData({ model, window, runId, asOf, prepared, startedAt });
    // An empty older window re-evaluated for labels is not news; an empty current window is.
    if (input.purpose !== 'relabel') {
      enter('alerting');
      await quick.alertNoData({ model, window, runId, workflowId: info.workflowId, prepared });
    }
    enter('done');
    log.warn('window has no valid rows', { model, window });
    return { model, window, runId, asOf, status: 'no_data', rows: prepared.rows, quarantined: prepared.quarantined, scored: 0, modelVersions: prepared.modelVersions, analysis: null };
  }

  let scored = 0;
  if (prepared.missingPredictions > 0) {
    enter('scoring');
    scored = (await long.scoreMissingPredictions({ model, window, runId })).scored;
  }

  enter('analysing');
  const summary = await analyseAndRecord({ model, window, runId, asOf, startedAt, prepared, ...relabel }, enter);

  const alertable = input.purpose === 'relabel' ? summary.breaches.filter((breach: Breach) => breach.kind === 'performance') : summary.breaches;
  const result: MonitorWindowResult = { model, window, runId, asOf, status: 'ok', rows: prepared.rows, quarantined: prepared.quarantined, scored, modelVersions: prepared.modelVersions, analysis: summary };
  if (input.alerts === 'return') {
    enter('done');
    return { ...result, alertable };
  }
  enter('alerting');
  await quick.raiseAlerts({ model, window, runId, workflowId: info.workflowId, breaches: alertable });

  enter('done');
  return result;
}

/** Marks runs whose analysis step records the window itself (see analyseAndRecord). */
const analysisRecordsWindowPatch = 'analysis-records-window';

/**
 * The window's analysis, recorded in the warehouse; what comes back is its summary, without the
 * metric rows (they grow with the features and would travel through the history twice).
 */
async function analyseAndRecord(
  args: { model: string; window: TimeWindow; runId: string; asOf: string; startedAt: string; prepared: PreparedWindow; relabel?: boolean },
  enter: (next: MonitorStage) => void,
): Promise<Omit<WindowAnalysis, 'metrics'>> {
  if (patched(analysisRecordsWindowPatch)) return long.analyzeAndRecordWindow(args);
  // Runs begun before: the whole analysis came back and a step of its own recorded it.
  const { model, window, runId, asOf } = args;
  const analysis = await long.analyzeWindow({ model, window, asOf, runId });
  enter('recording');
  await quick.recordResults({ ...args, analysis });
  const { metrics: _metrics, ...summary } = analysis;
  return summary;
}
