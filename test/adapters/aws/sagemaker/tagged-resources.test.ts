// Vigil's resources and their tags, listed against moto: what the model host created carries its
// tags; a Model made by hand under the model's name and an untagged bucket are reported.
import assert from 'node:assert/strict';
import { CreateBucketCommand, PutBucketTaggingCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateModelCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { SageMakerModelHost } from '../../../../src/adapters/aws/sagemaker/hosting/sagemaker-model-host.js';
import { listTaggedResources } from '../../../../src/adapters/aws/sagemaker/tagged-resources.js';
import { missingTags } from '../../../../src/domain/cost/tag-check.js';
import { awsClientConfig, motoEndpoint, MOTO_STARTUP_TIMEOUT_MS } from '../../../support/moto.js';

describe('Vigil resources and their tags (moto)', function () {
  this.timeout(60_000);
  let sagemaker: SageMakerClient;
  let s3: S3Client;
  const run = `${process.pid}${Date.now()}`.slice(-10);
  const model = `tagged${run}`;
  const role = 'arn:aws:iam::123456789012:role/vigil-sagemaker';

  before(async function () {
    this.timeout(MOTO_STARTUP_TIMEOUT_MS);
    const config = awsClientConfig(await motoEndpoint());
    sagemaker = new SageMakerClient(config);
    s3 = new S3Client({ ...config, forcePathStyle: true });
  });

  after(() => {
    sagemaker.destroy();
    s3.destroy();
  });

  it('finds what lacks vigil:model, vigil:version or a config tag, and passes what the host tagged', async () => {
    const host = new SageMakerModelHost({
      client: sagemaker,
      executionRoleArn: role,
      image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/vigil:1',
      deployment: { trafficRouting: 'ALL_AT_ONCE', waitIntervalSeconds: 0, terminationWaitSeconds: 0, maximumExecutionTimeoutSeconds: 600, autoRollbackAlarms: [] },
      tags: { 'cost-center': 'ml-platform' },
    });
    await host.createModelVersion({ model, version: 'v1', artifactUri: `s3://artifacts-${run}/models/${model}/v1/model.tar.gz` }, { 'vigil:env': 'all' });
    await sagemaker.send(
      new CreateModelCommand({ ModelName: `${model}-by-hand`, ExecutionRoleArn: role, PrimaryContainer: { Image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/other:1' } }),
    );
    const tagged = `results-${run}`;
    const untagged = `athena-${run}`;
    for (const bucket of [tagged, untagged]) await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await s3.send(new PutBucketTaggingCommand({ Bucket: tagged, Tagging: { TagSet: [{ Key: 'cost-center', Value: 'ml-platform' }] } }));

    const resources = await listTaggedResources({ sagemaker, s3 }, { models: [{ id: model, endpoints: [`${model}-production`] }], buckets: [tagged, untagged] });
    assert.deepEqual(resources.map((resource) => resource.kind).sort(), ['s3-bucket', 's3-bucket', 'sagemaker-model', 'sagemaker-model']);
    const findings = missingTags(resources, ['cost-center']);
    assert.deepEqual(
      findings.map((finding) => [finding.kind, finding.id.replace(/^.*[/:]/, ''), finding.missing]),
      [
        ['sagemaker-model', `${model}-by-hand`, ['vigil:model', 'vigil:version', 'cost-center']],
        ['s3-bucket', untagged, ['cost-center']],
      ],
    );
  });
});
