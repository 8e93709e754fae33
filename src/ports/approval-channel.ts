// Where a human is asked to approve a deployment, and told the outcome: the console (with the
// CLI command to answer) always, Slack (Approve / Reject buttons) when configured.

export interface ApprovalRequest {
  /** The retraining workflow waiting for the decision; buttons carry it. */
  workflowId: string;
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
  approvers: string[];
  /** ISO instant after which the request expires as a rejection. */
  deadline: string;
  runUrl?: string;
}

export type ApprovalOutcome =
  | { decision: 'approved' | 'rejected'; by: string; reason?: string; at: string }
  | { decision: 'expired'; at: string };

export interface ApprovalChannel {
  readonly channel: string;
  /** Posts the request; returns a reference to edit later. */
  requestApproval(request: ApprovalRequest): Promise<{ messageRef?: string }>;
  /** Edits the request to show the outcome and who decided. */
  recordOutcome(request: ApprovalRequest, messageRef: string | undefined, outcome: ApprovalOutcome): Promise<void>;
}
