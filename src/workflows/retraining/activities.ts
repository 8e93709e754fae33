// The activities the retraining workflow calls, with the options it calls them with: its slice of
// the worker's activities, so a step it does not declare cannot be called from here.
import { proxyActivities } from '@temporalio/workflow';
import type { RetrainingActivities } from '../../activities/retraining/index.js';
import type { RunAuditActivities } from '../../activities/shared/audit-activities.js';
import { stepRetry, trainingWaitRetry, workerLossTimeout } from '../shared/activity-retry.js';

export type RetrainingSteps = Pick<
  RetrainingActivities,
  'planRetraining' | 'startTraining' | 'registerCandidate' | 'championChallenger' | 'setCandidateStatus' | 'requestApproval' | 'recordApprovalOutcome' | 'alertRetraining'
> &
  Pick<RunAuditActivities, 'auditRetraining'>;

/** Following the training pipeline, which may run for hours. */
export type RetrainingLongSteps = Pick<RetrainingActivities, 'waitForTraining'>;

export type RetrainingPlan = Awaited<ReturnType<RetrainingSteps['planRetraining']>>;
export type TrainedCandidate = NonNullable<Awaited<ReturnType<RetrainingLongSteps['waitForTraining']>>['result']>;
export type ApprovalRequest = Parameters<RetrainingSteps['requestApproval']>[0]['request'];
export type GateVerdict = Awaited<ReturnType<RetrainingSteps['championChallenger']>>;

export const steps = proxyActivities<RetrainingSteps>({
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: workerLossTimeout,
  retry: stepRetry,
});

export const longSteps = proxyActivities<RetrainingLongSteps>({
  startToCloseTimeout: '6 hours',
  heartbeatTimeout: workerLossTimeout,
  retry: trainingWaitRetry,
});

/** Edits of the registry by hand (register an external model, set a reference), each audited. */
export type RegistryEditSteps = Pick<RetrainingActivities, 'registerExternalModel' | 'setVersionReference'> & Pick<RunAuditActivities, 'auditRetraining'>;

export const registryEditSteps = proxyActivities<RegistryEditSteps>({
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: workerLossTimeout,
  retry: stepRetry,
});
