// Every activity the worker registers, bound to the ports the composition root built.
import { createMonitoringActivities } from './monitoring.js';
import type { ActivityDeps } from './monitoring-deps.js';

export type { ActivityDeps } from './monitoring-deps.js';

export function createActivities(deps: ActivityDeps) {
  return {
    ...createMonitoringActivities(deps),
  };
}
