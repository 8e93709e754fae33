// Whether a decision may apply to the approval a retraining run is waiting on. A decision names
// exactly what its approver saw (workflow, run, candidate version, request id) and arrives through
// one channel whose identities are listed separately, so a stale button, a decision meant for
// another run or a name typed on the wrong channel can never approve what is pending now.
// Refusal texts tell the clicker what is pending instead, and never list the approvers.

/** The channels a decision can arrive through; each has its own list of approver identities. */
export const decisionChannels = ['slack', 'cli'] as const;
export type DecisionChannel = (typeof decisionChannels)[number];

export interface Approver {
  channel: DecisionChannel;
  /** A Slack user id (U0123...) for slack; a name for cli. */
  id: string;
}

export interface DecisionInput {
  decision: 'approve' | 'reject';
  by: string;
  /** Where `by` was established: a verified Slack click, or a Temporal client (CLI, API, Signal). */
  via: DecisionChannel;
  workflowId: string;
  runId: string;
  candidateVersion: string;
  requestId: string;
  reason?: string;
}

export interface PendingApproval {
  requestId: string;
  candidateVersion: string;
  deadline: string;
  approvers: Approver[];
}

/** What the run knows when a decision arrives. */
export interface ApprovalState {
  model: string;
  workflowId: string;
  runId: string;
  pending?: PendingApproval;
  /** The decision already taken in this run, if any. */
  decided?: { decision: 'approve' | 'reject' | 'expired'; by?: string; candidateVersion?: string };
  stage: string;
}

const requiredFields = ['workflowId', 'runId', 'candidateVersion', 'requestId', 'by'] as const;

function describeDecided(model: string, decided: NonNullable<ApprovalState['decided']>): string {
  const version = decided.candidateVersion === undefined ? model : `${model} ${decided.candidateVersion}`;
  if (decided.decision === 'expired') return `the approval of ${version} expired`;
  return `${version} was already ${decided.decision === 'approve' ? 'approved' : 'rejected'}${decided.by === undefined ? '' : ` by ${decided.by}`}`;
}

/**
 * Why a decision is refused: `malformed` (it does not name what it decides), `superseded` (what
 * it names is not what is pending: a stale button, another run, a decided request) or `identity`
 * (the decider is not an approver on that channel).
 */
export type RefusalKind = 'malformed' | 'superseded' | 'identity';

export interface ApprovalRefusal {
  kind: RefusalKind;
  reason: string;
}

/** The failure type a refused decision carries to its sender (ApplicationFailure.type). */
export function refusalFailureType(kind: RefusalKind): string {
  return `ApprovalRefused.${kind}`;
}

export function refusalKindOfFailureType(type: string | undefined | null): RefusalKind | undefined {
  const kind = type?.startsWith('ApprovalRefused.') === true ? type.slice('ApprovalRefused.'.length) : undefined;
  return kind === 'malformed' || kind === 'superseded' || kind === 'identity' ? kind : undefined;
}

/** Why `decision` may not apply, or undefined when it may. */
export function approvalRefusal(state: ApprovalState, decision: Partial<DecisionInput>): ApprovalRefusal | undefined {
  const malformed = (reason: string): ApprovalRefusal => ({ kind: 'malformed', reason });
  const superseded = (reason: string): ApprovalRefusal => ({ kind: 'superseded', reason });
  const missing = requiredFields.filter((field) => typeof decision[field] !== 'string' || decision[field] === '');
  if (missing.length > 0) return malformed(`the decision must name ${missing.join(', ')} (what the approver saw)`);
  if (decision.decision !== 'approve' && decision.decision !== 'reject') {
    return malformed(`decision must be approve or reject, got ${JSON.stringify(decision.decision)}`);
  }
  if (!(decisionChannels as readonly string[]).includes(String(decision.via))) {
    return malformed(`via must be one of ${decisionChannels.join(', ')}, got ${JSON.stringify(decision.via)}`);
  }
  if (decision.workflowId !== state.workflowId) return malformed(`the decision is for workflow ${decision.workflowId}, not ${state.workflowId}`);
  const { pending } = state;
  const nowPending = pending === undefined ? '' : `; ${pending.candidateVersion} is (request ${pending.requestId})`;
  if (decision.runId !== state.runId) return superseded(`the decision is for run ${decision.runId}, not the current run ${state.runId}${nowPending}`);
  if (pending === undefined) {
    if (state.decided !== undefined) return superseded(`${describeDecided(state.model, state.decided)}; nothing is pending`);
    return superseded(`no approval is pending for ${state.model} (the run is ${state.stage})`);
  }
  if (decision.candidateVersion !== pending.candidateVersion) return superseded(`${decision.candidateVersion} is no longer pending${nowPending}`);
  if (decision.requestId !== pending.requestId) return superseded(`request ${decision.requestId} is no longer pending${nowPending}`);
  const allowed = pending.approvers.some((approver) => approver.channel === decision.via && approver.id === decision.by);
  if (!allowed) return { kind: 'identity', reason: `${decision.by} is not an approver of ${state.model} on ${decision.via}` };
  return undefined;
}

/** The audit detail of a refused decision: what was asked, as sent, and why it was refused. */
export function refusalAuditDetail(decision: Partial<DecisionInput>, kind: RefusalKind, error: string): Record<string, unknown> {
  return {
    decision: decision.decision ?? null,
    via: decision.via ?? null,
    candidateVersion: decision.candidateVersion ?? null,
    requestId: decision.requestId ?? null,
    decisionRunId: decision.runId ?? null,
    kind,
    error,
    reason: decision.reason ?? null,
  };
}
