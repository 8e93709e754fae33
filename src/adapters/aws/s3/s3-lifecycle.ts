// Vigil's lifecycle rules on S3 buckets it shares with others. PutBucketLifecycleConfiguration
// replaces a bucket's whole configuration, so the rules already there are read first and those
// Vigil did not set (ids without the "vigil-" prefix) are written back unchanged.
import {
  GetBucketLifecycleConfigurationCommand,
  PutBucketLifecycleConfigurationCommand,
  type LifecycleRule,
  type S3Client,
} from '@aws-sdk/client-s3';
import { vigilRulePrefix, type StorageRule } from '../../../domain/cleanup/lifecycle.js';
import type { StorageLifecycle } from '../../../ports/storage-lifecycle.js';
import { classifyAwsError } from '../errors.js';

function s3Rule(rule: StorageRule): LifecycleRule {
  return {
    ID: rule.id,
    Status: 'Enabled',
    Filter: { Prefix: rule.prefix },
    ...(rule.expireAfterDays === undefined ? {} : { Expiration: { Days: rule.expireAfterDays } }),
    ...(rule.infrequentAccessAfterDays === undefined ? {} : { Transitions: [{ Days: rule.infrequentAccessAfterDays, StorageClass: 'STANDARD_IA' }] }),
    // Parts of failed uploads cost money and never show in listings.
    AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
  };
}

export class S3Lifecycle implements StorageLifecycle {
  constructor(private readonly client: S3Client) {}

  async apply(rules: readonly StorageRule[]): Promise<void> {
    for (const bucket of [...new Set(rules.map((rule) => rule.bucket))]) {
      const what = `lifecycle of s3://${bucket}`;
      try {
        let existing: LifecycleRule[] = [];
        try {
          existing = (await this.client.send(new GetBucketLifecycleConfigurationCommand({ Bucket: bucket }))).Rules ?? [];
        } catch (error) {
          if ((error as { name?: string }).name !== 'NoSuchLifecycleConfiguration') throw error;
        }
        const owners = existing.filter((rule) => !(rule.ID ?? '').startsWith(vigilRulePrefix));
        const ours = rules.filter((rule) => rule.bucket === bucket).map(s3Rule);
        await this.client.send(new PutBucketLifecycleConfigurationCommand({ Bucket: bucket, LifecycleConfiguration: { Rules: [...owners, ...ours] } }));
      } catch (error) {
        throw classifyAwsError(error, what);
      }
    }
  }
}
