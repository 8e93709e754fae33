// The retraining workflow's messages, in a module of their own so clients (CLI, Slack endpoint)
// can import them without loading workflow code.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { DeployResult } from '../domain/deploy/types.js';

export interface DecisionInput {
  decision: 'approve' | 'reject';
  by: string;
  reason?: string;
}

export interface DecisionResult {
  accepted: true;
  decision: 'approve' | 'reject';
  by: string;
}

export type RetrainingStage = 'planning' | 'training' | 'registering' | 'gate' | 'awaiting-approval' | 'deploying' | 'done' | 'rejected' | 'failed';

export interface RetrainingStatus {
  stage: RetrainingStage;
  candidateVersion?: string;
  pendingDecision?: { candidateVersion: string; approvers: string[]; deadline: string };
  decision?: { decision: 'approve' | 'reject' | 'expired'; by?: string; reason?: string };
}

export interface RetrainingResult {
  model: string;
  outcome: 'deployed' | 'rejected' | 'expired' | 'gate-failed' | 'training-failed' | 'smoke-failed' | 'rolled-back';
  candidateVersion?: string;
  decidedBy?: string;
  deploy?: DeployResult;
}

export interface RefusedDecision extends DecisionInput {
  error: string;
  /** Where it came from: "cli", "slack". */
  via: string;
}

export const decideUpdate = defineUpdate<DecisionResult, [DecisionInput]>('decide');
export const decideSignal = defineSignal<[DecisionInput]>('decide');
/** A caller whose decision the validator refused reports it here, so the refusal is audited. */
export const decisionRefusedSignal = defineSignal<[RefusedDecision]>('decisionRefused');
export const retrainingStatusQuery = defineQuery<RetrainingStatus>('status');

