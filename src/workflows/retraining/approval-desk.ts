// Where decisions reach the run: an Update (its validator refuses non-approvers and stale
// requests), a Signal (the same checks, a refusal audited here), and the report of a refusal made
// by a sender's own validator call. It holds the request pending and the decision taken.
import { ApplicationFailure, condition, log, setHandler, uuid4 } from '@temporalio/workflow';
import {
  approvalRefusal,
  refusalAuditDetail,
  refusalFailureType,
  refusalKindOfFailureType,
  type ApprovalState,
  type PendingApproval,
} from '../../domain/retraining/approval-check.js';
import { steps } from './activities.js';
import { decideSignal, decideUpdate, decisionRefusedSignal, retrainingStatusQuery, type DecisionInput, type RefusedDecision } from './messages.js';
import type { RetrainingRun } from './run.js';

export interface ApprovalDesk {
  /** From now on decisions for `pending` are accepted. */
  open(pending: PendingApproval): void;
  /** The decision taken, or undefined when none came within the timeout; the request closes either way. */
  waitForDecision(timeoutMs: number): Promise<DecisionInput | undefined>;
}

/** Installs the status query and the decision handlers; call once, before the run's first step. */
export function openApprovalDesk(run: RetrainingRun): ApprovalDesk {
  const { model, workflowId, runId, status } = run;
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
    steps.auditRetraining({
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

  return {
    open(next) {
      pending = next;
    },
    async waitForDecision(timeoutMs) {
      const decided = await condition(() => decision !== undefined, timeoutMs);
      const chosen = decision;
      pending = undefined;
      return decided ? chosen : undefined;
    },
  };
}
