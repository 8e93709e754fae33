// The activities the deploy workflow calls, with the options it calls them with: its slice of the
// worker's activities, so a step it does not declare cannot be called from here.
import { proxyActivities } from '@temporalio/workflow';
import type { DeployActivities } from '../../activities/deploy/index.js';
import { endpointMoveRetry, stepRetry, workerLossTimeout } from '../shared/activity-retry.js';

export type DeploySteps = Pick<
  DeployActivities,
  'deployTargets' | 'createModelVersion' | 'describeEndpointVersion' | 'smokeTest' | 'recordDeployment' | 'auditDeploy' | 'alertDeploy'
>;

/** Moves of an endpoint, which wait until the endpoint serves. */
export type DeployEndpointSteps = Pick<DeployActivities, 'pointEndpoint' | 'rollbackEndpoint' | 'retireStaging'>;

export type DeployEndpoints = Awaited<ReturnType<DeploySteps['deployTargets']>>['endpoints'];

export const steps = proxyActivities<DeploySteps>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: workerLossTimeout,
  retry: stepRetry,
});

// Moving an endpoint waits for it: a SageMaker blue/green update bakes its canary and keeps the
// old fleet for the termination wait, which can take an hour. The adapter heartbeats meanwhile.
export const endpointSteps = proxyActivities<DeployEndpointSteps>({
  startToCloseTimeout: '2 hours',
  heartbeatTimeout: workerLossTimeout,
  retry: endpointMoveRetry,
});
