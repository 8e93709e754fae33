// Training, registering and gating the candidate: the steps before a human is asked.
import { longSteps, steps, type GateVerdict, type RetrainingPlan, type TrainedCandidate } from './activities.js';
import type { RetrainingRun } from './run.js';

/** Trains the candidate; a failed execution is audited and alerted, and gives undefined. */
export async function trainCandidate(run: RetrainingRun, plan: RetrainingPlan): Promise<TrainedCandidate | undefined> {
  run.enter('training');
  const { executionId } = await steps.startTraining({ model: run.model, plan });
  const execution = await longSteps.waitForTraining({ executionId });
  if (execution.status === 'Succeeded' && execution.result !== undefined) return execution.result;
  run.enter('failed');
  const why = execution.failureReason ?? execution.status;
  await run.audit('retraining.training-failed', { executionId, reason: why });
  await run.alert('critical', `retraining of ${run.model} failed`, `Pipeline execution ${executionId}: ${why}`);
  return undefined;
}

export async function registerCandidate(run: RetrainingRun, plan: RetrainingPlan, trained: TrainedCandidate): Promise<void> {
  run.enter('registering');
  await steps.registerCandidate({
    model: run.model,
    version: plan.candidateVersion,
    artifactUri: trained.artifactUri,
    metrics: { holdout_rmse: trained.candidate.rmse, holdout_mae: trained.candidate.mae, champion_rmse: trained.champion?.rmse ?? null },
    reason: run.reason,
    workflowId: run.workflowId,
    // An activity's input is not part of what a replay compares: histories without it still replay.
    trainedOn: {
      trainingWindow: plan.referenceWindow ?? plan.trainingWindow,
      asOf: plan.asOf,
      ...(trained.scoredRowsUri === undefined ? {} : { scoredRowsUri: trained.scoredRowsUri }),
    },
  });
}

/** Champion vs challenger on the same holdout; a candidate that fails is rejected, audited and alerted. */
export async function gateCandidate(run: RetrainingRun, plan: RetrainingPlan, trained: TrainedCandidate): Promise<GateVerdict> {
  run.enter('gate');
  const gate = await steps.championChallenger({
    model: run.model,
    candidate: trained.candidate,
    champion: trained.champion,
    // An activity's input is not part of what a replay compares: histories without it still replay.
    ...(plan.championVersion === undefined ? {} : { championVersion: plan.championVersion }),
  });
  if (gate.passed) return gate;
  run.enter('rejected');
  await steps.setCandidateStatus({ model: run.model, version: plan.candidateVersion, status: 'Rejected', by: 'vigil-gate', reason: gate.text });
  await run.audit('retraining.gate-failed', { gate: gate.text });
  await run.alert('warning', `candidate ${plan.candidateVersion} of ${run.model} failed the gate`, gate.text);
  return gate;
}
