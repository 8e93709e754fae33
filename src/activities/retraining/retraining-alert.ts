// A retraining run's one-off alerts (training failed, gate failed, approval expired): one incident per run.
import type { Severity } from '../../domain/alerts/alert.js';
import type { ActivityDeps } from '../shared/activity-deps.js';
import { alertRun } from '../shared/run-events.js';

export function createRetrainingAlertActivities(deps: ActivityDeps) {
  return {
    async alertRetraining(args: { model: string; workflowId: string; runId: string; severity: Severity; title: string; text: string }): Promise<void> {
      await alertRun(deps, { ...args, incidentKey: `${args.model}:retraining:${args.runId}` });
    },
  };
}
