// The activities the cleanup workflow calls, with the options it calls them with.
import { proxyActivities } from '@temporalio/workflow';
import type { CleanupActivities } from '../../activities/cleanup/index.js';
import { stepRetry, workerLossTimeout } from '../shared/activity-retry.js';

export type CleanupSteps = Pick<CleanupActivities, 'planCleanup' | 'applyLifecycle'>;
export type CleanupDeletionSteps = Pick<CleanupActivities, 'applyCleanupItem'>;

export const steps = proxyActivities<CleanupSteps>({
  // A plan lists the host, the registry and the endpoints.
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout: workerLossTimeout,
  retry: stepRetry,
});

/** A deletion heartbeats between its calls, and is retried when its worker is lost (deleting what is gone is success). */
export const deletionSteps = proxyActivities<CleanupDeletionSteps>({
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout: workerLossTimeout,
  retry: stepRetry,
});
