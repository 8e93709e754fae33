// Asking a human: the request on every approval channel, the wait for a decision until the
// deadline, and the decision (or the expiry) recorded on the channels, in the registry and the audit.
import { uuid4 } from '@temporalio/workflow';
import type { DecisionInput } from '../../domain/retraining/approval-check.js';
import { steps, type ApprovalRequest, type GateVerdict, type RetrainingPlan, type TrainedCandidate } from './activities.js';
import type { ApprovalDesk } from './approval-desk.js';
import type { RetrainingRun } from './run.js';

/** The decision a human took, or undefined when the request expired (then the candidate is rejected). */
export async function seekApproval(
  run: RetrainingRun,
  desk: ApprovalDesk,
  plan: RetrainingPlan,
  trained: TrainedCandidate,
  gate: GateVerdict,
): Promise<DecisionInput | undefined> {
  const deadline = new Date(Date.now() + plan.approvalTimeoutMs).toISOString();
  // Deterministic on replay (the workflow's seeded random); names this request in buttons,
  // commands and decisions, so nothing decided for another request can apply to it.
  const requestId = `${plan.candidateVersion}-${uuid4().slice(0, 8)}`;
  const request = approvalRequest(run, plan, trained, gate, requestId, deadline);
  const { refs } = await steps.requestApproval({ request });
  desk.open({ requestId, approvers: plan.approvers, candidateVersion: plan.candidateVersion, deadline });
  run.status.pendingDecision = { requestId, candidateVersion: plan.candidateVersion, deadline };
  run.enter('awaiting-approval');
  const chosen = await desk.waitForDecision(plan.approvalTimeoutMs);
  run.status.pendingDecision = undefined;
  if (chosen === undefined) {
    await expire(run, plan, request, refs, deadline);
    return undefined;
  }
  await recordDecision(run, plan, request, refs, chosen);
  return chosen;
}

function approvalRequest(run: RetrainingRun, plan: RetrainingPlan, trained: TrainedCandidate, gate: GateVerdict, requestId: string, deadline: string): ApprovalRequest {
  return {
    workflowId: run.workflowId,
    runId: run.runId,
    requestId,
    model: run.model,
    candidateVersion: plan.candidateVersion,
    ...(plan.championVersion === undefined ? {} : { championVersion: plan.championVersion }),
    reason: run.reason,
    report: {
      holdoutWindow: plan.holdoutWindow,
      candidate: trained.candidate,
      ...(trained.champion === undefined ? {} : { champion: trained.champion }),
      gate: gate.text,
    },
    approvers: plan.approvers,
    deadline,
  };
}

async function expire(run: RetrainingRun, plan: RetrainingPlan, request: ApprovalRequest, refs: Record<string, string>, deadline: string): Promise<void> {
  run.enter('rejected');
  run.status.decision = { decision: 'expired' };
  await steps.recordApprovalOutcome({ request, refs, outcome: { decision: 'expired', at: new Date(Date.now()).toISOString() } });
  await steps.setCandidateStatus({ model: run.model, version: plan.candidateVersion, status: 'Rejected', by: 'vigil-deadline', reason: `no decision before ${deadline}` });
  await run.audit('approval.expired', { deadline });
  await run.alert('warning', `approval of ${run.model} ${plan.candidateVersion} expired`, `Nobody decided before ${deadline}; the candidate is rejected.`);
}

async function recordDecision(run: RetrainingRun, plan: RetrainingPlan, request: ApprovalRequest, refs: Record<string, string>, chosen: DecisionInput): Promise<void> {
  const reason = chosen.reason === undefined ? {} : { reason: chosen.reason };
  run.status.decision = { decision: chosen.decision, by: chosen.by, ...reason };
  const outcomeAt = new Date(Date.now()).toISOString();
  await steps.recordApprovalOutcome({
    request,
    refs,
    outcome: { decision: chosen.decision === 'approve' ? 'approved' : 'rejected', by: chosen.by, at: outcomeAt, ...reason },
  });
  await steps.setCandidateStatus({
    model: run.model,
    version: plan.candidateVersion,
    status: chosen.decision === 'approve' ? 'Approved' : 'Rejected',
    by: chosen.by,
    reason: chosen.reason ?? '',
  });
  await run.audit(
    chosen.decision === 'approve' ? 'approval.approved' : 'approval.rejected',
    // Decisions recorded before decisions named their request carry none of these.
    { reason: chosen.reason ?? null, via: chosen.via ?? null, candidateVersion: chosen.candidateVersion ?? plan.candidateVersion, requestId: chosen.requestId ?? request.requestId },
    chosen.by,
  );
}
