// The retraining workflow's messages, in a module of their own so clients (CLI, Slack endpoint)
// can import them without loading workflow code.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { DeployResult } from '../../domain/deploy/types.js';
import type { DecisionInput, RefusalKind } from '../../domain/retraining/approval-check.js';

export type { DecisionInput } from '../../domain/retraining/approval-check.js';

export interface RetrainingInput {
  model: string;
  reason: string;
  requestedBy?: string;
  /** The moment the run stands for (defaults to now); windows are derived from it. */
  at?: string;
  /** Start of the day the breaches that triggered the run began (a triggered run only). */
  breachSince?: string;
}

export interface DecisionResult {
  accepted: true;
  decision: 'approve' | 'reject';
  by: string;
  candidateVersion: string;
  requestId: string;
}

export type RetrainingStage = 'planning' | 'training' | 'registering' | 'gate' | 'awaiting-approval' | 'deploying' | 'done' | 'rejected' | 'failed';

export interface RetrainingStatus {
  stage: RetrainingStage;
  candidateVersion?: string;
  /** What is waiting for a decision; a decision must name its request id and version. */
  pendingDecision?: { requestId: string; candidateVersion: string; deadline: string };
  decision?: { decision: 'approve' | 'reject' | 'expired'; by?: string; reason?: string };
}

export interface RetrainingResult {
  model: string;
  outcome: 'deployed' | 'rejected' | 'expired' | 'gate-failed' | 'training-failed' | 'smoke-failed' | 'rolled-back';
  candidateVersion?: string;
  decidedBy?: string;
  deploy?: DeployResult;
}

/** A decision the run's validator refused, reported back by its sender so it is audited. */
export interface RefusedDecision {
  /** What was asked, as sent (it may lack fields: that can be why it was refused). */
  decision: Partial<DecisionInput>;
  kind: RefusalKind;
  error: string;
  /** Unique per attempt: each refused attempt is its own audit row. */
  attemptId: string;
}

export const decideUpdate = defineUpdate<DecisionResult, [DecisionInput]>('decide');
export const decideSignal = defineSignal<[DecisionInput]>('decide');
/** A caller whose decision the validator refused reports it here, so the refusal is audited. */
export const decisionRefusedSignal = defineSignal<[RefusedDecision]>('decisionRefused');
export const retrainingStatusQuery = defineQuery<RetrainingStatus>('status');

