// What a deploy leaves behind: its row in the deployments table, its audit events and its alerts.
import type { Severity } from '../../domain/alerts/alert.js';
import type { ActivityDeps } from '../shared/activity-deps.js';
import { clockOf } from '../shared/clock.js';
import { alertRun, recordRunAudit } from '../shared/run-events.js';

export function createDeployRecordActivities(deps: ActivityDeps) {
  const now = clockOf(deps);
  return {
    async recordDeployment(args: {
      model: string;
      version: string;
      endpoint: string;
      stage: string;
      status: string;
      previousVersion?: string | undefined;
      workflowId: string;
      runId: string;
    }): Promise<void> {
      const id = `${args.workflowId}:${args.stage}:${args.status}`;
      await deps.warehouse.replaceRows('deployments', { id }, [
        {
          id,
          at: now().toISOString(),
          model_version: args.version,
          endpoint: args.endpoint,
          stage: args.stage,
          action: 'deploy',
          status: args.status,
          previous_version: args.previousVersion ?? null,
          workflow_id: args.workflowId,
          run_id: args.runId,
          detail: null,
          model: args.model,
        },
      ]);
    },

    async auditDeploy(args: { model: string; version: string; workflowId: string; runId: string; action: string; actor: string; detail: Record<string, unknown> }): Promise<void> {
      const { version, ...event } = args;
      await recordRunAudit(deps, now, { ...event, detail: { version, ...args.detail } });
    },

    async alertDeploy(args: { model: string; version: string; workflowId: string; runId: string; severity: Severity; title: string; text: string }): Promise<void> {
      await alertRun(deps, { ...args, incidentKey: `${args.model}:deploy:${args.version}` });
    },
  };
}
