// Where a model deploys (its configured endpoints) and what an endpoint serves now.
import type { ModelConfig } from '../../config/schema.js';
import type { ActivityDeps } from '../shared/activity-deps.js';
import { modelOf } from '../shared/model-of.js';
import { classified } from '../shared/activity-errors.js';
import { clockOf } from '../shared/clock.js';
import { heartbeat } from '../shared/activity-context.js';

export function createTargetActivities(deps: ActivityDeps) {
  return {
    deployTargets({ model }: { model: string }): Promise<{ endpoints: ModelConfig['endpoints']; staging: ModelConfig['retention']['staging'] }> {
      const { config } = modelOf(deps, model);
      return Promise.resolve({ endpoints: config.endpoints, staging: config.retention.staging });
    },

    /**
     * Deletes the staging endpoint after a deploy reached production, and audits it. An endpoint
     * another deploy has taken since (another version, or an update under way) is left to it.
     */
    async retireStaging({ model, endpoint, version, workflowId, runId }: { model: string; endpoint: string; version: string; workflowId: string; runId: string }): Promise<{ retired: boolean; reason?: string }> {
      return classified(`delete staging endpoint ${endpoint}`, async () => {
        const described = await deps.modelHost.describeEndpoint(endpoint);
        const busy = described !== undefined && (described.currentVersion !== version || !['InService', 'Deleting'].includes(described.status));
        const audit = (action: string, detail: Record<string, unknown>): Promise<void> =>
          deps.audit.record({ id: `${workflowId}:${runId}:${action}`, at: clockOf(deps)().toISOString(), actor: 'vigil-deploy', action, model, detail: { endpoint, version, ...detail }, workflowId, runId });
        if (busy) {
          const reason = `${endpoint} is ${described.status} on ${described.currentVersion ?? 'no version'} now: another deploy has it`;
          await audit('deploy.staging-kept', { reason });
          return { retired: false, reason };
        }
        // SageMaker deletes in the background: heartbeat while the adapter waits for it.
        const beat = setInterval(() => heartbeat({ deleting: endpoint }), 20_000);
        try {
          await deps.modelHost.deleteEndpoint(endpoint);
        } finally {
          clearInterval(beat);
        }
        await audit('deploy.staging-retired', { reason: 'production serves the version; retention.staging is delete' });
        return { retired: true };
      });
    },

    async describeEndpointVersion({ endpoint }: { endpoint: string }): Promise<{ currentVersion?: string }> {
      const description = await deps.modelHost.describeEndpoint(endpoint);
      return description?.currentVersion === undefined ? {} : { currentVersion: description.currentVersion };
    },
  };
}
