// The ModelHost port on SageMaker: a model version is a SageMaker Model, pointing an endpoint at it
// is an endpoint config (one per endpoint and version) plus CreateEndpoint or a blue/green
// UpdateEndpoint (sagemaker-deployment-rollout.ts), and scoring is InvokeEndpoint with CSV
// (../csv-payload.ts, answers read by sagemaker-invoke.ts). Names come from domain/deploy/names.ts,
// so a retried step finds what an earlier attempt created instead of creating it again.
import { performance } from 'node:perf_hooks';
import {
  CreateModelCommand,
  DeleteEndpointCommand,
  DeleteEndpointConfigCommand,
  waitUntilEndpointDeleted,
  DeleteModelCommand,
  SageMakerClient,
  paginateListEndpointConfigs,
  paginateListModels,
  type ProductionVariantInstanceType,
  type SageMakerClientConfig,
} from '@aws-sdk/client-sagemaker';
import { InvokeEndpointCommand, ModelError, SageMakerRuntimeClient, type InvokeEndpointCommandOutput } from '@aws-sdk/client-sagemaker-runtime';
import { modelResourceName } from '../../../../domain/deploy/names.js';
import type { EndpointMove } from '../../../../domain/deploy/types.js';
import { NonRetryableError, RetryableError } from '../../../../domain/errors.js';
import type { EndpointDescription, InvokeResult, ModelHost, ModelVersionRef, PointOptions } from '../../../../ports/model-host.js';
import { AWS_MAX_ATTEMPTS, classifyAwsError } from '../../errors.js';
import { blueGreenDeploymentConfig, immediateDeploymentConfig, type SageMakerDeploymentOptions } from './deployment-config.js';
import { EndpointRollout, type WaitProgress } from './deployment-rollout.js';
import { csvBatches, RowTooLargeError, type Cell, type CsvBatch } from '../../../shared/csv-payload.js';
import { DEFAULT_MAX_PAYLOAD_BYTES, parsePredictions } from './invoke.js';
import { errorName, isAlreadyExisting, isNotFound, SageMakerLookup } from './model-host-lookup.js';
import { identityTags, resourceNamePrefix, tagList } from './model-host-names.js';
import { modelDataLocation, modelDataOf } from '../model-data.js';

export type { SageMakerDeploymentOptions, TrafficRouting } from './deployment-config.js';
export type { WaitProgress } from './deployment-rollout.js';

export const DEFAULT_INSTANCE_TYPE: ProductionVariantInstanceType = 'ml.m5.large';
export const DEFAULT_MAX_WAIT_SECONDS = 3600;
export const DEFAULT_POLL_DELAY_SECONDS = { min: 15, max: 60 } as const;

export interface SageMakerModelHostOptions {
  /** A ready control-plane client (its own retry settings apply; close() leaves it open). */
  client?: SageMakerClient;
  /** A ready runtime client for InvokeEndpoint (close() leaves it open). */
  runtimeClient?: SageMakerRuntimeClient;
  /** Region, credentials, endpoint... of the clients built here; maxAttempts defaults to AWS_MAX_ATTEMPTS. */
  clientConfig?: SageMakerClientConfig;
  /** The role SageMaker assumes to pull the image and the artifact. */
  executionRoleArn: string;
  /** Inference container image URI (the SageMaker contract: GET /ping, POST /invocations). */
  image: string;
  /** Default ml.m5.large. */
  instanceType?: ProductionVariantInstanceType;
  /** Default 1. */
  initialInstanceCount?: number;
  /** KMS key SageMaker encrypts the endpoint instances' storage volumes with (CreateEndpointConfig KmsKeyId); AWS-managed when absent. */
  kmsKeyId?: string;
  /** The 'rollout' traffic policy (steps, bake times, auto-rollback alarms); an 'immediate' move takes only its maximumExecutionTimeoutSeconds. */
  deployment: SageMakerDeploymentOptions;
  /** Longest wait for an endpoint to settle in pointEndpoint (default 3600 s). */
  maxWaitSeconds?: number;
  /** Endpoint wait polling: first and longest delay between DescribeEndpoint calls (default 15 s and 60 s; the delay doubles from one to the other). */
  pollDelaySeconds?: { min: number; max: number };
  /** Called every intervalSeconds (default 10) while an endpoint is waited for: where an activity heartbeats. */
  progress?: { report: (progress: WaitProgress) => void; intervalSeconds?: number };
  /**
   * Asked at the start of each endpoint wait (an activity's cancellation signal): when it aborts,
   * the wait stops and pointEndpoint throws the signal's reason. The deployment itself goes on in SageMaker.
   */
  cancellation?: () => AbortSignal | undefined;
  /** Put on every resource created; the caller's tags and vigil:model/vigil:version win on the same key. */
  tags?: Record<string, string>;
  /** Largest InvokeEndpoint body; more rows go in several requests. Default 5 MiB. */
  maxPayloadBytes?: number;
}

function portStatus(status: string | undefined): EndpointDescription['status'] {
  switch (status) {
    case 'Creating':
    case 'Updating':
    case 'RollingBack':
    case 'InService':
    case 'Failed':
    case 'Deleting':
    case 'OutOfService':
      return status;
    case 'SystemUpdating':
      return 'Updating';
    case 'UpdateRollbackFailed':
      return 'Failed';
    default:
      return 'OutOfService';
  }
}

export class SageMakerModelHost implements ModelHost {
  private readonly client: SageMakerClient;
  private readonly runtime: SageMakerRuntimeClient;
  private readonly owned: { destroy(): void }[] = [];
  private readonly lookup: SageMakerLookup;
  private readonly rollout: EndpointRollout;
  private readonly maxPayloadBytes: number;

  constructor(private readonly options: SageMakerModelHostOptions) {
    const config = { maxAttempts: AWS_MAX_ATTEMPTS, ...options.clientConfig };
    this.client = options.client ?? this.own(new SageMakerClient(config));
    this.runtime = options.runtimeClient ?? this.own(new SageMakerRuntimeClient(config));
    this.lookup = new SageMakerLookup(this.client);
    const maxWaitSeconds = options.maxWaitSeconds ?? DEFAULT_MAX_WAIT_SECONDS;
    const pollDelaySeconds = options.pollDelaySeconds ?? DEFAULT_POLL_DELAY_SECONDS;
    // Settings the endpoint wait cannot honour: refused at startup, not mid-deploy.
    if (!(pollDelaySeconds.min > 0 && pollDelaySeconds.max >= pollDelaySeconds.min && maxWaitSeconds > pollDelaySeconds.min)) {
      throw new NonRetryableError(
        `SageMaker model host: need 0 < pollDelaySeconds.min <= pollDelaySeconds.max and maxWaitSeconds > pollDelaySeconds.min, got ${JSON.stringify({ maxWaitSeconds, pollDelaySeconds })}`,
        'INVALID_CONFIG',
      );
    }
    this.rollout = new EndpointRollout(this.client, this.lookup, {
      instanceType: options.instanceType ?? DEFAULT_INSTANCE_TYPE,
      initialInstanceCount: options.initialInstanceCount ?? 1,
      kmsKeyId: options.kmsKeyId,
      // Built here: a deployment setting that cannot be sent fails at startup, not mid-deploy.
      deploymentConfigs: { rollout: blueGreenDeploymentConfig(options.deployment), immediate: immediateDeploymentConfig(options.deployment) },
      maxWaitSeconds,
      pollDelaySeconds,
      progress: options.progress,
      cancellation: options.cancellation,
    });
    this.maxPayloadBytes = options.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES;
  }

  /** Destroys the clients this host built (not the ones it was given). */
  close(): void {
    for (const client of this.owned) client.destroy();
  }

  async createModelVersion(ref: ModelVersionRef, tags: Record<string, string>): Promise<void> {
    const name = modelResourceName(ref.model, ref.version);
    const what = `create model ${name} (${ref.model}/${ref.version})`;
    const modelData = modelDataOf(ref.artifactUri, what);
    let existing = await this.lookup.model(name, what);
    if (existing === undefined) {
      try {
        await this.client.send(
          new CreateModelCommand({
            ModelName: name,
            ExecutionRoleArn: this.options.executionRoleArn,
            PrimaryContainer: {
              Image: this.options.image,
              ...modelData,
              // The exact version, which a tag value may not hold (AWS restricts their characters).
              Environment: { VIGIL_MODEL: ref.model, VIGIL_MODEL_VERSION: ref.version },
            },
            Tags: tagList(this.resourceTags(ref.model, ref.version, tags)),
          }),
        );
        return;
      } catch (error) {
        if (!isAlreadyExisting(error)) throw classifyAwsError(error, what);
        // Another attempt created it between our look and our create: check what it holds.
        existing = await this.lookup.model(name, what);
      }
    }
    const artifact = modelDataLocation(existing?.PrimaryContainer);
    const wanted = modelDataLocation(modelData);
    if (artifact !== undefined && artifact !== wanted) {
      throw new NonRetryableError(`${what}: it exists with artifact ${artifact}, not ${wanted ?? ref.artifactUri}; a version name is never reused`, 'CONFLICT');
    }
  }

  /** A new endpoint is created on the version; an existing one is updated the way options.traffic says. */
  async pointEndpoint(endpoint: string, ref: ModelVersionRef, tags: Record<string, string>, options: PointOptions = {}): Promise<EndpointMove> {
    return this.rollout.point(endpoint, ref, this.resourceTags(ref.model, ref.version, tags), options.traffic ?? 'rollout');
  }

  async describeEndpoint(endpoint: string): Promise<EndpointDescription | undefined> {
    const what = `describe endpoint ${endpoint}`;
    const current = await this.lookup.endpoint(endpoint, what);
    if (current === undefined) return undefined;
    const description: EndpointDescription = { name: endpoint, status: portStatus(current.EndpointStatus) };
    // Nothing serves while an endpoint is created; during an update the old version still does.
    if (current.EndpointStatus !== 'Creating') {
      const version = await this.lookup.servingVersion(current, what);
      if (version !== undefined) description.currentVersion = version;
    }
    // Also set on an endpoint InService again after a failed update: it still serves, the old version.
    if (current.FailureReason !== undefined && current.FailureReason !== '') description.lastFailure = current.FailureReason;
    return description;
  }

  async invoke(endpoint: string, rows: Cell[][]): Promise<InvokeResult> {
    const predictions: number[] = [];
    let latencyMs = 0;
    const variants = new Set<string | undefined>();
    for (const batch of this.batches(endpoint, rows)) {
      const context = batch.count === rows.length ? `invoke endpoint ${endpoint}` : `invoke endpoint ${endpoint} (rows ${batch.first + 1}-${batch.first + batch.count})`;
      const started = performance.now();
      const answer = await this.invokeOnce(endpoint, batch.body, context);
      latencyMs += performance.now() - started;
      const body = answer.Body === undefined ? '' : new TextDecoder().decode(answer.Body);
      const parsed = parsePredictions(body, answer.ContentType, batch.count);
      if (!parsed.ok) throw new NonRetryableError(`${context}: ${parsed.reason}`, 'BAD_RESPONSE');
      predictions.push(...parsed.predictions);
      variants.add(answer.InvokedProductionVariant);
    }
    const result: InvokeResult = { predictions, latencyMs };
    // A version only when every batch was answered by the same, named variant: during a rollout
    // SageMaker splits batches between the old and new fleet, and the predictions then come from
    // both versions, which no single modelVersion can say.
    const [variant] = variants.size === 1 ? [...variants] : [];
    const version = variant === undefined ? undefined : await this.lookup.variantVersion(endpoint, variant, `invoke endpoint ${endpoint}`);
    if (version !== undefined) result.modelVersion = version;
    return result;
  }

  async listModelVersions(model: string): Promise<{ version: string; createdAt: string }[]> {
    const what = `list versions of model ${model}`;
    const wanted = identityTags(model, 'any')['vigil:model'];
    const prefix = resourceNamePrefix([model]);
    const versions: { version: string; createdAt: string }[] = [];
    try {
      for await (const page of paginateListModels({ client: this.client }, prefix === '' ? {} : { NameContains: prefix })) {
        for (const summary of page.Models ?? []) {
          const name = summary.ModelName;
          if (name === undefined || summary.ModelArn === undefined || !name.includes(prefix)) continue;
          const tags = await this.lookup.tags(summary.ModelArn, what);
          const tagged = tags['vigil:version'];
          if (tags['vigil:model'] !== wanted || tagged === undefined) continue;
          versions.push({ version: await this.exactVersion(model, name, tagged, what), createdAt: (summary.CreationTime ?? new Date(0)).toISOString() });
        }
      }
    } catch (error) {
      throw classifyAwsError(error, what);
    }
    return versions.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.version.localeCompare(b.version));
  }

  async deleteEndpoint(endpoint: string): Promise<void> {
    const what = `delete endpoint ${endpoint}`;
    try {
      await ignoringNotFound(async () => {
        try {
          await this.client.send(new DeleteEndpointCommand({ EndpointName: endpoint }));
        } catch (error) {
          // An earlier attempt's deletion still under way: wait for it as for this one.
          if (!(errorName(error) === 'ValidationException' && error instanceof Error && /deleting/i.test(error.message))) throw error;
        }
      });
      // SageMaker deletes in the background; an endpoint of the same name cannot be created until it is gone.
      await waitUntilEndpointDeleted({ client: this.client, maxWaitTime: 900, minDelay: 5, maxDelay: 30 }, { EndpointName: endpoint });
    } catch (error) {
      throw classifyAwsError(error, what);
    }
  }

  async deleteModelVersion(model: string, version: string): Promise<void> {
    const name = modelResourceName(model, version);
    const what = `delete model version ${model}/${version} (${name})`;
    const configModels = new Map<string, Set<string>>();
    const users = await this.lookup.endpointsUsing(name, configModels, what);
    if (users.length > 0) {
      throw new NonRetryableError(
        `${what}: endpoint(s) ${users.map((user) => `"${user}"`).join(', ')} serve it or are switching to it; point them at another version first`,
        'IN_USE',
      );
    }
    const prefix = resourceNamePrefix([model, version]);
    try {
      for await (const page of paginateListEndpointConfigs({ client: this.client }, prefix === '' ? {} : { NameContains: prefix })) {
        for (const summary of page.EndpointConfigs ?? []) {
          const configName = summary.EndpointConfigName;
          if (configName === undefined || !configName.includes(prefix)) continue;
          if (!(await this.lookup.configModels(configName, configModels, what)).has(name)) continue;
          await ignoringNotFound(() => this.client.send(new DeleteEndpointConfigCommand({ EndpointConfigName: configName })));
        }
      }
      await ignoringNotFound(() => this.client.send(new DeleteModelCommand({ ModelName: name })));
    } catch (error) {
      throw classifyAwsError(error, what);
    }
  }

  private own<T extends { destroy(): void }>(client: T): T {
    this.owned.push(client);
    return client;
  }

  /** Base tags, then the caller's, then vigil:model/vigil:version, which listing relies on. */
  private resourceTags(model: string, version: string, tags: Record<string, string>): Record<string, string> {
    return { ...this.options.tags, ...tags, ...identityTags(model, version) };
  }

  /** The tag holds the version as AWS allows tag values; when that is not exact, the container's environment is. */
  private async exactVersion(model: string, name: string, tagged: string, what: string): Promise<string> {
    if (modelResourceName(model, tagged) === name) return tagged;
    const described = await this.lookup.model(name, what);
    return described?.PrimaryContainer?.Environment?.VIGIL_MODEL_VERSION ?? tagged;
  }

  private batches(endpoint: string, rows: Cell[][]): CsvBatch[] {
    try {
      return [...csvBatches(rows, this.maxPayloadBytes, 'throw')];
    } catch (error) {
      if (error instanceof RowTooLargeError) throw new NonRetryableError(`invoke endpoint ${endpoint}: ${error.message}`, 'PAYLOAD_TOO_LARGE', { cause: error });
      throw error;
    }
  }

  private async invokeOnce(endpoint: string, body: string, context: string): Promise<InvokeEndpointCommandOutput> {
    try {
      return await this.runtime.send(new InvokeEndpointCommand({ EndpointName: endpoint, Body: body, ContentType: 'text/csv', Accept: 'text/csv' }));
    } catch (error) {
      if (error instanceof ModelError) {
        const original = `${error.OriginalStatusCode ?? '?'}: ${error.OriginalMessage ?? error.message}`;
        const logs = error.LogStreamArn === undefined ? '' : ` (logs: ${error.LogStreamArn})`;
        const message = `${context}: the model container answered ${original}${logs}`;
        // A throttled or overloaded container: the same rows may well be scored a little later.
        const busy = containerBusyCodes.get(error.OriginalStatusCode ?? 0);
        if (busy !== undefined) throw new RetryableError(message, busy, { cause: error });
        // The container failed on these rows: the same request would fail again.
        throw new NonRetryableError(message, 'MODEL_ERROR', { cause: error });
      }
      throw classifyAwsError(error, context);
    }
  }
}

/** Container answers that mean "not now" rather than "not these rows", with the codes the local host gives them. */
const containerBusyCodes = new Map<number, string>([
  [429, 'THROTTLED'],
  [503, 'HTTP_5XX'],
  [504, 'HTTP_5XX'],
]);

async function ignoringNotFound(action: () => Promise<unknown>): Promise<void> {
  try {
    await action();
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
}
