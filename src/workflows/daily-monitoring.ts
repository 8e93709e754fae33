// The scheduled entry point: monitors the newest complete window of a model, then re-evaluates the
// previous windows whose delayed labels may have arrived since. Each window is its own child
// workflow with a stable id, so a re-evaluation replaces that window's results.
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import {
  executeChild,
  proxyActivities,
  ParentClosePolicy,
  upsertSearchAttributes,
  workflowInfo,
  WorkflowIdReusePolicy,
} from '@temporalio/workflow';
import type { createActivities } from '../activities/index.js';
import type { MonitorWindowResult } from '../domain/monitoring/types.js';
import { monitorWindowWorkflow } from './monitor-window.js';
import { monitorWindowWorkflowId } from './workflow-ids.js';
import { modelIdKey, workflowKindKey } from './search-attributes.js';

export interface DailyMonitoringInput {
  model: string;
  /** The moment the run stands for; defaults to the schedule's nominal time, else now. */
  at?: string;
}

export interface DailyMonitoringResult {
  current: MonitorWindowResult;
  relabelled: MonitorWindowResult[];
}

// Set by Temporal on runs started by a Schedule.
const scheduledStartTimeKey = defineSearchAttributeKey('TemporalScheduledStartTime', SearchAttributeType.DATETIME);

const { planMonitoringWindows } = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '1 minute',
  retry: { maximumAttempts: 3 },
});

export async function dailyMonitoringWorkflow(input: DailyMonitoringInput): Promise<DailyMonitoringResult> {
  upsertSearchAttributes([
    { key: modelIdKey, value: input.model },
    { key: workflowKindKey, value: 'daily-monitoring' },
  ]);
  const scheduled = workflowInfo().typedSearchAttributes.get(scheduledStartTimeKey);
  const at = input.at ?? (scheduled ?? new Date(Date.now())).toISOString();
  const plan = await planMonitoringWindows({ model: input.model, at });

  const runChild = (window: (typeof plan.relabel)[number], purpose: 'scheduled' | 'relabel') =>
    executeChild(monitorWindowWorkflow, {
      workflowId: monitorWindowWorkflowId(input.model, window),
      args: [{ model: input.model, window, asOf: at, purpose }],
      workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
      parentClosePolicy: ParentClosePolicy.ABANDON,
    });

  const current = await runChild(plan.current, 'scheduled');
  const relabelled: MonitorWindowResult[] = [];
  for (const window of plan.relabel) relabelled.push(await runChild(window, 'relabel'));
  return { current, relabelled };
}
