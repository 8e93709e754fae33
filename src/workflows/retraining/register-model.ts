// Registers a model trained outside Vigil as an approved version, through the worker that owns
// the registry (one writer), and audits who did it.
import { upsertSearchAttributes, workflowInfo, proxyActivities } from '@temporalio/workflow';
import type { RetrainingActivities } from '../../activities/retraining/index.js';
import type { RunAuditActivities } from '../../activities/shared/audit-activities.js';
import type { RegisteredVersion } from '../../domain/retraining/registered-version.js';
import { stepRetry } from '../shared/activity-retry.js';
import { modelIdKey, workflowKindKey } from '../shared/search-attributes.js';

export interface RegisterModelInput {
  model: string;
  version: string;
  artifactUri?: string;
  by: string;
  reason: string;
}

const steps = proxyActivities<Pick<RetrainingActivities, 'registerExternalModel'> & Pick<RunAuditActivities, 'auditRetraining'>>({
  startToCloseTimeout: '2 minutes',
  retry: stepRetry,
});

export async function registerModelWorkflow(input: RegisterModelInput): Promise<RegisteredVersion> {
  upsertSearchAttributes([
    { key: modelIdKey, value: input.model },
    { key: workflowKindKey, value: 'register-model' },
  ]);
  const { workflowId, runId } = workflowInfo();
  const registered = await steps.registerExternalModel({ ...input, workflowId });
  await steps.auditRetraining({
    model: input.model,
    workflowId,
    runId,
    action: 'model.registered',
    actor: input.by,
    detail: { version: input.version, artifactUri: input.artifactUri ?? null, reason: input.reason },
  });
  return registered;
}
