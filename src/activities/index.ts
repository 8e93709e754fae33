// Every activity the worker registers, bound to the ports the composition root built.
import { createDeployActivities } from './deploy.js';
import { createMonitoringActivities } from './monitoring.js';
import { createRetrainingActivities } from './retraining.js';
import type { ActivityDeps } from './monitoring-deps.js';

export type { ActivityDeps } from './monitoring-deps.js';

export function createActivities(deps: ActivityDeps) {
  return {
    ...createMonitoringActivities(deps),
    ...createRetrainingActivities(deps),
    ...createDeployActivities(deps),
  };
}
