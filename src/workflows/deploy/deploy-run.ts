// One deploy as its steps share it: what is deployed, the stage it is in (answered to the stage
// query, audited on entry), and how it stops short.
import { setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { DeployStage } from '../../domain/deploy/types.js';
import { stageKey } from '../shared/search-attributes.js';
import { steps } from './activities.js';
import { deployStageQuery, type DeployInput } from './messages.js';

export interface DeploymentRecord {
  endpoint: string;
  stage: string;
  status: string;
  previousVersion?: string | undefined;
}

export interface DeployRun {
  readonly model: string;
  readonly version: string;
  readonly artifactUri: string;
  readonly workflowId: string;
  readonly runId: string;
  enter(next: DeployStage, detail?: Record<string, unknown>): Promise<void>;
  /** Pages on-call first, then records where the deploy stopped. */
  stopShort(alert: { title: string; text: string }, record: DeploymentRecord): Promise<void>;
}

export function deployRun(input: DeployInput): DeployRun {
  const { model, version, artifactUri } = input;
  const { workflowId, runId } = workflowInfo();
  let stage: DeployStage = 'creating';
  setHandler(deployStageQuery, () => stage);
  return {
    model,
    version,
    artifactUri,
    workflowId,
    runId,
    async enter(next, detail = {}) {
      stage = next;
      upsertSearchAttributes([{ key: stageKey, value: `deploy:${next}` }]);
      await steps.auditDeploy({ model, version, workflowId, runId, action: `deploy.${next}`, actor: input.requestedBy, detail });
    },
    async stopShort(alert, record) {
      await steps.alertDeploy({ model, version, workflowId, runId, severity: 'critical', ...alert });
      await steps.recordDeployment({ model, version, ...record, workflowId, runId });
    },
  };
}
