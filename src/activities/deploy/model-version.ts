// Creates the deployable model version on the host, tagged with the deploy that made it.
import { deploymentTags } from '../../domain/deploy/names.js';
import { classified } from '../shared/activity-errors.js';
import type { ActivityDeps } from '../shared/activity-deps.js';

export function createModelVersionActivities(deps: ActivityDeps) {
  return {
    async createModelVersion({ model, version, artifactUri, workflowId }: { model: string; version: string; artifactUri: string; workflowId: string }): Promise<void> {
      return classified(`create ${model}/${version}`, () =>
        deps.modelHost.createModelVersion({ model, version, artifactUri }, deploymentTags({ model, version, env: 'all', workflowId })),
      );
    },
  };
}
