// Artifacts and evaluation outputs under prefixes, with the cleanup the mission asks for: listing
// and deleting by prefix and age, and lifecycle rules per prefix (S3 on AWS).

export interface StoredObject {
  key: string;
  size: number;
  /** ISO-8601. */
  lastModified: string;
}

export interface LifecycleRule {
  /** Stable id: applying the same rules again changes nothing. */
  id: string;
  prefix: string;
  /** Objects under the prefix expire this many days after creation. */
  expireAfterDays: number;
}

export interface ObjectStore {
  put(key: string, body: string | Uint8Array, contentType?: string): Promise<void>;
  /** Undefined when the object does not exist. */
  get(key: string): Promise<Uint8Array | undefined>;
  list(prefix: string): Promise<StoredObject[]>;
  /** Removes one object; removing a missing one is not an error (a retried delete succeeds). */
  delete(key: string): Promise<void>;
  /** Deletes the objects under `prefix` last modified before `olderThan` (ISO-8601). */
  deleteOlderThan(prefix: string, olderThan: string): Promise<{ deleted: string[] }>;
  /** Replaces the store's lifecycle rules with these. */
  applyLifecycle(rules: LifecycleRule[]): Promise<void>;
}
