// Lifecycle rules on object storage (S3 on AWS): Vigil's own rules replaced, the bucket owner's kept.
import type { StorageRule } from '../domain/cleanup/lifecycle.js';

export interface StorageLifecycle {
  /** Makes Vigil's rules on each bucket these (idempotent); rules Vigil did not set stay. */
  apply(rules: readonly StorageRule[]): Promise<void>;
}
