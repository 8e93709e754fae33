// Where a human is asked to approve a deployment, and told the outcome: the console (with the
// CLI command to answer) always, Slack (Approve / Reject buttons) when configured.
import type { Approver } from '../domain/retraining/approval-check.js';
import type { DeliveryOptions } from './notifier.js';

export interface ApprovalRequest {
  /** The retraining run waiting for the decision; buttons and commands carry all three ids. */
  workflowId: string;
  runId: string;
  /** Unique per request: a decision names it, so it cannot apply to another request. */
  requestId: string;
  model: string;
  candidateVersion: string;
  championVersion?: string;
  reason: string;
  /** Champion vs challenger on the same holdout window. */
  report: {
    holdoutWindow: { start: string; end: string };
    candidate: { rows: number; rmse: number | null; mae: number | null };
    champion?: { rows: number; rmse: number | null; mae: number | null };
    /** Gate verdict text, e.g. "candidate RMSE 9.8 <= champion 41.2 x 1.05". */
    gate: string;
  };
  approvers: Approver[];
  /** ISO instant after which the request expires as a rejection. */
  deadline: string;
  runUrl?: string;
}

export type ApprovalOutcome =
  | { decision: 'approved' | 'rejected'; by: string; reason?: string; at: string }
  | { decision: 'expired'; at: string };

export interface ApprovalChannel {
  readonly channel: string;
  /**
   * Posts the request once and returns a reference to edit later. Given the reference of an
   * earlier attempt (an activity retry), it updates that message instead of posting another.
   */
  requestApproval(request: ApprovalRequest, previousRef?: string, options?: DeliveryOptions): Promise<{ messageRef?: string }>;
  /** Edits the request to show the outcome and who decided. */
  recordOutcome(request: ApprovalRequest, messageRef: string | undefined, outcome: ApprovalOutcome): Promise<void>;
}
