// The staged deploy's activities: thin, idempotent steps over ModelHost, Warehouse, AuditLog and
// the notifiers. Resource names and tags derive from (model, version), so a retry or a restarted
// worker finds what an earlier attempt created instead of creating it again.
import type { ActivityDeps } from '../shared/activity-deps.js';
import { createDeployRecordActivities } from './deploy-records.js';
import { createEndpointMoveActivities } from './endpoint-moves.js';
import { createModelVersionActivities } from './model-version.js';
import { createSmokeTestActivities } from './run-smoke-test.js';
import { createTargetActivities } from './targets.js';

export function createDeployActivities(deps: ActivityDeps) {
  return {
    ...createTargetActivities(deps),
    ...createModelVersionActivities(deps),
    ...createEndpointMoveActivities(deps),
    ...createSmokeTestActivities(deps),
    ...createDeployRecordActivities(deps),
  };
}

export type DeployActivities = ReturnType<typeof createDeployActivities>;
