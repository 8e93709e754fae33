// The activities the audit-event workflow calls, with the options it calls them with.
import { proxyActivities } from '@temporalio/workflow';
import type { RunAuditActivities } from '../../activities/shared/audit-activities.js';
import { stepRetry, workerLossTimeout } from './activity-retry.js';

export type AuditEventSteps = Pick<RunAuditActivities, 'auditRetraining'>;

export const auditSteps = proxyActivities<AuditEventSteps>({
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: workerLossTimeout,
  retry: stepRetry,
});
