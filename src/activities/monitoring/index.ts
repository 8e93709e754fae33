// The monitoring job's activities: thin steps over the ports. Each is idempotent for its (model,
// window): reruns replace what an earlier attempt wrote. Long ones heartbeat their progress.
import type { ActivityDeps } from '../shared/activity-deps.js';
import { createAnalyzeWindowActivities } from './analyze-window.js';
import { createPlanWindowsActivities } from './plan-windows.js';
import { createPrepareWindowActivities } from './prepare-window.js';
import { createRecordRunActivities } from './record-run.js';
import { createScoreMissingActivities } from './score-missing.js';
import { createWindowAlertActivities } from './window-alerts.js';

export function createMonitoringActivities(deps: ActivityDeps) {
  return {
    ...createPlanWindowsActivities(deps),
    ...createPrepareWindowActivities(deps),
    ...createScoreMissingActivities(deps),
    ...createAnalyzeWindowActivities(deps),
    ...createRecordRunActivities(deps),
    ...createWindowAlertActivities(deps),
  };
}

export type MonitoringActivities = ReturnType<typeof createMonitoringActivities>;
