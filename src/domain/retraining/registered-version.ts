// A model version as every registry records it (SageMaker model package groups on AWS, a file locally).
import type { ModelReference } from '../monitoring/reference.js';

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
  /** What its monitoring windows are compared against; absent: the configured baseline. */
  reference?: ModelReference;
  decidedBy?: string;
  decisionReason?: string;
}
