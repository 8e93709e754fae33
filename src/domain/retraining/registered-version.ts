// A model version as every registry records it (SageMaker model package groups on AWS, a file locally).

export type ApprovalStatus = 'PendingManualApproval' | 'Approved' | 'Rejected';

export interface RegisteredVersion {
  model: string;
  version: string;
  artifactUri: string;
  status: ApprovalStatus;
  registeredAt: string;
  metrics: Record<string, number | null>;
  /** Why it was made (schedule, drift trigger, manual) and by which run. */
  origin: { reason: string; workflowId: string };
  decidedBy?: string;
  decisionReason?: string;
}
