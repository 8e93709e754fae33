// Registers a model trained outside Vigil (the one serving before Vigil watched it) as an approved
// version: retraining then names its candidates after it and compares them with it at the gate.
import { deploymentTags } from '../../domain/deploy/names.js';
import { NonRetryableError } from '../../domain/errors.js';
import type { RegisteredVersion } from '../../domain/retraining/registered-version.js';
import { classified } from '../shared/activity-errors.js';
import type { ActivityDeps } from '../shared/activity-deps.js';
import { clockOf } from '../shared/clock.js';
import { modelOf } from '../shared/model-of.js';

export interface ExternalModel {
  model: string;
  version: string;
  /** Its artifact (a local model.json, or an S3 model on AWS); without one, only its logged predictions judge it. */
  artifactUri?: string;
  by: string;
  reason: string;
  workflowId: string;
}

export function createExternalModelActivities(deps: ActivityDeps) {
  const now = clockOf(deps);
  return {
    async registerExternalModel(args: ExternalModel): Promise<RegisteredVersion> {
      const { model, version, workflowId } = args;
      return classified(`register ${model}/${version}`, async () => {
        const { contractIdentity } = modelOf(deps, model);
        const existing = await deps.registry.get(model, version);
        // The same registration again (a retry, the same command twice) is the same workflow.
        if (existing !== undefined && existing.origin.workflowId !== workflowId) {
          throw new NonRetryableError(
            `${model} already has a version ${version} (${existing.status}, registered ${existing.registeredAt} for "${existing.origin.reason}"): register the external model under another name`,
            'ALREADY_EXISTS',
          );
        }
        if (args.artifactUri !== undefined) {
          // Checks the artifact (model and version it names) and makes it deployable, e.g. for a rollback.
          await deps.modelHost.createModelVersion({ model, version, artifactUri: args.artifactUri }, deploymentTags({ model, version, env: 'all', workflowId }));
        }
        await deps.registry.register({
          model,
          version,
          artifactUri: args.artifactUri ?? '',
          metrics: {},
          origin: { reason: args.reason, workflowId },
          contract: contractIdentity,
          reference: { kind: 'baseline', version },
          registeredAt: now().toISOString(),
        });
        return deps.registry.setStatus(model, version, 'Approved', args.by, args.reason);
      });
    },
  };
}
