// The activities the monitoring workflows call, with the options they call them with: each
// workflow's slice of the worker's activities, so a step it does not declare cannot be called.
import { proxyActivities } from '@temporalio/workflow';
import type { MonitoringActivities } from '../../activities/monitoring/index.js';
import type { RetrainingActivities } from '../../activities/retraining/index.js';
import type { RunAuditActivities } from '../../activities/shared/audit-activities.js';
import { dailyStepRetry, longStepRetry, stepRetry, workerLossTimeout } from '../shared/activity-retry.js';

/** The daily run: plan the windows, then decide (and audit) a retraining. */
export type DailyMonitoringSteps = Pick<MonitoringActivities, 'planMonitoringWindows'> &
  Pick<RetrainingActivities, 'evaluateRetrainTrigger'> &
  Pick<RunAuditActivities, 'auditRetraining'>;

/** One window's short steps: recording an empty window and alerting (recordResults: runs begun before analyses recorded themselves). */
export type WindowSteps = Pick<MonitoringActivities, 'recordNoData' | 'alertNoData' | 'raiseAlerts' | 'recordResults'>;

/** One window's long steps, which run queries in the warehouse and heartbeat (analyzeWindow: runs begun before analyses recorded themselves). */
export type WindowLongSteps = Pick<MonitoringActivities, 'prepareWindow' | 'scoreMissingPredictions' | 'analyzeAndRecordWindow' | 'analyzeWindow'>;

export const dailySteps = proxyActivities<DailyMonitoringSteps>({
  startToCloseTimeout: '1 minute',
  heartbeatTimeout: workerLossTimeout,
  retry: dailyStepRetry,
});

export const windowSteps = proxyActivities<WindowSteps>({
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout: workerLossTimeout,
  retry: stepRetry,
});

export const windowLongSteps = proxyActivities<WindowLongSteps>({
  startToCloseTimeout: '2 hours',
  heartbeatTimeout: workerLossTimeout,
  retry: longStepRetry,
});
