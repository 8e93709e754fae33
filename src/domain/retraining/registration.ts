// Registering a candidate version, as every model registry does it: a new version starts pending
// approval, and registering it again (an activity retry) finds the entry already there.
import type { RegisteredVersion } from './registered-version.js';
import { NonRetryableError } from '../errors.js';

export type Registration = Omit<RegisteredVersion, 'status' | 'registeredAt'> & { registeredAt: string };

/** The entry of a newly registered version: pending approval, sharing no objects with the request. */
export function pendingVersion(entry: Registration): RegisteredVersion {
  return {
    model: entry.model,
    version: entry.version,
    artifactUri: entry.artifactUri,
    status: 'PendingManualApproval',
    registeredAt: entry.registeredAt,
    metrics: { ...entry.metrics },
    origin: { reason: entry.origin.reason, workflowId: entry.origin.workflowId },
    ...(entry.contract === undefined ? {} : { contract: { ...entry.contract } }),
    ...(entry.reference === undefined ? {} : { reference: structuredClone(entry.reference) }),
  };
}

/** A retry registers the same artifact again; another artifact under the name is a naming bug. */
export function checkSameArtifact(existing: Pick<RegisteredVersion, 'artifactUri'>, entry: Pick<Registration, 'model' | 'version' | 'artifactUri'>): void {
  if (existing.artifactUri !== entry.artifactUri) {
    throw new NonRetryableError(
      `model ${entry.model} version ${entry.version} is already registered with artifact ${existing.artifactUri}, not ${entry.artifactUri}`,
      'CONFLICT',
    );
  }
}
