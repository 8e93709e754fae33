// Model versions and their approval status (SageMaker model package groups on AWS, a file locally).

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

export interface ModelRegistry {
  /** Registers a candidate; registering the same version again returns the existing entry. */
  register(entry: Omit<RegisteredVersion, 'status' | 'registeredAt'> & { registeredAt: string }): Promise<RegisteredVersion>;
  setStatus(model: string, version: string, status: ApprovalStatus, decidedBy: string, reason: string): Promise<RegisteredVersion>;
  get(model: string, version: string): Promise<RegisteredVersion | undefined>;
  list(model: string): Promise<RegisteredVersion[]>;
}
