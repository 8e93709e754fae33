// The windows a scheduled run covers: the newest complete one and the older ones it re-evaluates.
import { planWindows, type WindowPlan } from '../../domain/monitoring/windows.js';
import type { ActivityDeps } from '../shared/activity-deps.js';
import { modelOf } from '../shared/model-of.js';

export function createPlanWindowsActivities(deps: ActivityDeps) {
  return {
    /** The window a scheduled run covers and the older windows it re-evaluates. */
    planMonitoringWindows({ model, at }: { model: string; at: string }): Promise<WindowPlan> {
      const { config } = modelOf(deps, model);
      return Promise.resolve(planWindows(at, config.monitoring.windowDays, config.monitoring.relabelDays));
    },
  };
}
