// What workflows need from wherever models are served: SageMaker endpoints on AWS, the local model
// server (same inference contract) in local mode.
import type { EndpointMove } from '../domain/deploy/types.js';

export interface ModelVersionRef {
  model: string;
  version: string;
  /** Where the artifact lives (S3 URI or local path). */
  artifactUri: string;
}

export interface EndpointDescription {
  name: string;
  status: 'Creating' | 'Updating' | 'InService' | 'RollingBack' | 'Failed' | 'Deleting' | 'OutOfService';
  /** The model version currently receiving traffic. */
  currentVersion?: string;
  /** Why the endpoint's last update failed, when the host says (SageMaker's FailureReason). */
  lastFailure?: string;
}

export interface InvokeResult {
  /** One prediction per input row, in row order. */
  predictions: number[];
  latencyMs: number;
  /** The version that served the request, when the host says (local server header, SageMaker variant). */
  modelVersion?: string;
}

export interface PointOptions {
  /**
   * 'rollout' (the default) shifts traffic by the configured blue/green policy, watched by its
   * auto-rollback alarms: production. 'immediate' moves all traffic at once and watches no alarm:
   * staging, and a rollback, which must not wait on (or be undone by) the alarms that called for it.
   */
  traffic?: 'rollout' | 'immediate';
}

export interface ModelHost {
  /** Scores rows whose values are in contract feature order. */
  invoke(endpoint: string, rows: (number | string | boolean | null)[][]): Promise<InvokeResult>;
  describeEndpoint(endpoint: string): Promise<EndpointDescription | undefined>;
  /** Creates the deployable model version (idempotent by version name). */
  createModelVersion(ref: ModelVersionRef, tags: Record<string, string>): Promise<void>;
  /**
   * Points an endpoint at a version (blue/green: the old version serves until the new is ready),
   * resolving `{ moved: true }` once the version serves, or `{ moved: false, reason }` when the
   * platform reverted the update (an alarm, failed health checks, no capacity): an outcome the
   * deploy decides on, not an error. Fails only when the move could not be made or watched.
   */
  pointEndpoint(endpoint: string, ref: ModelVersionRef, tags: Record<string, string>, options?: PointOptions): Promise<EndpointMove>;
  /**
   * Deletes an endpoint (a staging endpoint once its deploy is done: it bills by the hour), and
   * resolves once it is gone, so the next deploy can create it again. A missing endpoint is success.
   */
  deleteEndpoint(endpoint: string): Promise<void>;
  listModelVersions(model: string): Promise<{ version: string; createdAt: string }[]>;
  deleteModelVersion(model: string, version: string): Promise<void>;
}
