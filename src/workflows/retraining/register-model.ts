// Registers a model trained outside Vigil as an approved version, through the worker that owns
// the registry (one writer), and audits who did it.
import { upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { RegisteredVersion } from '../../domain/retraining/registered-version.js';
import { modelIdKey, workflowKindKey } from '../shared/search-attributes.js';
import { registryEditSteps } from './activities.js';

export interface RegisterModelInput {
  model: string;
  version: string;
  artifactUri?: string;
  by: string;
  reason: string;
}

const steps = registryEditSteps;

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
