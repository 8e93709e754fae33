// Where a model deploys (its configured endpoints) and what an endpoint serves now.
import type { ModelConfig } from '../../config/schema.js';
import type { ActivityDeps } from '../shared/activity-deps.js';
import { modelOf } from '../shared/model-of.js';
import { classified } from '../shared/activity-errors.js';
import { clockOf } from '../shared/clock.js';

export function createTargetActivities(deps: ActivityDeps) {
  return {
    deployTargets({ model }: { model: string }): Promise<{ endpoints: ModelConfig['endpoints']; staging: ModelConfig['retention']['staging'] }> {
      const { config } = modelOf(deps, model);
      return Promise.resolve({ endpoints: config.endpoints, staging: config.retention.staging });
    },

    /** Deletes the staging endpoint after a deploy reached production, and audits it. */
    async retireStaging({ model, endpoint, version, workflowId, runId }: { model: string; endpoint: string; version: string; workflowId: string; runId: string }): Promise<void> {
      await classified(`delete staging endpoint ${endpoint}`, () => deps.modelHost.deleteEndpoint(endpoint));
      await deps.audit.record({
        id: `${workflowId}:${runId}:staging-retired`,
        at: clockOf(deps)().toISOString(),
        actor: 'vigil-deploy',
        action: 'deploy.staging-retired',
        model,
        detail: { endpoint, version, reason: 'production serves the version; retention.staging is delete' },
        workflowId,
        runId,
      });
    },

    async describeEndpointVersion({ endpoint }: { endpoint: string }): Promise<{ currentVersion?: string }> {
      const description = await deps.modelHost.describeEndpoint(endpoint);
      return description?.currentVersion === undefined ? {} : { currentVersion: description.currentVersion };
    },
  };
}
