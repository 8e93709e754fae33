// The activities the cleanup workflow calls, with the options it calls them with.
import { proxyActivities } from '@temporalio/workflow';
import type { CleanupActivities } from '../../activities/cleanup/index.js';
import { stepRetry } from '../shared/activity-retry.js';

export type CleanupSteps = Pick<CleanupActivities, 'planCleanup' | 'applyLifecycle'>;
export type CleanupDeletionSteps = Pick<CleanupActivities, 'applyCleanupItem'>;

export const steps = proxyActivities<CleanupSteps>({
  // A plan lists the host, the registry and the endpoints.
  startToCloseTimeout: '5 minutes',
  retry: stepRetry,
});

/** A deletion heartbeats between its calls: a worker lost mid-deletion is noticed in seconds, and the deletion retried (deleting what is gone is success). */
export const deletionSteps = proxyActivities<CleanupDeletionSteps>({
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout: '20 seconds',
  retry: stepRetry,
});
