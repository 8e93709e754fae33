// Every activity the worker registers, bound to the ports the composition root built.
import { createCleanupActivities } from './cleanup/index.js';
import { createDeployActivities } from './deploy/index.js';
import { createMonitoringActivities } from './monitoring/index.js';
import { createRetrainingActivities } from './retraining/index.js';
import type { ActivityDeps } from './shared/activity-deps.js';
import { createRunAuditActivities } from './shared/audit-activities.js';

export type { ActivityDeps } from './shared/activity-deps.js';

export function createActivities(deps: ActivityDeps) {
  return {
    ...createMonitoringActivities(deps),
    ...createRetrainingActivities(deps),
    ...createDeployActivities(deps),
    ...createRunAuditActivities(deps),
    ...createCleanupActivities(deps),
  };
}
