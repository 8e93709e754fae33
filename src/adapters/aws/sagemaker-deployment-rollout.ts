// Moving an endpoint to a model version: the version's endpoint config (created once), then
// CreateEndpoint or a blue/green UpdateEndpoint, then the SDK waiter, then a check that SageMaker
// really ended on the new config: with auto-rollback alarms it may have gone back to the old one.
// Safe to re-run after a crash at any point: a deployment already running is waited for, never
// stacked, and an endpoint already on the config is left alone.
import {
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  UpdateEndpointCommand,
  waitUntilEndpointInService,
  type DeploymentConfig,
  type ProductionVariantInstanceType,
  type SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { endpointConfigName, modelResourceName } from '../../domain/deploy/names.js';
import { ENDPOINT_ROLLED_BACK, NonRetryableError, RetryableError } from '../../domain/errors.js';
import type { ModelVersionRef } from '../../ports/model-host.js';
import { classifyAwsError } from './errors.js';
import { errorName, isAlreadyExisting, type Endpoint, type SageMakerLookup } from './sagemaker-model-host-lookup.js';
import { tagList, variantNameFor } from './sagemaker-model-host-names.js';

export interface WaitProgress {
  endpoint: string;
  version: string;
  waitedSeconds: number;
}

export interface RolloutSettings {
  instanceType: ProductionVariantInstanceType;
  initialInstanceCount: number;
  deploymentConfig: DeploymentConfig;
  maxWaitSeconds: number;
  pollDelaySeconds: { min: number; max: number };
  progress?: { report: (progress: WaitProgress) => void; intervalSeconds?: number } | undefined;
}

/** Statuses in which SageMaker is still working on the endpoint. */
const inFlight = new Set(['Creating', 'Updating', 'SystemUpdating', 'RollingBack']);

export class EndpointRollout {
  constructor(
    private readonly client: SageMakerClient,
    private readonly lookup: SageMakerLookup,
    private readonly settings: RolloutSettings,
  ) {}

  /** `tags` go on the endpoint config and, when it is created, the endpoint. */
  async point(endpoint: string, ref: ModelVersionRef, tags: Record<string, string>): Promise<void> {
    const configName = endpointConfigName(ref.model, ref.version, endpoint);
    const what = `point endpoint ${endpoint} at ${ref.model}/${ref.version}`;
    let current = await this.lookup.endpoint(endpoint, what);
    if (current !== undefined && inFlight.has(current.EndpointStatus ?? '')) {
      // Perhaps our own deployment from an attempt that crashed: wait for it, never stack another.
      const heading = current.PendingDeploymentSummary?.EndpointConfigName ?? (current.EndpointStatus === 'Creating' ? current.EndpointConfigName : undefined);
      current = await this.waitSettled(endpoint, ref.version, what);
      if (heading === configName) return this.checkArrived(current, endpoint, configName, ref, what);
    }
    if (current?.EndpointStatus === 'InService' && current.EndpointConfigName === configName) return;
    if (current !== undefined && current.EndpointStatus !== 'InService') {
      if (current.EndpointStatus === 'Deleting') throw new RetryableError(`${what}: the endpoint is being deleted`, 'ENDPOINT_BUSY');
      const reason = current.FailureReason === undefined ? '' : `: ${current.FailureReason}`;
      throw new NonRetryableError(`${what}: the endpoint is ${current.EndpointStatus ?? 'in an unknown state'}${reason}`, 'ENDPOINT_FAILED');
    }
    await this.ensureConfig(endpoint, configName, ref, tags, what);
    if (current === undefined) await this.create(endpoint, configName, tags, what);
    else await this.update(endpoint, configName, what);
    this.checkArrived(await this.waitSettled(endpoint, ref.version, what), endpoint, configName, ref, what);
  }

  private async ensureConfig(endpoint: string, configName: string, ref: ModelVersionRef, tags: Record<string, string>, what: string): Promise<void> {
    const modelName = modelResourceName(ref.model, ref.version);
    const existing = await this.lookup.endpointConfig(configName, what);
    if (existing !== undefined) {
      const models = (existing.ProductionVariants ?? []).map((variant) => variant.ModelName ?? '?');
      if (!models.includes(modelName)) {
        throw new NonRetryableError(`${what}: endpoint config ${configName} exists but runs ${models.join(', ')}, not ${modelName}`, 'CONFLICT');
      }
      return;
    }
    if ((await this.lookup.model(modelName, what)) === undefined) {
      throw new NonRetryableError(`${what}: model ${modelName} does not exist (create the version first)`, 'NOT_FOUND');
    }
    try {
      await this.client.send(
        new CreateEndpointConfigCommand({
          EndpointConfigName: configName,
          ProductionVariants: [
            {
              // The variant's name carries the version: InvokeEndpoint reports which variant answered.
              VariantName: variantNameFor(ref.version),
              ModelName: modelName,
              InstanceType: this.settings.instanceType,
              InitialInstanceCount: this.settings.initialInstanceCount,
              InitialVariantWeight: 1,
            },
          ],
          Tags: tagList({ ...tags, 'vigil:endpoint': endpoint }),
        }),
      );
    } catch (error) {
      if (!isAlreadyExisting(error)) throw classifyAwsError(error, `${what}: CreateEndpointConfig ${configName}`);
    }
  }

  private async create(endpoint: string, configName: string, tags: Record<string, string>, what: string): Promise<void> {
    // The endpoint outlives its first version: which version it serves is read from its config, and
    // a vigil:version tag on it would go stale at the first update.
    const { 'vigil:version': _version, ...endpointTags } = tags;
    try {
      await this.client.send(new CreateEndpointCommand({ EndpointName: endpoint, EndpointConfigName: configName, Tags: tagList(endpointTags) }));
    } catch (error) {
      if (!isAlreadyExisting(error)) throw classifyAwsError(error, `${what}: CreateEndpoint with config ${configName}`);
    }
  }

  private async update(endpoint: string, configName: string, what: string): Promise<void> {
    try {
      await this.client.send(
        new UpdateEndpointCommand({ EndpointName: endpoint, EndpointConfigName: configName, DeploymentConfig: this.settings.deploymentConfig }),
      );
    } catch (error) {
      // Another deployment started between our look and our update: a retry waits for it.
      if (errorName(error) === 'ValidationException' && error instanceof Error && /in-progress|in progress/i.test(error.message)) {
        throw new RetryableError(`${what}: UpdateEndpoint: ${error.message}`, 'ENDPOINT_BUSY', { cause: error });
      }
      throw classifyAwsError(error, `${what}: UpdateEndpoint to config ${configName}`);
    }
  }

  /** Waits with the SDK waiter until the endpoint stops changing, then describes it. */
  private async waitSettled(endpoint: string, version: string, what: string): Promise<Endpoint | undefined> {
    const { maxWaitSeconds, pollDelaySeconds, progress } = this.settings;
    const started = Date.now();
    const report = (): void => {
      try {
        progress?.report({ endpoint, version, waitedSeconds: Math.round((Date.now() - started) / 1000) });
      } catch {
        // A progress report that fails must not break the deployment it reports on.
      }
    };
    const timer = progress === undefined ? undefined : setInterval(report, (progress.intervalSeconds ?? 10) * 1000);
    try {
      await waitUntilEndpointInService(
        { client: this.client, maxWaitTime: maxWaitSeconds, minDelay: pollDelaySeconds.min, maxDelay: pollDelaySeconds.max },
        { EndpointName: endpoint },
      );
    } catch (error) {
      if (errorName(error) === 'TimeoutError') {
        throw new RetryableError(`${what}: endpoint not InService after ${maxWaitSeconds} s (a retry keeps waiting)`, 'TIMEOUT', { cause: error });
      }
      // Failed, or gone: the description below tells which.
    } finally {
      if (timer !== undefined) clearInterval(timer);
    }
    return this.lookup.endpoint(endpoint, what);
  }

  private checkArrived(settled: Endpoint | undefined, endpoint: string, configName: string, ref: ModelVersionRef, what: string): void {
    if (settled === undefined) throw new NonRetryableError(`${what}: the endpoint disappeared during the deployment`, 'NOT_FOUND');
    const reason = settled.FailureReason;
    if (settled.EndpointStatus === 'InService') {
      if (settled.EndpointConfigName === configName) return;
      throw new NonRetryableError(
        `${what}: SageMaker rolled endpoint ${endpoint} back to config ${settled.EndpointConfigName ?? '?'} instead of serving version ${ref.version}: ` +
          (reason ?? 'no reason given (an auto-rollback alarm fired or the new fleet failed)'),
        ENDPOINT_ROLLED_BACK,
      );
    }
    throw new NonRetryableError(`${what}: endpoint ${endpoint} ended ${settled.EndpointStatus ?? '?'}: ${reason ?? 'no reason given'}`, 'DEPLOY_FAILED');
  }
}
