// Model versions and their approval status (SageMaker model package groups on AWS, a file locally).
import type { ModelReference } from '../domain/monitoring/reference.js';
import type { ApprovalStatus, RegisteredVersion } from '../domain/retraining/registered-version.js';

export type { ApprovalStatus, RegisteredVersion } from '../domain/retraining/registered-version.js';

export interface ModelRegistry {
  /** Registers a candidate; registering the same version again returns the existing entry. */
  register(entry: Omit<RegisteredVersion, 'status' | 'registeredAt'> & { registeredAt: string }): Promise<RegisteredVersion>;
  setStatus(model: string, version: string, status: ApprovalStatus, decidedBy: string, reason: string): Promise<RegisteredVersion>;
  /** What the version's windows are compared against from now on (`vigil baseline set`). */
  setReference(model: string, version: string, reference: ModelReference): Promise<RegisteredVersion>;
  get(model: string, version: string): Promise<RegisteredVersion | undefined>;
  list(model: string): Promise<RegisteredVersion[]>;
}
