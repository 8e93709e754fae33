// One retraining run as its steps share it: what it is about, its status (what the status query
// answers), and the stage, audit and alert every step records the same way.
import { upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { Severity } from '../../domain/alerts/alert.js';
import { modelIdKey, stageKey, workflowKindKey } from '../shared/search-attributes.js';
import { steps } from './activities.js';
import type { RetrainingInput, RetrainingStage, RetrainingStatus } from './messages.js';

export interface RetrainingRun {
  readonly model: string;
  readonly reason: string;
  readonly workflowId: string;
  readonly runId: string;
  readonly status: RetrainingStatus;
  enter(stage: RetrainingStage): void;
  audit(action: string, detail: Record<string, unknown>, actor?: string): Promise<void>;
  alert(severity: Severity, title: string, text: string): Promise<void>;
}

export function retrainingRun(input: RetrainingInput): RetrainingRun {
  const { model } = input;
  const { workflowId, runId } = workflowInfo();
  const requestedBy = input.requestedBy ?? 'vigil';
  const status: RetrainingStatus = { stage: 'planning' };
  return {
    model,
    reason: input.reason,
    workflowId,
    runId,
    status,
    enter(stage) {
      status.stage = stage;
      upsertSearchAttributes([{ key: stageKey, value: `retrain:${stage}` }]);
    },
    audit: (action, detail, actor = requestedBy) => steps.auditRetraining({ model, workflowId, runId, action, actor, detail }),
    alert: (severity, title, text) => steps.alertRetraining({ model, workflowId, runId, severity, title, text }),
  };
}

/** Tags the run so the Temporal UI can filter retrainings by model. */
export function tagRun(run: RetrainingRun): void {
  upsertSearchAttributes([
    { key: modelIdKey, value: run.model },
    { key: workflowKindKey, value: 'retraining' },
  ]);
}
