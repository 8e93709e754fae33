// The scheduled entry point: monitors the newest complete window of a model, and re-evaluates the
// previous windows whose delayed labels may have arrived since. Each window is its own child
// workflow with a stable id, so a re-evaluation replaces that window's results. The windows run
// side by side; their alerts are raised afterwards, newest window first, as when they ran in turn.
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import {
  executeChild,
  startChild,
  ParentClosePolicy,
  patched,
  upsertSearchAttributes,
  workflowInfo,
  WorkflowIdReusePolicy,
} from '@temporalio/workflow';
import type { MonitorWindowResult } from '../../domain/monitoring/types.js';
import { monitorWindowWorkflow } from './monitor-window.js';
import { retrainingWorkflow } from '../retraining/retraining.js';
import { monitorWindowWorkflowId, retrainingWorkflowId } from '../shared/workflow-ids.js';
import { modelIdKey, scheduledStartTimeKey, workflowKindKey } from '../shared/search-attributes.js';
import { dailySteps, windowSteps } from './activities.js';

export interface DailyMonitoringInput {
  model: string;
  /** The moment the run stands for; defaults to the schedule's nominal time, else now. */
  at?: string;
}

export interface DailyMonitoringResult {
  current: MonitorWindowResult;
  relabelled: MonitorWindowResult[];
  retraining: { triggered: boolean; reason: string; workflowId?: string; joined?: boolean };
}

const { planMonitoringWindows, evaluateRetrainTrigger, auditRetraining } = dailySteps;

/** Marks runs whose windows run side by side (see dailyMonitoringWorkflow). */
const windowsSideBySidePatch = 'windows-side-by-side';

export async function dailyMonitoringWorkflow(input: DailyMonitoringInput): Promise<DailyMonitoringResult> {
  upsertSearchAttributes([
    { key: modelIdKey, value: input.model },
    { key: workflowKindKey, value: 'daily-monitoring' },
  ]);
  const scheduled = workflowInfo().typedSearchAttributes.get(scheduledStartTimeKey);
  const at = input.at ?? (scheduled ?? new Date(Date.now())).toISOString();
  const plan = await planMonitoringWindows({ model: input.model, at });

  const runChild = (window: (typeof plan.relabel)[number], purpose: 'scheduled' | 'relabel', alerts: 'raise' | 'return' = 'raise') =>
    executeChild(monitorWindowWorkflow, {
      workflowId: monitorWindowWorkflowId(input.model, window),
      args: [{ model: input.model, window, asOf: at, purpose, ...(alerts === 'return' ? { alerts } : {}) }],
      workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
      parentClosePolicy: ParentClosePolicy.ABANDON,
    });

  let current: MonitorWindowResult;
  let relabelled: MonitorWindowResult[];
  if (patched(windowsSideBySidePatch)) {
    // Incidents open, update and close by window order, so the alerts wait for every window.
    [current, ...relabelled] = await Promise.all([runChild(plan.current, 'scheduled', 'return'), ...plan.relabel.map((window) => runChild(window, 'relabel', 'return'))]);
    for (const result of [current, ...relabelled]) {
      if (result.alertable === undefined) continue;
      const workflowId = monitorWindowWorkflowId(input.model, result.window);
      await windowSteps.raiseAlerts({ model: input.model, window: result.window, runId: result.runId, workflowId, breaches: result.alertable });
    }
  } else {
    // Runs begun before: one window after the other, each raising its own alerts.
    current = await runChild(plan.current, 'scheduled');
    relabelled = [];
    for (const window of plan.relabel) relabelled.push(await runChild(window, 'relabel'));
  }

  // Persistent drift starts a retraining (K of N windows, cooldown, not on broken data).
  const decision = await evaluateRetrainTrigger({ model: input.model, at });
  if (!decision.trigger) return { current, relabelled, retraining: { triggered: false, reason: decision.reason } };
  const retrainingId = retrainingWorkflowId(input.model);
  const { workflowId, runId } = workflowInfo();
  await auditRetraining({
    model: input.model,
    workflowId,
    runId,
    action: 'retraining.triggered',
    actor: 'vigil-monitoring',
    detail: { reason: decision.reason, windows: decision.breachedWindows, retrainingWorkflowId: retrainingId, nominalAt: at },
  });
  try {
    await startChild(retrainingWorkflow, {
      workflowId: retrainingId,
      args: [
        {
          model: input.model,
          reason: patched('retraining-reason-names-breach-kinds') ? decision.reason : `drift: ${decision.reason}`,
          requestedBy: 'vigil-monitoring',
          at,
          ...(decision.breachSince === undefined ? {} : { breachSince: decision.breachSince }),
        },
      ],
      parentClosePolicy: ParentClosePolicy.ABANDON,
    });
    return { current, relabelled, retraining: { triggered: true, reason: decision.reason, workflowId: retrainingId, joined: false } };
  } catch (error) {
    // One retraining per model: a run already in progress is joined, not duplicated.
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    return { current, relabelled, retraining: { triggered: true, reason: decision.reason, workflowId: retrainingId, joined: true } };
  }
}
