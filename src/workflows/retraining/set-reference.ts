// Changes what a registered version's windows are compared against, through the worker that owns
// the registry (one writer), and audits who did it and why.
import { upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { ModelReference } from '../../domain/monitoring/reference.js';
import type { RegisteredVersion } from '../../domain/retraining/registered-version.js';
import { modelIdKey, workflowKindKey } from '../shared/search-attributes.js';
import { registryEditSteps } from './activities.js';

export interface SetReferenceInput {
  model: string;
  version: string;
  reference: ModelReference;
  by: string;
  reason: string;
}

const steps = registryEditSteps;

export async function setReferenceWorkflow(input: SetReferenceInput): Promise<RegisteredVersion> {
  upsertSearchAttributes([
    { key: modelIdKey, value: input.model },
    { key: workflowKindKey, value: 'set-reference' },
  ]);
  const { workflowId, runId } = workflowInfo();
  const updated = await steps.setVersionReference({ model: input.model, version: input.version, reference: input.reference });
  await steps.auditRetraining({
    model: input.model,
    workflowId,
    runId,
    action: 'reference.set',
    actor: input.by,
    detail: { version: input.version, reference: updated.reference ?? { kind: 'baseline' }, reason: input.reason },
  });
  return updated;
}
