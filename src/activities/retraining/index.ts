// Retraining's activities: plan the run, start and follow the training pipeline (heartbeating),
// register the candidate, apply the gate, ask for approval and record the outcome, alert, decide
// the drift trigger. Each is idempotent for its retraining run.
import type { ActivityDeps } from '../shared/activity-deps.js';
import { createApprovalActivities } from './approval-request.js';
import { createCandidateActivities } from './candidate.js';
import { createExternalModelActivities } from './external-model.js';
import { createVersionReferenceActivities } from './version-reference.js';
import { createPlanRetraining } from './plan-retraining.js';
import { createRetrainTriggerActivities } from './retrain-trigger.js';
import { createRetrainingAlertActivities } from './retraining-alert.js';
import { createTrainingRunActivities } from './training-run.js';

export type { RetrainingPlan } from './plan-retraining.js';

export function createRetrainingActivities(deps: ActivityDeps) {
  return {
    ...createPlanRetraining(deps),
    ...createTrainingRunActivities(deps),
    ...createCandidateActivities(deps),
    ...createApprovalActivities(deps),
    ...createRetrainingAlertActivities(deps),
    ...createRetrainTriggerActivities(deps),
    ...createExternalModelActivities(deps),
    ...createVersionReferenceActivities(deps),
  };
}

export type RetrainingActivities = ReturnType<typeof createRetrainingActivities>;
