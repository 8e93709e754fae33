// Retraining of one model, one at a time (workflow id per model): train a candidate with the
// training pipeline, register it, compare it with the champion on the same holdout, ask a human,
// and on approval deploy it through staging (child workflow). Approval arrives as an Update (with
// a validator that refuses non-approvers and stale requests) or a Signal; a request that waits
// past its deadline becomes a rejection with an alert.
import { allHandlersFinished, condition } from '@temporalio/workflow';
import { steps } from './activities.js';
import { openApprovalDesk } from './approval-desk.js';
import { deployCandidate } from './deploy-candidate.js';
import type { RetrainingInput, RetrainingResult } from './messages.js';
import { retrainingRun, tagRun } from './run.js';
import { seekApproval } from './seek-approval.js';
import { gateCandidate, registerCandidate, trainCandidate } from './train-candidate.js';

export type { DecisionInput, DecisionResult, RefusedDecision, RetrainingInput, RetrainingResult, RetrainingStage, RetrainingStatus } from './messages.js';

export async function retrainingWorkflow(input: RetrainingInput): Promise<RetrainingResult> {
  const result = await retrain(input);
  // Refusals audited by signal handlers finish before the run closes.
  await condition(allHandlersFinished);
  return result;
}

async function retrain(input: RetrainingInput): Promise<RetrainingResult> {
  const run = retrainingRun(input);
  const desk = openApprovalDesk(run);
  tagRun(run);
  const { model } = run;

  const at = input.at ?? new Date(Date.now()).toISOString();
  const plan = await steps.planRetraining({ model, at, ...(input.breachSince === undefined ? {} : { breachSince: input.breachSince }) });
  const candidateVersion = plan.candidateVersion;
  run.status.candidateVersion = candidateVersion;
  await run.audit('retraining.started', { reason: input.reason, candidateVersion, championVersion: plan.championVersion ?? null });

  const trained = await trainCandidate(run, plan);
  if (trained === undefined) return { model, outcome: 'training-failed', candidateVersion };
  await registerCandidate(run, plan, trained);
  const gate = await gateCandidate(run, plan, trained);
  if (!gate.passed) return { model, outcome: 'gate-failed', candidateVersion };

  const decision = await seekApproval(run, desk, plan, trained, gate);
  if (decision === undefined) return { model, outcome: 'expired', candidateVersion };
  if (decision.decision === 'reject') {
    run.enter('rejected');
    return { model, outcome: 'rejected', candidateVersion, decidedBy: decision.by };
  }
  return deployCandidate(run, plan, trained, decision);
}
