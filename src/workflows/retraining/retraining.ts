// Retraining of one model, one at a time (workflow id per model): train a candidate with the
// training pipeline, register it, compare it with the champion on the same holdout, ask a human,
// and on approval deploy it through staging (child workflow). Approval arrives as an Update (with
// a validator that refuses non-approvers and stale requests) or a Signal; a request that waits
// past its deadline becomes a rejection with an alert.
import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  executeChild,
  log,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import type { createActivities } from '../../activities/index.js';
import {
  approvalRefusal,
  refusalFailureType,
  refusalAuditDetail,
  refusalKindOfFailureType,
  type ApprovalState,
  type PendingApproval,
} from '../../domain/retraining/approval-check.js';
import { stepRetry, trainingWaitRetry } from '../shared/activity-retry.js';
import { deployWorkflow } from '../deploy/deploy.js';
import { deployWorkflowId } from '../shared/workflow-ids.js';
import {
  decideSignal,
  decideUpdate,
  decisionRefusedSignal,
  retrainingStatusQuery,
  type DecisionInput,
  type RefusedDecision,
  type RetrainingResult,
  type RetrainingStage,
  type RetrainingStatus,
} from './messages.js';
import { modelIdKey, stageKey, workflowKindKey } from '../shared/search-attributes.js';

export interface RetrainingInput {
  model: string;
  reason: string;
  requestedBy?: string;
  /** The moment the run stands for (defaults to now); windows are derived from it. */
  at?: string;
}

export type { DecisionInput, DecisionResult, RefusedDecision, RetrainingResult, RetrainingStage, RetrainingStatus } from './messages.js';

const quick = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '2 minutes',
  retry: stepRetry,
});

const long = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '6 hours',
  heartbeatTimeout: '2 minutes',
  retry: trainingWaitRetry,
});

export async function retrainingWorkflow(input: RetrainingInput): Promise<RetrainingResult> {
  const result = await retrain(input);
  // Refusals audited by signal handlers finish before the run closes.
  await condition(allHandlersFinished);
  return result;
}

async function retrain(input: RetrainingInput): Promise<RetrainingResult> {
  const { model } = input;
  const { workflowId, runId } = workflowInfo();
  const requestedBy = input.requestedBy ?? 'vigil';
  const status: RetrainingStatus = { stage: 'planning' };
  let decision: DecisionInput | undefined;
  let pending: PendingApproval | undefined;

  setHandler(retrainingStatusQuery, () => status);
  const approvalState = (): ApprovalState => {
    const decided =
      decision !== undefined
        ? { decision: decision.decision, by: decision.by, candidateVersion: decision.candidateVersion }
        : status.decision?.decision === 'expired'
          ? { decision: 'expired' as const, ...(status.candidateVersion === undefined ? {} : { candidateVersion: status.candidateVersion }) }
          : undefined;
    return {
      model,
      workflowId,
      runId,
      stage: status.stage,
      // A decision taken but not yet acted on closes the request at once (a double click).
      ...(pending === undefined || decided !== undefined ? {} : { pending }),
      ...(decided === undefined ? {} : { decided }),
    };
  };
  const checkDecision = (candidate: DecisionInput): void => {
    const refusal = approvalRefusal(approvalState(), candidate);
    if (refusal !== undefined) throw ApplicationFailure.create({ type: refusalFailureType(refusal.kind), message: refusal.reason, nonRetryable: true });
  };
  const auditRefusal = (refused: RefusedDecision): Promise<void> =>
    quick.auditRetraining({
      model,
      workflowId,
      runId,
      action: 'approval.refused',
      actor: typeof refused.decision.by === 'string' ? refused.decision.by : 'unknown',
      attemptId: refused.attemptId,
      detail: refusalAuditDetail(refused.decision, refused.kind, refused.error),
    });
  setHandler(
    decideUpdate,
    (candidate) => {
      decision = candidate;
      return { accepted: true, decision: candidate.decision, by: candidate.by, candidateVersion: candidate.candidateVersion, requestId: candidate.requestId };
    },
    { validator: checkDecision },
  );
  setHandler(decideSignal, async (candidate) => {
    // A signal cannot be refused to its sender: the same checks run here, and a refusal is
    // audited in this run like one the Update validator made.
    try {
      checkDecision(candidate);
      decision = candidate;
    } catch (error) {
      const failure = error instanceof ApplicationFailure ? error : undefined;
      log.warn('refused approval signal', { model, by: candidate.by, error: String(error) });
      await auditRefusal({
        decision: candidate,
        kind: refusalKindOfFailureType(failure?.type) ?? 'malformed',
        error: failure?.message ?? String(error),
        attemptId: `signal-${uuid4()}`,
      });
    }
  });
  setHandler(decisionRefusedSignal, auditRefusal);
  const enter = (stage: RetrainingStage): void => {
    status.stage = stage;
    upsertSearchAttributes([{ key: stageKey, value: `retrain:${stage}` }]);
  };
  upsertSearchAttributes([
    { key: modelIdKey, value: model },
    { key: workflowKindKey, value: 'retraining' },
  ]);
  const audit = (action: string, detail: Record<string, unknown>, actor = requestedBy): Promise<void> =>
    quick.auditRetraining({ model, workflowId, runId, action, actor, detail });

  const at = input.at ?? new Date(Date.now()).toISOString();
  const plan = await quick.planRetraining({ model, at });
  status.candidateVersion = plan.candidateVersion;
  await audit('retraining.started', { reason: input.reason, candidateVersion: plan.candidateVersion, championVersion: plan.championVersion ?? null });

  enter('training');
  const { executionId } = await quick.startTraining({ model, plan });
  const execution = await long.waitForTraining({ executionId });
  if (execution.status !== 'Succeeded' || execution.result === undefined) {
    enter('failed');
    const why = execution.failureReason ?? execution.status;
    await audit('retraining.training-failed', { executionId, reason: why });
    await quick.alertRetraining({ model, workflowId, runId, severity: 'critical', title: `retraining of ${model} failed`, text: `Pipeline execution ${executionId}: ${why}` });
    return { model, outcome: 'training-failed', candidateVersion: plan.candidateVersion };
  }
  const result = execution.result;

  enter('registering');
  await quick.registerCandidate({
    model,
    version: plan.candidateVersion,
    artifactUri: result.artifactUri,
    metrics: { holdout_rmse: result.candidate.rmse, holdout_mae: result.candidate.mae, champion_rmse: result.champion?.rmse ?? null },
    reason: input.reason,
    workflowId,
  });

  enter('gate');
  const gate = await quick.championChallenger({ model, candidate: result.candidate, champion: result.champion });
  if (!gate.passed) {
    enter('rejected');
    await quick.setCandidateStatus({ model, version: plan.candidateVersion, status: 'Rejected', by: 'vigil-gate', reason: gate.text });
    await audit('retraining.gate-failed', { gate: gate.text });
    await quick.alertRetraining({ model, workflowId, runId, severity: 'warning', title: `candidate ${plan.candidateVersion} of ${model} failed the gate`, text: gate.text });
    return { model, outcome: 'gate-failed', candidateVersion: plan.candidateVersion };
  }

  const deadline = new Date(Date.now() + plan.approvalTimeoutMs).toISOString();
  // Deterministic on replay (the workflow's seeded random); names this request in buttons,
  // commands and decisions, so nothing decided for another request can apply to it.
  const requestId = `${plan.candidateVersion}-${uuid4().slice(0, 8)}`;
  const request = {
    workflowId,
    runId,
    requestId,
    model,
    candidateVersion: plan.candidateVersion,
    ...(plan.championVersion === undefined ? {} : { championVersion: plan.championVersion }),
    reason: input.reason,
    report: {
      holdoutWindow: plan.holdoutWindow,
      candidate: result.candidate,
      ...(result.champion === undefined ? {} : { champion: result.champion }),
      gate: gate.text,
    },
    approvers: plan.approvers,
    deadline,
  };
  const { refs } = await quick.requestApproval({ request });
  pending = { requestId, approvers: plan.approvers, candidateVersion: plan.candidateVersion, deadline };
  status.pendingDecision = { requestId, candidateVersion: plan.candidateVersion, deadline };
  enter('awaiting-approval');
  const decided = await condition(() => decision !== undefined, plan.approvalTimeoutMs);
  status.pendingDecision = undefined;
  const chosen = decision;
  pending = undefined;

  if (!decided || chosen === undefined) {
    enter('rejected');
    status.decision = { decision: 'expired' };
    await quick.recordApprovalOutcome({ request, refs, outcome: { decision: 'expired', at: new Date(Date.now()).toISOString() } });
    await quick.setCandidateStatus({ model, version: plan.candidateVersion, status: 'Rejected', by: 'vigil-deadline', reason: `no decision before ${deadline}` });
    await audit('approval.expired', { deadline });
    await quick.alertRetraining({
      model,
      workflowId,
      runId,
      severity: 'warning',
      title: `approval of ${model} ${plan.candidateVersion} expired`,
      text: `Nobody decided before ${deadline}; the candidate is rejected.`,
    });
    return { model, outcome: 'expired', candidateVersion: plan.candidateVersion };
  }

  status.decision = { decision: chosen.decision, by: chosen.by, ...(chosen.reason === undefined ? {} : { reason: chosen.reason }) };
  const outcomeAt = new Date(Date.now()).toISOString();
  await quick.recordApprovalOutcome({
    request,
    refs,
    outcome: { decision: chosen.decision === 'approve' ? 'approved' : 'rejected', by: chosen.by, at: outcomeAt, ...(chosen.reason === undefined ? {} : { reason: chosen.reason }) },
  });
  await quick.setCandidateStatus({
    model,
    version: plan.candidateVersion,
    status: chosen.decision === 'approve' ? 'Approved' : 'Rejected',
    by: chosen.by,
    reason: chosen.reason ?? '',
  });
  await audit(
    chosen.decision === 'approve' ? 'approval.approved' : 'approval.rejected',
    // Decisions recorded before decisions named their request carry none of these.
    { reason: chosen.reason ?? null, via: chosen.via ?? null, candidateVersion: chosen.candidateVersion ?? plan.candidateVersion, requestId: chosen.requestId ?? requestId },
    chosen.by,
  );
  if (chosen.decision === 'reject') {
    enter('rejected');
    return { model, outcome: 'rejected', candidateVersion: plan.candidateVersion, decidedBy: chosen.by };
  }

  enter('deploying');
  const deploy = await executeChild(deployWorkflow, {
    workflowId: deployWorkflowId(model, plan.candidateVersion),
    args: [{ model, version: plan.candidateVersion, artifactUri: result.artifactUri, requestedBy: chosen.by, reason: input.reason, sampleWindow: plan.holdoutWindow }],
  });
  enter(deploy.outcome === 'deployed' ? 'done' : 'failed');
  return {
    model,
    outcome: deploy.outcome === 'deployed' ? 'deployed' : deploy.outcome,
    candidateVersion: plan.candidateVersion,
    decidedBy: chosen.by,
    deploy,
  };
}
