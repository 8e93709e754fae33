// Creates the deployable model version on the host, tagged with the deploy that made it. A version
// trained under a contract version the model's contract no longer reads is refused: it would be
// served features it was never trained on.
import { readableVersions } from '../../domain/contract/contract.js';
import { deploymentTags } from '../../domain/deploy/names.js';
import { NonRetryableError } from '../../domain/errors.js';
import { classified } from '../shared/activity-errors.js';
import type { ActivityDeps } from '../shared/activity-deps.js';
import { modelOf } from '../shared/model-of.js';

export function createModelVersionActivities(deps: ActivityDeps) {
  return {
    async createModelVersion({ model, version, artifactUri, workflowId }: { model: string; version: string; artifactUri: string; workflowId: string }): Promise<void> {
      return classified(`create ${model}/${version}`, async () => {
        const { contract } = modelOf(deps, model);
        const trainedUnder = (await deps.registry.get(model, version))?.contract;
        const readable = readableVersions(contract);
        if (trainedUnder !== undefined && !readable.includes(trainedUnder.featureSchemaVersion)) {
          throw new NonRetryableError(
            `${model} ${version} was trained under contract version ${trainedUnder.featureSchemaVersion}, which the model's contract (version ${contract.feature_schema_version}) does not read (it reads ${readable.join(', ')}): retrain it under the current contract`,
            'CONTRACT_MISMATCH',
          );
        }
        await deps.modelHost.createModelVersion({ model, version, artifactUri }, deploymentTags({ model, version, env: 'all', workflowId }));
      });
    },
  };
}
