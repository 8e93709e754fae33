// SageMakerModelRegistry against moto's SageMaker over real HTTP. The suite has its own region and
// unique model ids, so other suites on the same moto server never see its groups.
import assert from 'node:assert/strict';
import {
  DescribeModelPackageCommand,
  DescribeModelPackageGroupCommand,
  ListModelPackagesCommand,
  ListTagsCommand,
  SageMakerClient,
  type DescribeModelPackageCommandOutput,
} from '@aws-sdk/client-sagemaker';
import { SageMakerModelRegistry, type SageMakerModelRegistryOptions } from '../../../../../src/adapters/aws/sagemaker/registry/sagemaker-model-registry.js';
import { MAX_METADATA_VALUE_LENGTH, MAX_METRICS, decodeText, encodeText, modelPackageGroupName } from '../../../../../src/adapters/aws/sagemaker/registry/registry-metadata.js';
import type { RegisteredVersion } from '../../../../../src/domain/retraining/registered-version.js';
import { useMotoClient } from '../../../../support/moto.js';
import { isNonRetryable } from '../../../../support/errors.js';

const region = 'eu-west-3';
const image = '123456789012.dkr.ecr.eu-west-3.amazonaws.com/vigil-inference:1.4.0';
let counter = 0;

function modelId(): string {
  counter += 1;
  return `demand${process.pid}x${Date.now().toString(36)}x${counter}`;
}

function entry(model: string, version: string, overrides: Partial<RegisteredVersion> = {}): Omit<RegisteredVersion, 'status'> {
  return {
    model,
    version,
    artifactUri: `s3://vigil-artifacts/models/${model}/${version}/model.tar.gz`,
    registeredAt: '2026-03-02T10:00:00.000Z',
    metrics: { holdout_rmse: 9.75, holdout_mae: 7.5, champion_rmse: null },
    origin: { reason: 'drift', workflowId: `retraining-${model}-2026-03-02` },
    ...overrides,
  };
}

describe('SageMakerModelRegistry (moto)', function () {
  let client: SageMakerClient;
  useMotoClient(
    (config) => new SageMakerClient({ ...config, region, maxAttempts: 1 }),
    (made) => {
      client = made;
    },
  );

  function registry(overrides: Partial<SageMakerModelRegistryOptions> = {}): SageMakerModelRegistry {
    return new SageMakerModelRegistry({ client, inferenceImage: image, tags: { project: 'vigil', team: 'forecasting' }, ...overrides });
  }

  async function packagesOf(group: string): Promise<string[]> {
    const listed = await client.send(new ListModelPackagesCommand({ ModelPackageGroupName: group }));
    return (listed.ModelPackageSummaryList ?? []).map((summary) => summary.ModelPackageArn ?? '');
  }

  async function describe(arn: string): Promise<DescribeModelPackageCommandOutput> {
    return client.send(new DescribeModelPackageCommand({ ModelPackageName: arn }));
  }

  it('registers a version in its model package group, creating and tagging the group on first use', async () => {
    const model = modelId();
    const registered = await registry().register(entry(model, 'v1'));
    assert.equal(registered.status, 'PendingManualApproval');

    const group = modelPackageGroupName(model);
    assert.equal(group, `vigil-${model}`);
    const described = await client.send(new DescribeModelPackageGroupCommand({ ModelPackageGroupName: group }));
    const tags = await client.send(new ListTagsCommand({ ResourceArn: described.ModelPackageGroupArn }));
    assert.deepEqual(
      Object.fromEntries((tags.Tags ?? []).map((tag) => [tag.Key, tag.Value])),
      { project: 'vigil', team: 'forecasting', 'vigil:model': model },
    );

    const [arn] = await packagesOf(group);
    assert.ok(arn !== undefined);
    const pkg = await describe(arn);
    assert.equal(pkg.ModelApprovalStatus, 'PendingManualApproval');
    assert.match(pkg.ModelPackageDescription ?? '', new RegExp(`^${model} v1: drift`));
    assert.deepEqual(pkg.InferenceSpecification, {
      Containers: [{ Image: image, ModelDataUrl: `s3://vigil-artifacts/models/${model}/v1/model.tar.gz` }],
      SupportedContentTypes: ['text/csv'],
      SupportedResponseMIMETypes: ['text/csv'],
    });
    assert.deepEqual(pkg.CustomerMetadataProperties, {
      'vigil:model': model,
      'vigil:version': 'v1',
      'vigil:registeredAt': '2026-03-02T10:00:00.000Z',
      'vigil:originReason': 'drift',
      'vigil:workflowId': `retraining-${model}-2026-03-02`,
      'vigil:artifactUri': `s3://vigil-artifacts/models/${model}/v1/model.tar.gz`,
      'metric:holdout_rmse': '9.75',
      'metric:holdout_mae': '7.5',
      'metric:champion_rmse': 'null',
    });
  });

  it('registers an uncompressed model.json as its folder (S3Prefix) and gives the artifact back exactly as registered', async () => {
    const model = modelId();
    const artifactUri = `s3://vigil-artifacts/models/${model}/v1/model/model.json`;
    await registry().register(entry(model, 'v1', { artifactUri }));
    const [arn] = await packagesOf(modelPackageGroupName(model));
    const container = (await describe(arn ?? '')).InferenceSpecification?.Containers?.[0];
    assert.equal(container?.ModelDataUrl, undefined);
    assert.deepEqual(container?.ModelDataSource, {
      S3DataSource: { S3Uri: `s3://vigil-artifacts/models/${model}/v1/model/`, S3DataType: 'S3Prefix', CompressionType: 'None' },
    });
    assert.equal((await registry().get(model, 'v1'))?.artifactUri, artifactUri);
  });

  it('returns the existing package when the same version is registered again, and refuses another artifact under it', async () => {
    const model = modelId();
    const first = await registry().register(entry(model, 'v1'));
    // A fresh instance: nothing cached, the package is found on SageMaker.
    const again = await registry().register(entry(model, 'v1', { registeredAt: '2026-03-02T10:05:00.000Z' }));
    assert.deepEqual(again, first);
    assert.equal((await packagesOf(modelPackageGroupName(model))).length, 1);
    const racing = modelId();
    const versions = registry();
    const [a, b] = await Promise.all([versions.register(entry(racing, 'v1')), versions.register(entry(racing, 'v1'))]);
    assert.deepEqual(a, b);
    assert.equal((await packagesOf(modelPackageGroupName(racing))).length, 1, 'two calls at once make one package');
    await assert.rejects(
      registry().register(entry(model, 'v1', { artifactUri: 's3://vigil-artifacts/other.tar.gz' })),
      isNonRetryable(new RegExp(`${model} version v1 is already registered with artifact`), 'CONFLICT'),
    );
  });

  it('approves with who and why (read back through DescribeModelPackage); the same decision again changes nothing', async () => {
    const model = modelId();
    const versions = registry();
    await versions.register(entry(model, 'v1'));
    const approved = await versions.setStatus(model, 'v1', 'Approved', 'alice@example.com', 'beats the champion on the holdout, checked the residuals');
    assert.equal(approved.status, 'Approved');
    assert.equal(approved.decidedBy, 'alice@example.com');
    assert.equal(approved.decisionReason, 'beats the champion on the holdout, checked the residuals');

    const [arn] = await packagesOf(modelPackageGroupName(model));
    const pkg = await describe(arn ?? '');
    assert.equal(pkg.ModelApprovalStatus, 'Approved');
    assert.equal(pkg.ApprovalDescription, 'by alice@example.com: beats the champion on the holdout, checked the residuals');
    const metadata = pkg.CustomerMetadataProperties ?? {};
    assert.equal(metadata['vigil:decidedBy'], 'alice@example.com');
    // A comma is outside SageMaker's metadata characters: the reason is stored encoded.
    assert.equal(decodeText(metadata['vigil:decisionReason'] ?? ''), 'beats the champion on the holdout, checked the residuals');
    assert.equal(metadata['metric:holdout_rmse'], '9.75', 'registration metadata kept');

    const modified = pkg.LastModifiedTime?.getTime();
    const again = await registry().setStatus(model, 'v1', 'Approved', 'bob', 'second click');
    assert.deepEqual(again, approved);
    assert.equal((await describe(arn ?? '')).LastModifiedTime?.getTime(), modified, 'no second update');
    await assert.rejects(
      versions.setStatus(model, 'v1', 'Rejected', 'bob', 'changed my mind'),
      isNonRetryable(new RegExp(`${model} version v1 is Approved by alice@example.com; it cannot become Rejected`), 'INVALID_TRANSITION'),
    );
  });

  it('rejects a version and reads the decision back with get', async () => {
    const model = modelId();
    const versions = registry();
    await versions.register(entry(model, 'v2'));
    await versions.setStatus(model, 'v2', 'Rejected', 'U024BE7LH', 'worse than the champion');
    const got = await registry().get(model, 'v2');
    assert.equal(got?.status, 'Rejected');
    assert.equal(got?.decidedBy, 'U024BE7LH');
    assert.equal(got?.decisionReason, 'worse than the champion');
    const [arn] = await packagesOf(modelPackageGroupName(model));
    assert.equal((await describe(arn ?? '')).ApprovalDescription, 'by U024BE7LH: worse than the champion');
  });

  it('keeps the reference of a retrained version (its training window and label cut-off) and reads it back', async () => {
    const model = modelId();
    const reference = {
      kind: 'training-window' as const,
      version: 'v2',
      window: { start: '2026-02-23T00:00:00.000Z', end: '2026-03-02T00:00:00.000Z' },
      labelsAsOf: '2026-03-02T06:00:00.000Z',
    };
    await registry().register(entry(model, 'v2', { reference }));
    await registry().register(entry(model, 'v3'));
    assert.deepEqual((await registry().get(model, 'v2'))?.reference, reference);
    assert.equal((await registry().get(model, 'v3'))?.reference, undefined);
  });

  it('keeps the contract a version was trained under (its feature_schema_version and hash) and reads it back', async () => {
    const model = modelId();
    const contract = { featureSchemaVersion: 3, hash: 'a'.repeat(64) };
    await registry().register(entry(model, 'v4', { contract }));
    await registry().register(entry(model, 'v5'));
    assert.deepEqual((await registry().get(model, 'v4'))?.contract, contract);
    assert.equal((await registry().get(model, 'v5'))?.contract, undefined);
  });

  it('sets a reference by hand and back to the configured baseline (its keys removed), naming a version that does not exist', async () => {
    const model = modelId();
    await registry().register(entry(model, 'v1'));
    const window = { kind: 'training-window' as const, version: 'v1', window: { start: '2026-03-01T00:00:00.000Z', end: '2026-03-08T00:00:00.000Z' }, labelsAsOf: '2026-03-20T00:00:00.000Z' };
    assert.deepEqual((await registry().setReference(model, 'v1', window)).reference, window);
    assert.deepEqual((await registry().get(model, 'v1'))?.reference, window);
    const [arn] = await packagesOf(modelPackageGroupName(model));
    assert.equal((await describe(arn ?? '')).CustomerMetadataProperties?.['vigil:referenceStart'], window.window.start);
    assert.equal((await registry().setReference(model, 'v1', { kind: 'baseline', version: 'v1' })).reference, undefined);
    assert.equal((await registry().get(model, 'v1'))?.reference, undefined);
    assert.equal((await describe(arn ?? '')).CustomerMetadataProperties?.['vigil:referenceStart'], undefined);
    await assert.rejects(registry().setReference(model, 'v9', window), isNonRetryable(/has no registered version v9/, 'NOT_FOUND'));
  });

  it('names the model and version when setting the status of a version that does not exist', async () => {
    const model = modelId();
    await assert.rejects(registry().setStatus(model, 'v9', 'Approved', 'alice', 'ok'), isNonRetryable(new RegExp(`model ${model} has no registered version v9`), 'NOT_FOUND'));
    await registry().register(entry(model, 'v1'));
    await assert.rejects(registry().setStatus(model, 'v9', 'Approved', 'alice', 'ok'), isNonRetryable(/has no registered version v9/, 'NOT_FOUND'));
    assert.equal(await registry().get(model, 'v9'), undefined);
  });

  it('lists every version across pages, decoding numbers, nulls and text SageMaker would not take as written', async () => {
    const model = modelId();
    const longReason = `drift on ${'feature_x, '.repeat(40)}and more`;
    const versions = registry({ pageSize: 1 });
    await versions.register(entry(model, 'v2', { registeredAt: '2026-03-09T10:00:00.000Z', metrics: { holdout_rmse: 1e-7, holdout_mae: 0 } }));
    await versions.register(entry(model, 'v1', { origin: { reason: 'schedule: weekly (Monday)', workflowId: 'retraining/demand#1' }, metrics: { holdout_rmse: null } }));
    await versions.register(entry(model, 'v10', { registeredAt: '2026-03-16T10:00:00.000Z', origin: { reason: longReason, workflowId: 'w' }, metrics: {} }));

    const listed = await versions.list(model);
    assert.deepEqual(listed.map((version) => version.version), ['v1', 'v2', 'v10'], 'by registration time');
    assert.deepEqual(listed[0]?.origin, { reason: 'schedule: weekly (Monday)', workflowId: 'retraining/demand#1' });
    assert.deepEqual(listed[0]?.metrics, { holdout_rmse: null });
    assert.deepEqual(listed[1]?.metrics, { holdout_rmse: 1e-7, holdout_mae: 0 });
    assert.deepEqual(listed[2]?.metrics, {});
    const kept = listed[2]?.origin.reason ?? '';
    assert.ok(kept.endsWith('…') && longReason.startsWith(kept.slice(0, -1)), 'a reason beyond the metadata limit keeps its start');
    assert.deepEqual(await versions.get(model, 'v2'), listed[1]);
    assert.deepEqual(await registry().list(modelId()), [], 'a model never registered has no versions');
  });

  it('gives model ids SageMaker refuses as names a safe group of their own', async () => {
    const a = `demand_forecast_${process.pid}_${counter++}`;
    const b = `demand.forecast.${process.pid}.${counter - 1}`;
    const groupA = modelPackageGroupName(a);
    const groupB = modelPackageGroupName(b);
    assert.match(groupA, /^vigil-demand-forecast-\d+-\d+-[0-9a-f]{8}$/);
    assert.notEqual(groupA, groupB);
    assert.ok(modelPackageGroupName('x'.repeat(128)).length <= 63);
    await registry().register(entry(a, 'v1'));
    await registry().register(entry(b, 'v1'));
    assert.equal((await registry().list(a)).length, 1);
    assert.equal((await registry().get(b, 'v1'))?.model, b);
  });

  it('refuses what SageMaker metadata cannot hold, before creating anything', async () => {
    const model = modelId();
    const tooMany = Object.fromEntries(Array.from({ length: MAX_METRICS + 1 }, (_, index) => [`m${index}`, index]));
    await assert.rejects(
      registry().register(entry(model, 'v1', { metrics: tooMany })),
      isNonRetryable(new RegExp(`${MAX_METRICS + 1} metrics, .* at most ${MAX_METRICS}`), 'INVALID_INPUT'),
    );
    await assert.rejects(registry().register(entry(model, 'v1', { metrics: { 'rmse, holdout': 1 } })), isNonRetryable(/metric name "rmse, holdout"/));
    await assert.rejects(registry().register(entry('../etc', 'v1')), isNonRetryable(/model "..\/etc"/, 'INVALID_NAME'));
    assert.deepEqual(await packagesOf(modelPackageGroupName(model)), []);
  });

  it('encodes metadata text within SageMaker limits and decodes it back', () => {
    for (const text of ['plain text: ok/fine=1+2@x', '', 'b64:looks encoded', 'naïve, "quoted"\nline', 'x'.repeat(256)]) {
      const stored = encodeText(text);
      assert.ok(stored.length >= 1 && stored.length <= MAX_METADATA_VALUE_LENGTH, stored);
      assert.match(stored, /^[\p{L}\p{Z}\p{N}_.:/=+\-@]+$/u);
      assert.equal(decodeText(stored), text);
    }
  });
});
