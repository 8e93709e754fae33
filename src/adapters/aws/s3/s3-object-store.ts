// The ObjectStore port on S3: server-side encryption on every put and copy, listing through the
// SDK's paginator, deletes in batches of S3's 1,000-key limit, lifecycle rules per prefix.
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  NoSuchKey,
  PutBucketLifecycleConfigurationCommand,
  PutObjectCommand,
  S3Client,
  paginateListObjectsV2,
  type S3ClientConfig,
  type ServerSideEncryption,
} from '@aws-sdk/client-s3';
import { NonRetryableError, RetryableError } from '../../../domain/errors.js';
import type { LifecycleRule, ObjectStore, StoredObject } from '../../../ports/object-store.js';
import { AWS_MAX_ATTEMPTS, classifyAwsError } from '../errors.js';

/** DeleteObject error codes that say "try again" rather than "no". */
const transientDeleteCodes = new Set(['InternalError', 'SlowDown', 'ServiceUnavailable', 'OperationAborted', 'RequestTimeout']);

/** DeleteObjects takes at most 1,000 keys per request. */
export const MAX_KEYS_PER_DELETE = 1000;

export interface S3ObjectStoreOptions {
  bucket: string;
  client?: S3Client;
  clientConfig?: S3ClientConfig;
  /** SSE-S3 (default) or SSE-KMS with a key id. */
  encryption?: { type: 'SSE_S3' } | { type: 'SSE_KMS'; kmsKeyId: string };
}

export class S3ObjectStore implements ObjectStore {
  private readonly client: S3Client;
  private readonly ownsClient: boolean;

  constructor(private readonly options: S3ObjectStoreOptions) {
    this.ownsClient = options.client === undefined;
    this.client = options.client ?? new S3Client({ maxAttempts: AWS_MAX_ATTEMPTS, ...(options.clientConfig ?? {}) });
  }

  private where(key: string): string {
    return `s3://${this.options.bucket}/${key}`;
  }

  private encryptionParams(): { ServerSideEncryption: ServerSideEncryption; SSEKMSKeyId?: string } {
    const encryption = this.options.encryption ?? { type: 'SSE_S3' };
    return encryption.type === 'SSE_KMS' ? { ServerSideEncryption: 'aws:kms', SSEKMSKeyId: encryption.kmsKeyId } : { ServerSideEncryption: 'AES256' };
  }

  async put(key: string, body: string | Uint8Array, contentType?: string): Promise<void> {
    try {
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.options.bucket,
          Key: key,
          Body: body,
          ...(contentType === undefined ? {} : { ContentType: contentType }),
          ...this.encryptionParams(),
        }),
      );
    } catch (error) {
      throw classifyAwsError(error, `put ${this.where(key)}`);
    }
  }

  /** Copies an object into the bucket (from it, unless `fromBucket` says another), encrypted like a put. */
  async copy(from: string, to: string, fromBucket = this.options.bucket): Promise<void> {
    // CopySource is "bucket/key" URL-encoded; "/" stays as the separator.
    const source = `${fromBucket}/${from.split('/').map(encodeURIComponent).join('/')}`;
    try {
      await this.client.send(new CopyObjectCommand({ Bucket: this.options.bucket, Key: to, CopySource: source, ...this.encryptionParams() }));
    } catch (error) {
      throw classifyAwsError(error, `copy s3://${fromBucket}/${from} to ${this.where(to)}`);
    }
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    try {
      const response = await this.client.send(new GetObjectCommand({ Bucket: this.options.bucket, Key: key }));
      return response.Body === undefined ? new Uint8Array() : await response.Body.transformToByteArray();
    } catch (error) {
      if (error instanceof NoSuchKey) return undefined;
      throw classifyAwsError(error, `get ${this.where(key)}`);
    }
  }

  async list(prefix: string): Promise<StoredObject[]> {
    const objects: StoredObject[] = [];
    try {
      for await (const page of paginateListObjectsV2({ client: this.client }, { Bucket: this.options.bucket, Prefix: prefix })) {
        for (const object of page.Contents ?? []) {
          if (object.Key === undefined) continue;
          objects.push({ key: object.Key, size: object.Size ?? 0, lastModified: (object.LastModified ?? new Date(0)).toISOString() });
        }
      }
    } catch (error) {
      throw classifyAwsError(error, `list ${this.where(prefix)}`);
    }
    return objects;
  }

  async delete(key: string): Promise<void> {
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.options.bucket, Key: key }));
    } catch (error) {
      throw classifyAwsError(error, `delete ${this.where(key)}`);
    }
  }

  /** Deletes the given keys, in batches; `what` names them in errors ("delete under s3://b/p/"). */
  async deleteKeys(keys: readonly string[], what = `delete of ${keys.length} objects in s3://${this.options.bucket}`): Promise<void> {
    for (let offset = 0; offset < keys.length; offset += MAX_KEYS_PER_DELETE) {
      const batch = keys.slice(offset, offset + MAX_KEYS_PER_DELETE);
      try {
        const result = await this.client.send(
          new DeleteObjectsCommand({ Bucket: this.options.bucket, Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true } }),
        );
        const failed = result.Errors ?? [];
        if (failed.length > 0) {
          const first = failed[0];
          const message = `${what}: ${failed.length} objects not deleted (first: ${first?.Key ?? '?'}: ${first?.Code ?? ''} ${first?.Message ?? ''})`;
          // Per-key errors carry S3's codes: a busy or failing S3 passes; a refusal does not.
          throw failed.every((entry) => transientDeleteCodes.has(entry.Code ?? ''))
            ? new RetryableError(message, 'DELETE_TRANSIENT')
            : new NonRetryableError(message, 'DELETE_FAILED');
        }
      } catch (error) {
        throw classifyAwsError(error, what);
      }
    }
  }

  /** Deletes every object under a non-empty prefix; returns their keys. */
  async deletePrefix(prefix: string): Promise<string[]> {
    if (prefix === '') throw new NonRetryableError(`deletePrefix refuses an empty prefix in bucket ${this.options.bucket}`, 'INVALID_INPUT');
    const keys = (await this.list(prefix)).map((object) => object.key);
    await this.deleteKeys(keys, `delete under ${this.where(prefix)}`);
    return keys;
  }

  async deleteOlderThan(prefix: string, olderThan: string): Promise<{ deleted: string[] }> {
    const cutoff = Date.parse(olderThan);
    if (Number.isNaN(cutoff)) throw new NonRetryableError(`deleteOlderThan: "${olderThan}" is not a timestamp`, 'INVALID_INPUT');
    if (prefix === '') throw new NonRetryableError(`deleteOlderThan refuses an empty prefix in bucket ${this.options.bucket}`, 'INVALID_INPUT');
    const expired = (await this.list(prefix)).filter((object) => Date.parse(object.lastModified) < cutoff).map((object) => object.key);
    await this.deleteKeys(expired, `delete under ${this.where(prefix)}`);
    return { deleted: expired };
  }

  async applyLifecycle(rules: LifecycleRule[]): Promise<void> {
    for (const rule of rules) {
      if (!Number.isInteger(rule.expireAfterDays) || rule.expireAfterDays < 1) {
        throw new NonRetryableError(`lifecycle rule "${rule.id}": expireAfterDays must be a whole number of days >= 1, got ${rule.expireAfterDays}`, 'INVALID_INPUT');
      }
    }
    try {
      await this.client.send(
        new PutBucketLifecycleConfigurationCommand({
          Bucket: this.options.bucket,
          LifecycleConfiguration: {
            Rules: rules.map((rule) => ({
              ID: rule.id,
              Status: 'Enabled',
              Filter: { Prefix: rule.prefix },
              Expiration: { Days: rule.expireAfterDays },
              // Parts of failed uploads cost money and never show in listings.
              AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
            })),
          },
        }),
      );
    } catch (error) {
      throw classifyAwsError(error, `lifecycle of s3://${this.options.bucket}`);
    }
  }

  close(): void {
    if (this.ownsClient) this.client.destroy();
  }
}
