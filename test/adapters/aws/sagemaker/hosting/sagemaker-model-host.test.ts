// SageMakerModelHost over real HTTP against moto, behind the SageMaker shim that adds what moto
// lacks (UpdateEndpoint and the endpoint states it drives). Control-plane state lives in moto's
// us-east-1 (where the shim reads it); queued InvokeEndpoint answers in a region of their own, so
// no other suite's leftovers can answer our invocations.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import {
  CreateModelCommand,
  DeleteEndpointCommand,
  DescribeEndpointCommand,
  DescribeEndpointConfigCommand,
  DescribeModelCommand,
  ListTagsCommand,
  SageMakerClient,
  UpdateEndpointCommand,
  paginateListEndpointConfigs,
  type Tag,
} from '@aws-sdk/client-sagemaker';
import { SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { closeServer, listen } from '../../../../../src/adapters/shared/http-listen.js';
import { modelDataOf } from '../../../../../src/adapters/aws/sagemaker/model-data.js';
import {
  SageMakerModelHost,
  type SageMakerDeploymentOptions,
  type SageMakerModelHostOptions,
  type WaitProgress,
} from '../../../../../src/adapters/aws/sagemaker/hosting/sagemaker-model-host.js';
import { resourceNamePrefix, variantNameFor, versionFromVariantName } from '../../../../../src/adapters/aws/sagemaker/hosting/model-host-names.js';
import { deploymentTags, endpointConfigName, modelResourceName } from '../../../../../src/domain/deploy/names.js';
import { NonRetryableError, RetryableError } from '../../../../../src/domain/errors.js';
import type { ModelVersionRef } from '../../../../../src/ports/model-host.js';
import { freePort } from '../../../../support/free-port.js';
import { awsClientConfig, motoEndpoint, MOTO_STARTUP_TIMEOUT_MS } from '../../../../support/moto.js';
import { startSageMakerShim, type SageMakerShim } from '../../../../support/sagemaker-shim.js';
import { sageMakerEndpointShim, type EndpointShimControl } from '../../../../support/sagemaker-shim-endpoints.js';

const role = 'arn:aws:iam::123456789012:role/vigil-sagemaker';
const image = '123456789012.dkr.ecr.us-east-1.amazonaws.com/vigil-inference:1';
const runtimeRegion = 'ap-northeast-3';

const canary: SageMakerDeploymentOptions = {
  trafficRouting: 'CANARY',
  canaryPercent: 10,
  waitIntervalSeconds: 300,
  terminationWaitSeconds: 600,
  maximumExecutionTimeoutSeconds: 3600,
  autoRollbackAlarms: ['vigil-churn-errors', 'vigil-churn-latency'],
};

let counter = 0;
function unique(prefix: string): string {
  counter += 1;
  return `${prefix}${process.pid}t${Date.now() % 1_000_000}n${counter}`;
}

function tagMap(tags: Tag[] | undefined): Record<string, string | undefined> {
  return Object.fromEntries((tags ?? []).map((tag) => [tag.Key ?? '', tag.Value]));
}

describe('SageMakerModelHost (moto)', function () {
  let moto: string;
  let shim: SageMakerShim;
  let endpoints: EndpointShimControl;
  let client: SageMakerClient;
  let runtimeClient: SageMakerRuntimeClient;

  before(async function () {
    this.timeout(MOTO_STARTUP_TIMEOUT_MS);
    moto = await motoEndpoint();
    const endpointShim = sageMakerEndpointShim({ updateDurationMs: 250 });
    endpoints = endpointShim.control;
    shim = await startSageMakerShim(moto, endpointShim.handlers);
    client = new SageMakerClient({ ...awsClientConfig(shim.endpoint), maxAttempts: 1 });
    runtimeClient = new SageMakerRuntimeClient({ ...awsClientConfig(shim.endpoint), region: runtimeRegion, maxAttempts: 1 });
  });

  after(async () => {
    client?.destroy();
    runtimeClient?.destroy();
    await shim?.close();
  });

  function host(overrides: Partial<SageMakerModelHostOptions> = {}): SageMakerModelHost {
    return new SageMakerModelHost({
      client,
      runtimeClient,
      executionRoleArn: role,
      image,
      deployment: canary,
      maxWaitSeconds: 20,
      pollDelaySeconds: { min: 0.05, max: 0.2 },
      tags: { 'cost-center': 'ml-platform' },
      ...overrides,
    });
  }

  function version(model: string, name: string): ModelVersionRef {
    return { model, version: name, artifactUri: `s3://vigil-models/${model}/${name}/model.tar.gz` };
  }

  function callerTags(ref: ModelVersionRef, env: string): Record<string, string> {
    return deploymentTags({ model: ref.model, version: ref.version, env, workflowId: `deploy-${ref.model}` });
  }

  /** Creates the versions and points a new endpoint at the first, then at each next one. */
  async function deployed(modelHost: SageMakerModelHost, model: string, versions: string[]): Promise<string> {
    const endpoint = unique('ep');
    for (const name of versions) {
      await modelHost.createModelVersion(version(model, name), callerTags(version(model, name), 'all'));
      await modelHost.pointEndpoint(endpoint, version(model, name), callerTags(version(model, name), 'staging'));
    }
    return endpoint;
  }

  async function queueAnswers(results: { Body: string; ContentType: string; InvokedProductionVariant?: string }[]): Promise<void> {
    const response = await fetch(`${moto}/moto-api/static/sagemaker/endpoint-results`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ results, region: runtimeRegion }),
    });
    assert.equal(response.status, 201);
  }

  /** Records what each InvokeEndpoint request carried while `action` runs. */
  async function invocationsDuring<T>(action: () => Promise<T>): Promise<{ result: T; sent: { body: string; contentType?: string; accept?: string }[] }> {
    const sent: { body: string; contentType?: string; accept?: string }[] = [];
    runtimeClient.middlewareStack.add(
      (next) => async (args) => {
        const input = args.input;
        if ('Body' in input && typeof input.Body === 'string') sent.push({ body: input.Body, contentType: input.ContentType, accept: input.Accept });
        return next(args);
      },
      { step: 'initialize', name: 'recordInvocations' },
    );
    try {
      return { result: await action(), sent };
    } finally {
      runtimeClient.middlewareStack.remove('recordInvocations');
    }
  }

  async function servingVariant(endpoint: string): Promise<string> {
    const described = await client.send(new DescribeEndpointCommand({ EndpointName: endpoint }));
    const variant = described.ProductionVariants?.[0]?.VariantName;
    assert.ok(variant !== undefined);
    return variant;
  }

  it('creates a model version once, with its artifact, image and tags, even when two attempts race', async () => {
    const modelHost = host();
    const ref = version(unique('churn'), 'v1');
    const tags = callerTags(ref, 'all');
    await Promise.all([modelHost.createModelVersion(ref, tags), modelHost.createModelVersion(ref, tags)]);
    await modelHost.createModelVersion(ref, tags);

    const described = await client.send(new DescribeModelCommand({ ModelName: modelResourceName(ref.model, 'v1') }));
    assert.equal(described.ExecutionRoleArn, role);
    assert.equal(described.PrimaryContainer?.Image, image);
    assert.equal(described.PrimaryContainer?.ModelDataUrl, ref.artifactUri);
    assert.equal(described.PrimaryContainer?.ModelDataSource, undefined);
    assert.deepEqual(described.PrimaryContainer?.Environment, { VIGIL_MODEL: ref.model, VIGIL_MODEL_VERSION: 'v1' });
    const listed = await client.send(new ListTagsCommand({ ResourceArn: described.ModelArn }));
    assert.deepEqual(tagMap(listed.Tags), {
      'cost-center': 'ml-platform',
      'vigil:model': ref.model,
      'vigil:version': 'v1',
      'vigil:env': 'all',
      'vigil:workflow': `deploy-${ref.model}`,
    });

    await assert.rejects(modelHost.createModelVersion({ ...ref, artifactUri: 's3://elsewhere/model.tar.gz' }, tags), (error: unknown) => {
      assert.ok(error instanceof NonRetryableError, String(error));
      assert.equal(error.code, 'CONFLICT');
      assert.match(error.message, new RegExp(`${modelResourceName(ref.model, 'v1')}.*s3://elsewhere`));
      return true;
    });
  });

  it('creates a model version from an uncompressed model.json as its folder (S3Prefix, no compression), and reads it back for the conflict check', async () => {
    const modelHost = host();
    const model = unique('churn');
    const folder = `s3://vigil-models/${model}/v1/model/`;
    const ref: ModelVersionRef = { model, version: 'v1', artifactUri: `${folder}model.json` };
    const tags = callerTags(ref, 'all');
    await modelHost.createModelVersion(ref, tags);

    const described = await client.send(new DescribeModelCommand({ ModelName: modelResourceName(model, 'v1') }));
    assert.equal(described.PrimaryContainer?.ModelDataUrl, undefined);
    assert.deepEqual(described.PrimaryContainer?.ModelDataSource, { S3DataSource: { S3Uri: folder, S3DataType: 'S3Prefix', CompressionType: 'None' } });
    assert.equal(described.PrimaryContainer?.Image, image);

    // The same folder, named either way, is the same artifact: nothing to do.
    await modelHost.createModelVersion(ref, tags);
    await modelHost.createModelVersion({ ...ref, artifactUri: folder }, tags);
    for (const elsewhere of [`s3://vigil-models/${model}/v2/model/model.json`, `s3://vigil-models/${model}/v1/model.tar.gz`]) {
      await assert.rejects(modelHost.createModelVersion({ ...ref, artifactUri: elsewhere }, tags), (error: unknown) => {
        assert.ok(error instanceof NonRetryableError, String(error));
        assert.equal(error.code, 'CONFLICT');
        assert.ok(error.message.includes(`exists with artifact ${folder}, not`), error.message);
        return true;
      });
    }
    // A model created from a model.tar.gz conflicts with the folder form too.
    const packed = version(unique('churn'), 'v1');
    await modelHost.createModelVersion(packed, tags);
    await assert.rejects(modelHost.createModelVersion({ ...packed, artifactUri: `s3://vigil-models/${packed.model}/v1/` }, tags), { name: 'NonRetryableError', code: 'CONFLICT' });
  });

  it('maps artifact URIs to model data and refuses what the container could not load', async () => {
    assert.deepEqual(modelDataOf('s3://b/m/v1/model.tar.gz', 'x'), { ModelDataUrl: 's3://b/m/v1/model.tar.gz' });
    const folder = { ModelDataSource: { S3DataSource: { S3Uri: 's3://b/m/v1/model/', S3DataType: 'S3Prefix', CompressionType: 'None' } } };
    assert.deepEqual(modelDataOf('s3://b/m/v1/model/model.json', 'x'), folder);
    assert.deepEqual(modelDataOf('s3://b/m/v1/model/', 'x'), folder);
    const modelHost = host();
    for (const artifactUri of ['s3://b/m/v1/weights.json', 's3://b/', 's3://b/model.json', '/tmp/model/']) {
      await assert.rejects(modelHost.createModelVersion({ model: unique('churn'), version: 'v1', artifactUri }, {}), (error: unknown) => {
        assert.ok(error instanceof NonRetryableError, String(error));
        assert.equal(error.code, 'INVALID_INPUT');
        assert.ok(error.message.includes(artifactUri), error.message);
        return true;
      });
    }
  });

  it('creates the endpoint on the first pointEndpoint, on the version config, and does nothing when asked again', async () => {
    const modelHost = host();
    const model = unique('churn');
    const endpoint = await deployed(modelHost, model, ['v1']);
    const configName = endpointConfigName(model, 'v1', endpoint);

    const described = await client.send(new DescribeEndpointCommand({ EndpointName: endpoint }));
    assert.equal(described.EndpointStatus, 'InService');
    assert.equal(described.EndpointConfigName, configName);
    assert.deepEqual(endpoints.updatesOf(endpoint), []);
    const endpointTags = tagMap((await client.send(new ListTagsCommand({ ResourceArn: described.EndpointArn }))).Tags);
    assert.equal(endpointTags['vigil:model'], model);
    assert.equal(endpointTags['vigil:env'], 'staging');
    assert.equal(endpointTags['cost-center'], 'ml-platform');
    assert.equal(endpointTags['vigil:version'], undefined, 'the endpoint outlives its first version');

    const config = await client.send(new DescribeEndpointConfigCommand({ EndpointConfigName: configName }));
    assert.deepEqual(
      config.ProductionVariants?.map((variant) => [variant.VariantName, variant.ModelName, variant.InstanceType, variant.InitialInstanceCount]),
      [['v-v1', modelResourceName(model, 'v1'), 'ml.m5.large', 1]],
    );
    const configTags = tagMap((await client.send(new ListTagsCommand({ ResourceArn: config.EndpointConfigArn }))).Tags);
    assert.equal(configTags['vigil:version'], 'v1');
    assert.equal(configTags['vigil:endpoint'], endpoint);

    assert.deepEqual(await modelHost.describeEndpoint(endpoint), { name: endpoint, status: 'InService', currentVersion: 'v1' });
    await modelHost.pointEndpoint(endpoint, version(model, 'v1'), callerTags(version(model, 'v1'), 'staging'));
    assert.deepEqual(endpoints.updatesOf(endpoint), []);
  });

  it('deletes an endpoint and waits until it is gone (again is success); the next pointEndpoint creates it anew', async () => {
    const modelHost = host();
    const model = unique('retire');
    const endpoint = await deployed(modelHost, model, ['v1']);
    await modelHost.deleteEndpoint(endpoint);
    assert.equal(await modelHost.describeEndpoint(endpoint), undefined);
    await modelHost.deleteEndpoint(endpoint);
    await modelHost.pointEndpoint(endpoint, version(model, 'v1'), callerTags(version(model, 'v1'), 'staging'));
    assert.deepEqual(await modelHost.describeEndpoint(endpoint), { name: endpoint, status: 'InService', currentVersion: 'v1' });
  });

  it('moves to a new version with UpdateEndpoint and the CANARY DeploymentConfig as configured', async () => {
    const reports: WaitProgress[] = [];
    const modelHost = host({ progress: { report: (progress) => reports.push(progress), intervalSeconds: 0.05 } });
    const model = unique('churn');
    const endpoint = await deployed(modelHost, model, ['v1', '2.0.1']);

    const expected = {
      BlueGreenUpdatePolicy: {
        TrafficRoutingConfiguration: { Type: 'CANARY', WaitIntervalInSeconds: 300, CanarySize: { Type: 'CAPACITY_PERCENT', Value: 10 } },
        TerminationWaitInSeconds: 600,
        MaximumExecutionTimeoutInSeconds: 3600,
      },
      AutoRollbackConfiguration: { Alarms: [{ AlarmName: 'vigil-churn-errors' }, { AlarmName: 'vigil-churn-latency' }] },
    };
    const updates = endpoints.updatesOf(endpoint);
    assert.equal(updates.length, 1);
    assert.equal(updates[0]?.previousEndpointConfigName, endpointConfigName(model, 'v1', endpoint));
    assert.equal(updates[0]?.endpointConfigName, endpointConfigName(model, '2.0.1', endpoint));
    assert.deepEqual(updates[0]?.deploymentConfig, expected);

    const described = await client.send(new DescribeEndpointCommand({ EndpointName: endpoint }));
    assert.equal(described.EndpointStatus, 'InService');
    assert.equal(described.EndpointConfigName, endpointConfigName(model, '2.0.1', endpoint));
    assert.deepEqual(described.LastDeploymentConfig, expected);
    assert.deepEqual(await modelHost.describeEndpoint(endpoint), { name: endpoint, status: 'InService', currentVersion: '2.0.1' });
    assert.ok(reports.length > 0, 'progress is reported while the update runs');
    assert.deepEqual([reports[0]?.endpoint, reports[0]?.version], [endpoint, '2.0.1']);

    // A retry after the switch: nothing to do, no second deployment.
    await modelHost.pointEndpoint(endpoint, version(model, '2.0.1'), callerTags(version(model, '2.0.1'), 'staging'));
    assert.equal(endpoints.updatesOf(endpoint).length, 1);
  });

  it('passes a LINEAR policy through and sends no AutoRollbackConfiguration without alarms', async () => {
    const linear: SageMakerDeploymentOptions = {
      trafficRouting: 'LINEAR',
      linearStepPercent: 20,
      waitIntervalSeconds: 120,
      terminationWaitSeconds: 0,
      maximumExecutionTimeoutSeconds: 1800,
      autoRollbackAlarms: [],
    };
    const model = unique('churn');
    const endpoint = await deployed(host({ deployment: linear }), model, ['v1', 'v2']);
    assert.deepEqual(
      endpoints.updatesOf(endpoint).map((update) => update.deploymentConfig),
      [
        {
          BlueGreenUpdatePolicy: {
            TrafficRoutingConfiguration: { Type: 'LINEAR', WaitIntervalInSeconds: 120, LinearStepSize: { Type: 'CAPACITY_PERCENT', Value: 20 } },
            TerminationWaitInSeconds: 0,
            MaximumExecutionTimeoutInSeconds: 1800,
          },
        },
      ],
    );
    assert.equal((await host().describeEndpoint(endpoint))?.currentVersion, 'v2');
  });

  it('rolls back by pointing the endpoint at the previous version, reusing its endpoint config', async () => {
    const modelHost = host();
    const model = unique('churn');
    const endpoint = await deployed(modelHost, model, ['v1', 'v2']);
    await modelHost.pointEndpoint(endpoint, { model, version: 'v1', artifactUri: '' }, callerTags(version(model, 'v1'), 'staging'));

    assert.deepEqual(
      endpoints.updatesOf(endpoint).map((update) => update.endpointConfigName),
      [endpointConfigName(model, 'v2', endpoint), endpointConfigName(model, 'v1', endpoint)],
    );
    assert.equal((await modelHost.describeEndpoint(endpoint))?.currentVersion, 'v1');
    const configs: string[] = [];
    for await (const page of paginateListEndpointConfigs({ client }, { NameContains: model })) {
      configs.push(...(page.EndpointConfigs ?? []).map((config) => config.EndpointConfigName ?? ''));
    }
    assert.deepEqual(configs.sort(), [endpointConfigName(model, 'v1', endpoint), endpointConfigName(model, 'v2', endpoint)].sort());
  });

  it('reports an auto-rollback by alarm as a move not made, with SageMaker\'s FailureReason while the previous version keeps serving', async () => {
    const modelHost = host();
    const model = unique('churn');
    const endpoint = await deployed(modelHost, model, ['v1']);
    await modelHost.createModelVersion(version(model, 'v2'), callerTags(version(model, 'v2'), 'all'));
    endpoints.setNextUpdate(endpoint, { outcome: { kind: 'alarm-rollback', alarmName: 'vigil-churn-errors' } });
    // As the shim words it.
    const reason = 'Deployment rolled back: CloudWatch alarm vigil-churn-errors went into ALARM state during the deployment.';

    const move = await modelHost.pointEndpoint(endpoint, version(model, 'v2'), callerTags(version(model, 'v2'), 'staging'));
    assert.ok(!move.moved, 'the platform reverted the move');
    assert.ok(move.reason.includes(endpoint), move.reason);
    assert.match(move.reason, /version v2/);
    assert.ok(move.reason.includes(`: ${reason}`), move.reason);
    assert.deepEqual(await modelHost.describeEndpoint(endpoint), { name: endpoint, status: 'InService', currentVersion: 'v1', lastFailure: reason });
    const described = await client.send(new DescribeEndpointCommand({ EndpointName: endpoint }));
    assert.equal(described.EndpointConfigName, endpointConfigName(model, 'v1', endpoint));
    assert.equal(described.LastDeploymentConfig?.BlueGreenUpdatePolicy?.TrafficRoutingConfiguration?.Type, 'CANARY');
  });

  it('reports an update that failed for another cause (InService on the old config) as a move not made, with the reason verbatim, and can deploy again', async () => {
    const modelHost = host();
    const model = unique('churn');
    const endpoint = await deployed(modelHost, model, ['v1']);
    await modelHost.createModelVersion(version(model, 'v2'), callerTags(version(model, 'v2'), 'all'));
    const reason = 'Unable to provision requested ML compute capacity due to InsufficientInstanceCapacity error. Please retry using a different ML instance type.';
    endpoints.setNextUpdate(endpoint, { outcome: { kind: 'update-failed', reason } });

    const move = await modelHost.pointEndpoint(endpoint, version(model, 'v2'), {});
    assert.ok(!move.moved, 'the platform reverted the move');
    assert.ok(move.reason.includes(endpoint), move.reason);
    assert.ok(move.reason.includes(`: ${reason}`), move.reason);
    const described = await client.send(new DescribeEndpointCommand({ EndpointName: endpoint }));
    assert.deepEqual([described.EndpointStatus, described.EndpointConfigName, described.FailureReason], ['InService', endpointConfigName(model, 'v1', endpoint), reason]);
    assert.deepEqual(await modelHost.describeEndpoint(endpoint), { name: endpoint, status: 'InService', currentVersion: 'v1', lastFailure: reason });

    // The endpoint still serves: a later attempt updates it normally.
    await modelHost.pointEndpoint(endpoint, version(model, 'v2'), {});
    assert.deepEqual(await modelHost.describeEndpoint(endpoint), { name: endpoint, status: 'InService', currentVersion: 'v2' });
    assert.equal((await client.send(new DescribeEndpointCommand({ EndpointName: endpoint }))).FailureReason, undefined);
  });

  it('reports a CreateEndpoint that ends Failed, then refuses to deploy on it, saying to delete it; once deleted, deploys create it anew', async () => {
    const modelHost = host();
    const model = unique('churn');
    const endpoint = unique('ep');
    await modelHost.createModelVersion(version(model, 'v1'), callerTags(version(model, 'v1'), 'all'));
    const reason = 'The primary container for production variant v-v1 did not pass the ping health check.';
    endpoints.setNextCreate(endpoint, { outcome: { kind: 'failed', reason } });

    await assert.rejects(modelHost.pointEndpoint(endpoint, version(model, 'v1'), {}), (error: unknown) => {
      assert.ok(error instanceof NonRetryableError, String(error));
      assert.equal(error.code, 'DEPLOY_FAILED');
      assert.ok(error.message.includes(endpoint) && error.message.includes(reason), error.message);
      return true;
    });
    assert.equal((await modelHost.describeEndpoint(endpoint))?.status, 'Failed');
    await assert.rejects(modelHost.pointEndpoint(endpoint, version(model, 'v1'), {}, { traffic: 'immediate' }), (error: unknown) => {
      assert.ok(error instanceof NonRetryableError, String(error));
      assert.equal(error.code, 'ENDPOINT_FAILED');
      assert.ok(error.message.includes(reason), error.message);
      assert.match(error.message, new RegExp(`only DeleteEndpoint.*delete endpoint ${endpoint}`));
      return true;
    });
    assert.deepEqual(endpoints.updatesOf(endpoint), []);

    await client.send(new DeleteEndpointCommand({ EndpointName: endpoint }));
    await modelHost.pointEndpoint(endpoint, version(model, 'v1'), {});
    assert.deepEqual(await modelHost.describeEndpoint(endpoint), { name: endpoint, status: 'InService', currentVersion: 'v1' });
  });

  it('stops waiting at once when the endpoint lands in a state SageMaker will not leave by itself (UpdateRollbackFailed)', async () => {
    const modelHost = host({ maxWaitSeconds: 30 });
    const model = unique('churn');
    const endpoint = await deployed(modelHost, model, ['v1']);
    await modelHost.createModelVersion(version(model, 'v2'), callerTags(version(model, 'v2'), 'all'));
    const reason = 'Rolling back the deployment failed: the old fleet did not pass the ping health check.';
    endpoints.setNextUpdate(endpoint, { outcome: { kind: 'rollback-failed', reason } });

    const started = Date.now();
    await assert.rejects(modelHost.pointEndpoint(endpoint, version(model, 'v2'), {}), (error: unknown) => {
      assert.ok(error instanceof NonRetryableError, String(error));
      assert.equal(error.code, 'DEPLOY_FAILED');
      assert.ok(error.message.includes(endpoint) && error.message.includes('UpdateRollbackFailed') && error.message.includes(reason), error.message);
      return true;
    });
    assert.ok(Date.now() - started < 5000, `gave up after ${Date.now() - started} ms, not at the end of the update`);
    // Nothing is stacked on it either.
    await assert.rejects(modelHost.pointEndpoint(endpoint, version(model, 'v2'), {}), (error: unknown) => {
      assert.ok(error instanceof NonRetryableError, String(error));
      assert.equal(error.code, 'ENDPOINT_FAILED');
      assert.ok(error.message.includes('UpdateRollbackFailed') && error.message.includes(reason), error.message);
      return true;
    });
    assert.equal(endpoints.updatesOf(endpoint).length, 1);
  });

  it('stops waiting when the cancellation signal aborts, throwing its reason, and heartbeats until then', async () => {
    const controller = new AbortController();
    const reports: WaitProgress[] = [];
    const modelHost = host({
      cancellation: () => controller.signal,
      progress: { report: (progress) => reports.push(progress), intervalSeconds: 0.05 },
    });
    const model = unique('churn');
    const endpoint = await deployed(host(), model, ['v1']);
    await modelHost.createModelVersion(version(model, 'v2'), callerTags(version(model, 'v2'), 'all'));
    endpoints.setNextUpdate(endpoint, { durationMs: 15_000 });

    const cancelled = new Error('activity cancelled');
    const pointing = modelHost.pointEndpoint(endpoint, version(model, 'v2'), {});
    // Cancelled once the wait has reported (not after a fixed delay, which a busy machine outruns).
    let abortedAt = 0;
    const abortOnceReported = setInterval(() => {
      if (reports.length === 0) return;
      clearInterval(abortOnceReported);
      abortedAt = Date.now();
      controller.abort(cancelled);
    }, 20);
    await assert.rejects(pointing, (error: unknown) => error === cancelled).finally(() => clearInterval(abortOnceReported));
    assert.ok(abortedAt > 0, 'progress is reported until the cancellation');
    assert.ok(Date.now() - abortedAt < 3000, `stopped ${Date.now() - abortedAt} ms after the cancellation`);
    const reportsAtCancel = reports.length;
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(reports.length, reportsAtCancel, 'no progress is reported after the wait stopped');
    // The update itself goes on in SageMaker.
    assert.equal((await host().describeEndpoint(endpoint))?.status, 'Updating');
    // An already-aborted signal stops before the first look.
    await assert.rejects(host({ cancellation: () => controller.signal }).pointEndpoint(endpoint, version(model, 'v2'), {}), (error: unknown) => error === cancelled);
  });

  it('moves traffic immediately when asked: ALL_AT_ONCE, no bake, no alarms', async () => {
    const modelHost = host();
    const model = unique('churn');
    const endpoint = await deployed(modelHost, model, ['v1', 'v2']);
    await modelHost.pointEndpoint(endpoint, version(model, 'v1'), callerTags(version(model, 'v1'), 'staging'), { traffic: 'immediate' });
    await modelHost.createModelVersion(version(model, 'v3'), callerTags(version(model, 'v3'), 'all'));
    await modelHost.pointEndpoint(endpoint, version(model, 'v3'), callerTags(version(model, 'v3'), 'staging'), { traffic: 'rollout' });

    const immediate = {
      BlueGreenUpdatePolicy: {
        TrafficRoutingConfiguration: { Type: 'ALL_AT_ONCE', WaitIntervalInSeconds: 0 },
        TerminationWaitInSeconds: 0,
        MaximumExecutionTimeoutInSeconds: 3600,
      },
    };
    const updates = endpoints.updatesOf(endpoint);
    assert.deepEqual(
      updates.map((update) => update.endpointConfigName),
      ['v2', 'v1', 'v3'].map((name) => endpointConfigName(model, name, endpoint)),
    );
    assert.deepEqual(updates[1]?.deploymentConfig, immediate);
    for (const index of [0, 2]) {
      const config = updates[index]?.deploymentConfig as { AutoRollbackConfiguration?: unknown; BlueGreenUpdatePolicy?: { TrafficRoutingConfiguration?: { Type?: string } } };
      assert.equal(config.BlueGreenUpdatePolicy?.TrafficRoutingConfiguration?.Type, 'CANARY');
      assert.deepEqual(config.AutoRollbackConfiguration, { Alarms: [{ AlarmName: 'vigil-churn-errors' }, { AlarmName: 'vigil-churn-latency' }] });
    }
    assert.equal((await modelHost.describeEndpoint(endpoint))?.currentVersion, 'v3');
  });

  it('creates endpoint configs with the KMS key for the instances\' storage volumes', async () => {
    const kmsKeyId = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    const model = unique('churn');
    const endpoint = await deployed(host({ kmsKeyId }), model, ['v1']);
    const config = await client.send(new DescribeEndpointConfigCommand({ EndpointConfigName: endpointConfigName(model, 'v1', endpoint) }));
    assert.equal(config.KmsKeyId, kmsKeyId);
    // The same settings find the config as they left it.
    await host({ kmsKeyId }).pointEndpoint(endpoint, version(model, 'v1'), {});
  });

  it('refuses to reuse an endpoint config built with other settings, naming the config and the setting', async () => {
    const model = unique('churn');
    const endpoint = await deployed(host(), model, ['v1', 'v2']);
    const configName = endpointConfigName(model, 'v1', endpoint);
    const changes: [Partial<SageMakerModelHostOptions>, RegExp][] = [
      [{ instanceType: 'ml.c5.xlarge' }, /instance type ml\.m5\.large, not ml\.c5\.xlarge/],
      [{ initialInstanceCount: 2 }, /initial instance count 1, not 2/],
      [{ kmsKeyId: 'alias/vigil-endpoints' }, /KMS key none, not alias\/vigil-endpoints/],
    ];
    for (const [change, setting] of changes) {
      await assert.rejects(host(change).pointEndpoint(endpoint, version(model, 'v1'), {}, { traffic: 'immediate' }), (error: unknown) => {
        assert.ok(error instanceof NonRetryableError, String(error));
        assert.equal(error.code, 'CONFLICT');
        assert.ok(error.message.includes(configName), error.message);
        assert.match(error.message, setting);
        assert.match(error.message, /cannot be changed in place/);
        return true;
      });
    }
    assert.equal(endpoints.updatesOf(endpoint).length, 1);
    // With the settings it was built with, the config is reused.
    await host().pointEndpoint(endpoint, version(model, 'v1'), {}, { traffic: 'immediate' });
    assert.equal((await host().describeEndpoint(endpoint))?.currentVersion, 'v1');
  });

  it('waits for a deployment already in progress (an attempt that gave up) instead of starting another', async () => {
    const model = unique('churn');
    const endpoint = await deployed(host(), model, ['v1']);
    await host().createModelVersion(version(model, 'v2'), callerTags(version(model, 'v2'), 'all'));
    endpoints.setNextUpdate(endpoint, { durationMs: 1500 });

    await assert.rejects(host({ maxWaitSeconds: 0.2 }).pointEndpoint(endpoint, version(model, 'v2'), {}), (error: unknown) => {
      assert.ok(error instanceof RetryableError, String(error));
      assert.equal(error.code, 'TIMEOUT');
      assert.ok(error.message.includes(endpoint), error.message);
      return true;
    });
    // The old version serves while the new fleet comes up.
    assert.deepEqual(await host().describeEndpoint(endpoint), { name: endpoint, status: 'Updating', currentVersion: 'v1' });

    await host().pointEndpoint(endpoint, version(model, 'v2'), {});
    assert.equal(endpoints.updatesOf(endpoint).length, 1);
    assert.deepEqual(await host().describeEndpoint(endpoint), { name: endpoint, status: 'InService', currentVersion: 'v2' });
  });

  it('surfaces SageMaker refusing the DeploymentConfig as a NonRetryableError naming the endpoint', async () => {
    const model = unique('churn');
    const endpoint = await deployed(host(), model, ['v1']);
    await host().createModelVersion(version(model, 'v2'), callerTags(version(model, 'v2'), 'all'));
    const refusals: [Partial<SageMakerDeploymentOptions>, RegExp][] = [
      [{ canaryPercent: 80 }, /CanarySize/],
      [{ maximumExecutionTimeoutSeconds: 300 }, /maximumExecutionTimeoutInSeconds.*greater than or equal to 600/],
      [{ waitIntervalSeconds: 7200 }, /waitIntervalInSeconds.*less than or equal to 3600/],
    ];
    for (const [change, message] of refusals) {
      await assert.rejects(host({ deployment: { ...canary, ...change } }).pointEndpoint(endpoint, version(model, 'v2'), {}), (error: unknown) => {
        assert.ok(error instanceof NonRetryableError, String(error));
        assert.equal(error.code, 'INVALID_INPUT');
        assert.ok(error.message.includes(endpoint), error.message);
        assert.match(error.message, /ValidationException/);
        assert.match(error.message, message);
        return true;
      });
    }
    assert.deepEqual(endpoints.updatesOf(endpoint), []);
    assert.equal((await host().describeEndpoint(endpoint))?.currentVersion, 'v1');
    // What cannot be sent at all is refused when the host is built.
    assert.throws(() => host({ deployment: { ...canary, canaryPercent: undefined } }), { name: 'NonRetryableError', message: /canaryPercent/ });
    assert.throws(() => host({ maxWaitSeconds: 1, pollDelaySeconds: { min: 5, max: 10 } }), { name: 'NonRetryableError', code: 'INVALID_CONFIG' });
  });

  it('the shim refuses updates as SageMaker does', async () => {
    const model = unique('churn');
    const endpoint = await deployed(host(), model, ['v1']);
    const configName = endpointConfigName(model, 'v1', endpoint);
    const update = (input: Partial<ConstructorParameters<typeof UpdateEndpointCommand>[0]>) =>
      client.send(new UpdateEndpointCommand({ EndpointName: endpoint, EndpointConfigName: configName, ...input }));
    const routing = { Type: 'ALL_AT_ONCE' as const, WaitIntervalInSeconds: 0 };

    await assert.rejects(update({ EndpointName: unique('missing') }), { name: 'ValidationException', message: /Could not find endpoint/ });
    await assert.rejects(update({ EndpointConfigName: unique('missing') }), { name: 'ValidationException', message: /Could not find endpoint configuration/ });
    await assert.rejects(update({ DeploymentConfig: { BlueGreenUpdatePolicy: { TrafficRoutingConfiguration: { Type: 'LINEAR', WaitIntervalInSeconds: 0 } } } }), {
      name: 'ValidationException',
      message: /linearStepSize/,
    });
    const alarms = Array.from({ length: 11 }, (_, index) => ({ AlarmName: `alarm-${index}` }));
    await assert.rejects(update({ DeploymentConfig: { BlueGreenUpdatePolicy: { TrafficRoutingConfiguration: routing }, AutoRollbackConfiguration: { Alarms: alarms } } }), {
      name: 'ValidationException',
      message: /length between 1 and 10/,
    });
    await assert.rejects(
      client.send(new CreateModelCommand({ ModelName: modelResourceName(model, 'v1'), ExecutionRoleArn: role, PrimaryContainer: { Image: image } })),
      { name: 'ValidationException', message: /Cannot create already existing model/ },
    );
    assert.deepEqual(endpoints.updatesOf(endpoint), []);

    endpoints.setNextUpdate(endpoint, { durationMs: 1000 });
    await update({ DeploymentConfig: { BlueGreenUpdatePolicy: { TrafficRoutingConfiguration: routing } } });
    await assert.rejects(update({}), { name: 'ValidationException', message: /Cannot update in-progress endpoint/ });
    assert.equal(endpoints.updatesOf(endpoint).length, 1);
  });

  it('describes a missing endpoint as undefined and finds the version of a variant whose name cannot carry it', async () => {
    const modelHost = host();
    assert.equal(await modelHost.describeEndpoint(unique('missing')), undefined);

    const model = unique('churn');
    const long = `release.${'7'.repeat(40)}`;
    const endpoint = await deployed(modelHost, model, [long]);
    const variant = await servingVariant(endpoint);
    assert.match(variant, /^h-[0-9a-f]{16}$/);
    assert.deepEqual(await modelHost.describeEndpoint(endpoint), { name: endpoint, status: 'InService', currentVersion: long });

    await queueAnswers([{ Body: '0.5\n', ContentType: 'text/csv', InvokedProductionVariant: variant }]);
    assert.equal((await modelHost.invoke(endpoint, [[1]])).modelVersion, long);
  });

  it('sends rows as CSV and reads one prediction per line, with the version that answered', async () => {
    const modelHost = host();
    const endpoint = await deployed(modelHost, unique('churn'), ['v1']);
    await queueAnswers([{ Body: '0.25\n1.5\n-3\n', ContentType: 'text/csv', InvokedProductionVariant: await servingVariant(endpoint) }]);

    const { result, sent } = await invocationsDuring(() =>
      modelHost.invoke(endpoint, [
        [1, 'a,b', null],
        [2.5, 'say "hi"', true],
        [3, 'plain', false],
      ]),
    );
    assert.deepEqual(result.predictions, [0.25, 1.5, -3]);
    assert.equal(result.modelVersion, 'v1');
    assert.ok(result.latencyMs >= 0);
    assert.deepEqual(sent, [{ body: '1,"a,b",\n2.5,"say ""hi""",true\n3,plain,false\n', contentType: 'text/csv', accept: 'text/csv' }]);
  });

  it('reads JSON answers: an array, or {"predictions": [...]}', async () => {
    const modelHost = host();
    const endpoint = await deployed(modelHost, unique('churn'), ['v1']);
    const variant = await servingVariant(endpoint);
    await queueAnswers([
      { Body: '[0.5, 0.75]', ContentType: 'application/json', InvokedProductionVariant: variant },
      { Body: '{"predictions": [[1], [2]]}', ContentType: 'application/json', InvokedProductionVariant: variant },
    ]);
    assert.deepEqual((await modelHost.invoke(endpoint, [[1], [2]])).predictions, [0.5, 0.75]);
    assert.deepEqual((await modelHost.invoke(endpoint, [[3], [4]])).predictions, [1, 2]);
  });

  it('refuses an answer whose prediction count does not match the rows, naming the endpoint', async () => {
    const modelHost = host();
    const endpoint = await deployed(modelHost, unique('churn'), ['v1']);
    await queueAnswers([{ Body: '1\n2\n', ContentType: 'text/csv', InvokedProductionVariant: await servingVariant(endpoint) }]);
    await assert.rejects(modelHost.invoke(endpoint, [[1], [2], [3]]), (error: unknown) => {
      assert.ok(error instanceof NonRetryableError, String(error));
      assert.equal(error.code, 'BAD_RESPONSE');
      assert.ok(error.message.includes(endpoint), error.message);
      assert.match(error.message, /expected 3 predictions, got 2/);
      return true;
    });
  });

  it('splits rows into several requests under maxPayloadBytes, keeping their order', async () => {
    const modelHost = host({ maxPayloadBytes: 40 });
    const endpoint = await deployed(modelHost, unique('churn'), ['v1']);
    const variant = await servingVariant(endpoint);
    // Each row is 16 bytes of CSV: two rows fit in 40 bytes, three do not.
    const rows = Array.from({ length: 10 }, (_, index) => [index, 'feature-value']);
    await queueAnswers(Array.from({ length: 5 }, (_, batch) => ({ Body: `${batch * 2}\n${batch * 2 + 1}\n`, ContentType: 'text/csv', InvokedProductionVariant: variant })));

    const { result, sent } = await invocationsDuring(() => modelHost.invoke(endpoint, rows));
    assert.deepEqual(result.predictions, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.equal(sent.length, 5);
    assert.ok(sent.every((request) => Buffer.byteLength(request.body) <= 40));
    assert.equal(sent.map((request) => request.body).join(''), rows.map((row) => `${row.join(',')}\n`).join(''));

    await assert.rejects(modelHost.invoke(endpoint, [[1, 'x'.repeat(100)]]), { name: 'NonRetryableError', code: 'PAYLOAD_TOO_LARGE' });
  });

  it('reports no modelVersion when the batches of one call are answered by different variants (mid-rollout)', async () => {
    const modelHost = host({ maxPayloadBytes: 40 });
    const model = unique('churn');
    const endpoint = await deployed(modelHost, model, ['v1', 'v2']);
    // moto answers a body it has seen before as it did then: rows no other test sends, two per request.
    const rows = Array.from({ length: 4 }, (_, index) => [index, 'mid-rollout']);
    await queueAnswers([
      { Body: '0\n1\n', ContentType: 'text/csv', InvokedProductionVariant: variantNameFor('v1') },
      { Body: '2\n3\n', ContentType: 'text/csv', InvokedProductionVariant: variantNameFor('v2') },
    ]);
    const mixed = await modelHost.invoke(endpoint, rows);
    assert.deepEqual(mixed.predictions, [0, 1, 2, 3]);
    assert.equal(mixed.modelVersion, undefined);
    assert.ok(!('modelVersion' in mixed));

    const after = Array.from({ length: 4 }, (_, index) => [index, 'after-rollout']);
    await queueAnswers([
      { Body: '0\n1\n', ContentType: 'text/csv', InvokedProductionVariant: variantNameFor('v2') },
      { Body: '2\n3\n', ContentType: 'text/csv', InvokedProductionVariant: variantNameFor('v2') },
    ]);
    assert.equal((await modelHost.invoke(endpoint, after)).modelVersion, 'v2');
  });

  it('maps a container error (ModelError) to a NonRetryableError naming the endpoint, and a throttled or overloaded container to a RetryableError', async () => {
    // SageMaker's answer when the container fails; moto cannot produce one. Each request takes the next status.
    const statuses = [500, 429, 503, 504, 400];
    const answers: Record<number, string> = {
      500: 'could not convert string to float',
      429: 'too many requests',
      503: 'worker pool exhausted',
      504: 'prediction timed out',
      400: 'bad input row',
    };
    let next = 0;
    const server = createServer((request, response) => {
      request.resume();
      const status = statuses[next++ % statuses.length] ?? 500;
      const body = JSON.stringify({ Message: `Received server error (${status}) from primary.`, OriginalStatusCode: status, OriginalMessage: answers[status] });
      response.writeHead(424, { 'content-type': 'application/json', 'x-amzn-errortype': 'ModelError' });
      response.end(body);
    });
    const { origin } = await listen(server);
    const failing = new SageMakerRuntimeClient({ ...awsClientConfig(origin), maxAttempts: 1 });
    try {
      const modelHost = host({ runtimeClient: failing });
      for (const status of statuses) {
        await assert.rejects(modelHost.invoke('churn-production', [[1, 'x']]), (error: unknown) => {
          const busy = status === 429 || status === 503 || status === 504;
          assert.ok(busy ? error instanceof RetryableError : error instanceof NonRetryableError, `${status}: ${String(error)}`);
          assert.equal((error as RetryableError | NonRetryableError).code, status === 429 ? 'THROTTLED' : busy ? 'HTTP_5XX' : 'MODEL_ERROR');
          assert.match((error as Error).message, new RegExp(`churn-production.*${status}: ${answers[status] ?? '?'}`));
          return true;
        });
      }
    } finally {
      failing.destroy();
      await closeServer(server);
    }
  });

  it('lists the versions of a model by its tags, with the exact version names', async () => {
    const modelHost = host();
    // A "-" in the model name makes every resource name hashed.
    const model = unique('churn-');
    for (const name of ['v1', 'v2', 'v3#hotfix']) await modelHost.createModelVersion(version(model, name), callerTags(version(model, name), 'all'));
    // Same name prefix, another model; and a model nobody tagged.
    await modelHost.createModelVersion(version(`${model}-shadow`, 'v1'), callerTags(version(`${model}-shadow`, 'v1'), 'all'));
    await client.send(new CreateModelCommand({ ModelName: `${resourceNamePrefix([model])}-foreign`, ExecutionRoleArn: role, PrimaryContainer: { Image: image } }));

    const listed = await modelHost.listModelVersions(model);
    assert.deepEqual(listed.map((entry) => entry.version).sort(), ['v1', 'v2', 'v3#hotfix']);
    for (const entry of listed) assert.match(entry.createdAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    assert.deepEqual(await modelHost.listModelVersions(unique('nothing')), []);
  });

  it('refuses to delete the version an endpoint serves and deletes an unused one with its endpoint configs', async () => {
    const modelHost = host();
    const model = unique('churn');
    const endpoint = await deployed(modelHost, model, ['v1', 'v2']);

    await assert.rejects(modelHost.deleteModelVersion(model, 'v2'), (error: unknown) => {
      assert.ok(error instanceof NonRetryableError, String(error));
      assert.equal(error.code, 'IN_USE');
      assert.ok(error.message.includes(endpoint), error.message);
      return true;
    });
    await modelHost.deleteModelVersion(model, 'v1');
    await assert.rejects(client.send(new DescribeModelCommand({ ModelName: modelResourceName(model, 'v1') })), { name: 'ValidationException' });
    await assert.rejects(client.send(new DescribeEndpointConfigCommand({ EndpointConfigName: endpointConfigName(model, 'v1', endpoint) })), {
      name: 'ValidationException',
    });
    await client.send(new DescribeEndpointConfigCommand({ EndpointConfigName: endpointConfigName(model, 'v2', endpoint) }));
    assert.deepEqual((await modelHost.listModelVersions(model)).map((entry) => entry.version), ['v2']);
    // Deleting what is already gone is done, not an error.
    await modelHost.deleteModelVersion(model, 'v1');
  });

  it('maps an unreachable SageMaker to a RetryableError', async () => {
    const closed = new SageMakerClient({ ...awsClientConfig(`http://127.0.0.1:${await freePort()}`), maxAttempts: 1 });
    try {
      await assert.rejects(host({ client: closed }).describeEndpoint('churn-production'), (error: unknown) => {
        assert.ok(error instanceof RetryableError, String(error));
        assert.equal(error.code, 'CONNECTION');
        assert.match(error.message, /churn-production/);
        return true;
      });
    } finally {
      closed.destroy();
    }
  });

  it('derives name filters and variant names that agree with the resource names', () => {
    const models = ['churn', 'churn-model', 'churn_model', 'Churn.Model', 'c'.repeat(70), '--x--', `${'m'.repeat(48)}-y`];
    const versions = ['v1', '2.0.1', 'v3#hotfix', 'x'.repeat(70), '-'];
    const endpointNames = ['production', 'churn-staging', 'a_b', '###'];
    for (const model of models) {
      for (const name of versions) {
        assert.ok(modelResourceName(model, name).includes(resourceNamePrefix([model])), `${model} ${name}`);
        for (const endpoint of endpointNames) {
          assert.ok(endpointConfigName(model, name, endpoint).includes(resourceNamePrefix([model, name])), `${model} ${name} ${endpoint}`);
        }
      }
    }
    for (const name of ['v1', '2.0.1', 'release-2024-06', 'v3#hotfix', 'x'.repeat(30)]) {
      assert.equal(versionFromVariantName(variantNameFor(name)), name);
      assert.match(variantNameFor(name), /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/);
    }
    assert.equal(versionFromVariantName(variantNameFor('y'.repeat(80))), undefined);
    assert.equal(versionFromVariantName('AllTraffic'), undefined);
  });
});
