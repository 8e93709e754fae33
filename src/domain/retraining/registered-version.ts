// A model version as every registry records it (SageMaker model package groups on AWS, a file locally).
import type { ModelReference } from '../monitoring/reference.js';

/** Which contract: its feature_schema_version and the SHA-256 of its canonical JSON. */
export interface ContractIdentity {
  featureSchemaVersion: number;
  hash: string;
}

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
  /**
   * The feature contract it was trained and is served under (absent from versions registered
   * before contracts were recorded): a breaking contract change needs a new version.
   */
  contract?: ContractIdentity;
  /** What its monitoring windows are compared against; absent: the configured baseline. */
  reference?: ModelReference;
  decidedBy?: string;
  decisionReason?: string;
}
