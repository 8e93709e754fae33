// Moves an endpoint to a version (a deploy) or back to the previous one (a rollback), and checks
// that the version serves afterwards. A move the platform reverted by itself comes back as a result.
import { deploymentTags } from '../../domain/deploy/names.js';
import type { EndpointMove } from '../../domain/deploy/types.js';
import { RetryableError } from '../../domain/errors.js';
import { heartbeat, heartbeatDetails } from '../shared/activity-context.js';
import { classified } from '../shared/activity-errors.js';
import type { ActivityDeps } from '../shared/activity-deps.js';
import { modelOf } from '../shared/model-of.js';

interface PointArgs {
  model: string;
  version: string;
  artifactUri: string;
  endpoint: string;
  workflowId: string;
}

/** The hosts resolve pointEndpoint once the version serves (they wait themselves): verify it once. */
async function checkServing(deps: ActivityDeps, endpoint: string, version: string): Promise<void> {
  const description = await deps.modelHost.describeEndpoint(endpoint);
  if (description?.status === 'InService' && description.currentVersion === version) return;
  throw new RetryableError(
    `endpoint ${endpoint} is ${description?.status ?? 'missing'} on ${description?.currentVersion ?? 'no version'} after moving to ${version}`,
    'NOT_SERVING',
  );
}

export function createEndpointMoveActivities(deps: ActivityDeps) {
  return {
    /**
     * Moves the endpoint to the version. When the platform rolls the update back on its own (an
     * alarm fired while the new fleet baked, or it could not start), that is an outcome for the
     * workflow, not a failure.
     */
    async pointEndpoint(args: PointArgs): Promise<EndpointMove> {
      return classified(`point ${args.endpoint} at ${args.model}/${args.version}`, async () => {
        const current = await deps.modelHost.describeEndpoint(args.endpoint);
        // Already there (a retry after the switch): nothing to do.
        if (current?.status === 'InService' && current.currentVersion === args.version) return { moved: true };
        const earlier = heartbeatDetails<{ issued?: { endpoint: string; version: string } }>()?.issued;
        if (earlier?.endpoint === args.endpoint && earlier.version === args.version && current?.status === 'InService' && current.lastFailure !== undefined) {
          // An earlier attempt issued this move and the platform has reverted it since (the worker
          // was away while it baked): moving again would send traffic to the rejected version.
          return { moved: false, reason: `${args.endpoint} went back to ${current.currentVersion ?? 'its previous version'}: ${current.lastFailure}` };
        }
        const { config } = modelOf(deps, args.model);
        const traffic = args.endpoint === config.endpoints.production ? 'rollout' : 'immediate';
        const tags = deploymentTags({ model: args.model, version: args.version, env: args.endpoint, workflowId: args.workflowId });
        heartbeat({ issued: { endpoint: args.endpoint, version: args.version } });
        const move = await deps.modelHost.pointEndpoint(args.endpoint, { model: args.model, version: args.version, artifactUri: args.artifactUri }, tags, { traffic });
        if (move.moved) await checkServing(deps, args.endpoint, args.version);
        return move;
      });
    },

    async rollbackEndpoint({ model, endpoint, toVersion, workflowId }: { model: string; endpoint: string; toVersion: string; workflowId: string }): Promise<void> {
      return classified(`roll ${endpoint} back to ${model}/${toVersion}`, async () => {
        const current = await deps.modelHost.describeEndpoint(endpoint);
        if (current?.status === 'InService' && current.currentVersion === toVersion) return;
        const tags = deploymentTags({ model, version: toVersion, env: endpoint, workflowId });
        // All at once and unwatched: the alarms that called for the rollback must not undo it.
        await deps.modelHost.pointEndpoint(endpoint, { model, version: toVersion, artifactUri: '' }, tags, { traffic: 'immediate' });
        await checkServing(deps, endpoint, toVersion);
      });
    },
  };
}
