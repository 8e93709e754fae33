// The activities the cleanup workflow calls, with the options it calls them with.
import { proxyActivities } from '@temporalio/workflow';
import type { CleanupActivities } from '../../activities/cleanup/index.js';
import { stepRetry } from '../shared/activity-retry.js';

export type CleanupSteps = Pick<CleanupActivities, 'planCleanup' | 'applyCleanupItem' | 'applyLifecycle'>;

export const steps = proxyActivities<CleanupSteps>({
  // A plan lists the host, the registry and the endpoints; a deletion may wait on SageMaker.
  startToCloseTimeout: '5 minutes',
  retry: stepRetry,
});
