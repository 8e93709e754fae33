// Where a model deploys (its configured endpoints) and what an endpoint serves now.
import type { ModelConfig } from '../../config/schema.js';
import type { ActivityDeps } from '../shared/activity-deps.js';
import { modelOf } from '../shared/model-of.js';

export function createTargetActivities(deps: ActivityDeps) {
  return {
    deployTargets({ model }: { model: string }): Promise<{ endpoints: ModelConfig['endpoints'] }> {
      return Promise.resolve({ endpoints: modelOf(deps, model).config.endpoints });
    },

    async describeEndpointVersion({ endpoint }: { endpoint: string }): Promise<{ currentVersion?: string }> {
      const description = await deps.modelHost.describeEndpoint(endpoint);
      return description?.currentVersion === undefined ? {} : { currentVersion: description.currentVersion };
    },
  };
}
