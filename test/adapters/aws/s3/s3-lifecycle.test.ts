// Vigil's lifecycle rules on a shared bucket, against moto: read back as written, applied again
// without change, and the bucket owner's own rule kept every time.
import assert from 'node:assert/strict';
import { CreateBucketCommand, GetBucketLifecycleConfigurationCommand, PutBucketLifecycleConfigurationCommand, S3Client } from '@aws-sdk/client-s3';
import { S3Lifecycle } from '../../../../src/adapters/aws/s3/s3-lifecycle.js';
import { lifecycleRules } from '../../../../src/domain/cleanup/lifecycle.js';
import { useMotoClient } from '../../../support/moto.js';

describe('S3 lifecycle rules (moto)', () => {
  let client: S3Client;
  useMotoClient(
    (config) => new S3Client({ ...config, forcePathStyle: true }),
    (made) => {
      client = made;
    },
  );

  it("puts Vigil's rules in place beside the owner's, and again changes nothing", async () => {
    const bucket = `vigil-lifecycle-${process.pid}-${Date.now()}`;
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
    const owners = { ID: 'logs-expire', Status: 'Enabled' as const, Filter: { Prefix: 'logs/' }, Expiration: { Days: 30 } };
    await client.send(new PutBucketLifecycleConfigurationCommand({ Bucket: bucket, LifecycleConfiguration: { Rules: [owners] } }));
    const rules = lifecycleRules({
      athenaOutput: { bucket, prefix: 'athena/' },
      results: { bucket, prefix: 'tables/' },
      pipelineInputs: { bucket, prefix: 'artifacts/pipeline-inputs/' },
      days: { athenaOutputDays: 7, quarantineDays: 90, trainingInputDays: 30, resultsInfrequentAccessDays: 60 },
    });
    const lifecycle = new S3Lifecycle(client);
    const readBack = async () =>
      ((await client.send(new GetBucketLifecycleConfigurationCommand({ Bucket: bucket }))).Rules ?? [])
        .map((rule) => [rule.ID, rule.Filter?.Prefix, rule.Expiration?.Days, rule.Transitions?.[0]?.Days, rule.Transitions?.[0]?.StorageClass])
        .sort((a, b) => String(a[0]).localeCompare(String(b[0])));
    await lifecycle.apply(rules);
    const expected = [
      ['logs-expire', 'logs/', 30, undefined, undefined],
      ['vigil-athena-output', 'athena/', 7, undefined, undefined],
      ['vigil-pipeline-inputs', 'artifacts/pipeline-inputs/', 30, undefined, undefined],
      ['vigil-quarantine', 'tables/quarantine/', 90, undefined, undefined],
      ['vigil-results-infrequent-access', 'tables/', undefined, 60, 'STANDARD_IA'],
    ];
    assert.deepEqual(await readBack(), expected);
    await lifecycle.apply(rules);
    assert.deepEqual(await readBack(), expected);
  });
});
