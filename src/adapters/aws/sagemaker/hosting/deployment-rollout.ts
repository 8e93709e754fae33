// Moving an endpoint to a model version: the version's endpoint config (created once), then
// CreateEndpoint or a blue/green UpdateEndpoint, then a wait until SageMaker stops working on the
// endpoint, then a check that it really ended on the new config: when an update fails (an
// auto-rollback alarm, a failed health check, no capacity) SageMaker keeps the endpoint InService
// on the old config and says why in FailureReason.
// Safe to re-run after a crash at any point: a deployment already running is waited for, never
// stacked, and an endpoint already on the config is left alone.
import { setTimeout as sleep } from 'node:timers/promises';
import {
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  UpdateEndpointCommand,
  type DeploymentConfig,
  type DescribeEndpointConfigCommandOutput,
  type ProductionVariantInstanceType,
  type SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { endpointConfigName, modelResourceName } from '../../../../domain/deploy/names.js';
import type { EndpointMove } from '../../../../domain/deploy/types.js';
import { NonRetryableError, RetryableError } from '../../../../domain/errors.js';
import type { ModelVersionRef, PointOptions } from '../../../../ports/model-host.js';
import { classifyAwsError } from '../../errors.js';
import { errorName, isAlreadyExisting, type Endpoint, type SageMakerLookup } from './model-host-lookup.js';
import { tagList, variantNameFor } from './model-host-names.js';

export interface WaitProgress {
  endpoint: string;
  version: string;
  waitedSeconds: number;
}

export type Traffic = NonNullable<PointOptions['traffic']>;

export interface RolloutSettings {
  instanceType: ProductionVariantInstanceType;
  initialInstanceCount: number;
  /** KMS key of the instances' storage volumes (CreateEndpointConfig KmsKeyId). */
  kmsKeyId?: string | undefined;
  /** The UpdateEndpoint DeploymentConfig for each way of moving traffic. */
  deploymentConfigs: Record<Traffic, DeploymentConfig>;
  maxWaitSeconds: number;
  pollDelaySeconds: { min: number; max: number };
  progress?: { report: (progress: WaitProgress) => void; intervalSeconds?: number } | undefined;
  /** Asked at the start of each wait: when the signal aborts, the wait stops with its reason. */
  cancellation?: (() => AbortSignal | undefined) | undefined;
}

/** Statuses in which SageMaker is still working on the endpoint; any other ends a wait at once. */
const inFlight = new Set(['Creating', 'Updating', 'SystemUpdating', 'RollingBack']);

/** What the operator can do about a Failed endpoint. */
function failedAdvice(endpoint: string): string {
  return (
    `SageMaker allows only DeleteEndpoint on a Failed endpoint: delete endpoint ${endpoint} ` +
    `(aws sagemaker delete-endpoint --endpoint-name ${endpoint}), then deploy again, which creates it anew`
  );
}

export class EndpointRollout {
  constructor(
    private readonly client: SageMakerClient,
    private readonly lookup: SageMakerLookup,
    private readonly settings: RolloutSettings,
  ) {}

  /** `tags` go on the endpoint config and, when it is created, the endpoint. */
  async point(endpoint: string, ref: ModelVersionRef, tags: Record<string, string>, traffic: Traffic): Promise<EndpointMove> {
    const configName = endpointConfigName(ref.model, ref.version, endpoint);
    const what = `point endpoint ${endpoint} at ${ref.model}/${ref.version}`;
    let current = await this.lookup.endpoint(endpoint, what);
    if (current !== undefined && inFlight.has(current.EndpointStatus ?? '')) {
      // Perhaps our own deployment from an attempt that crashed: wait for it, never stack another.
      const heading = current.PendingDeploymentSummary?.EndpointConfigName ?? (current.EndpointStatus === 'Creating' ? current.EndpointConfigName : undefined);
      current = await this.waitSettled(endpoint, ref.version, what);
      if (heading === configName) return this.checkArrived(current, endpoint, configName, ref, what);
    }
    if (current?.EndpointStatus === 'InService' && current.EndpointConfigName === configName) return { moved: true };
    if (current !== undefined && current.EndpointStatus !== 'InService') {
      if (current.EndpointStatus === 'Deleting') throw new RetryableError(`${what}: the endpoint is being deleted`, 'ENDPOINT_BUSY');
      const reason = current.FailureReason === undefined ? '' : ` (${current.FailureReason})`;
      const advice = current.EndpointStatus === 'Failed' ? `; ${failedAdvice(endpoint)}` : '; it must be back InService before it can be moved';
      throw new NonRetryableError(`${what}: endpoint ${endpoint} is ${current.EndpointStatus ?? 'in an unknown state'}${reason}${advice}`, 'ENDPOINT_FAILED');
    }
    await this.ensureConfig(endpoint, configName, ref, tags, what);
    if (current === undefined) await this.create(endpoint, configName, tags, what);
    else await this.update(endpoint, configName, this.settings.deploymentConfigs[traffic], what);
    return this.checkArrived(await this.waitSettled(endpoint, ref.version, what), endpoint, configName, ref, what);
  }

  private async ensureConfig(endpoint: string, configName: string, ref: ModelVersionRef, tags: Record<string, string>, what: string): Promise<void> {
    const modelName = modelResourceName(ref.model, ref.version);
    const existing = await this.lookup.endpointConfig(configName, what);
    if (existing !== undefined) return this.checkConfig(existing, configName, modelName, what);
    if ((await this.lookup.model(modelName, what)) === undefined) {
      throw new NonRetryableError(`${what}: model ${modelName} does not exist (create the version first)`, 'NOT_FOUND');
    }
    const { kmsKeyId } = this.settings;
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
          ...(kmsKeyId === undefined ? {} : { KmsKeyId: kmsKeyId }),
          Tags: tagList({ ...tags, 'vigil:endpoint': endpoint }),
        }),
      );
    } catch (error) {
      if (!isAlreadyExisting(error)) throw classifyAwsError(error, `${what}: CreateEndpointConfig ${configName}`);
      // Another attempt created it between our look and our create: check what it holds.
      const raced = await this.lookup.endpointConfig(configName, what);
      if (raced !== undefined) this.checkConfig(raced, configName, modelName, what);
    }
  }

  /**
   * An existing config is reused only when it is what we would create: a config cannot be changed
   * in place, and moving to one built with other settings would silently deploy those.
   */
  private checkConfig(existing: DescribeEndpointConfigCommandOutput, configName: string, modelName: string, what: string): void {
    const variants = existing.ProductionVariants ?? [];
    const ours = variants.find((variant) => variant.ModelName === modelName);
    const conflict = (setting: string, found: unknown, wanted: unknown): NonRetryableError =>
      new NonRetryableError(
        `${what}: endpoint config ${configName} exists with ${setting} ${String(found)}, not ${String(wanted)}; an endpoint config cannot be changed in place: ` +
          `delete it (no endpoint may be using it) and deploy again, or deploy another version`,
        'CONFLICT',
      );
    if (ours === undefined) throw conflict('model(s)', variants.map((variant) => variant.ModelName ?? '?').join(', ') || 'none', modelName);
    const { instanceType, initialInstanceCount } = this.settings;
    if (ours.InstanceType !== instanceType) throw conflict('instance type', ours.InstanceType ?? 'none', instanceType);
    if (ours.InitialInstanceCount !== initialInstanceCount) throw conflict('initial instance count', ours.InitialInstanceCount ?? 'none', initialInstanceCount);
    // An absent key may come back empty rather than missing.
    const kmsKeyId = existing.KmsKeyId === '' ? undefined : existing.KmsKeyId;
    if (kmsKeyId !== this.settings.kmsKeyId) throw conflict('KMS key', kmsKeyId ?? 'none', this.settings.kmsKeyId ?? 'none');
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

  private async update(endpoint: string, configName: string, deploymentConfig: DeploymentConfig, what: string): Promise<void> {
    try {
      await this.client.send(new UpdateEndpointCommand({ EndpointName: endpoint, EndpointConfigName: configName, DeploymentConfig: deploymentConfig }));
    } catch (error) {
      // Another deployment started between our look and our update: a retry waits for it.
      if (errorName(error) === 'ValidationException' && error instanceof Error && /in-progress|in progress/i.test(error.message)) {
        throw new RetryableError(`${what}: UpdateEndpoint: ${error.message}`, 'ENDPOINT_BUSY', { cause: error });
      }
      throw classifyAwsError(error, `${what}: UpdateEndpoint to config ${configName}`);
    }
  }

  /**
   * Polls DescribeEndpoint (backing off from pollDelaySeconds.min to .max) until SageMaker stops
   * working on the endpoint, and returns that description (undefined when it is gone). Unlike the
   * SDK's waitUntilEndpointInService, a state SageMaker will not leave by itself
   * (UpdateRollbackFailed, OutOfService) ends the wait at once instead of at maxWaitSeconds.
   */
  private async waitSettled(endpoint: string, version: string, what: string): Promise<Endpoint | undefined> {
    const { maxWaitSeconds, pollDelaySeconds, progress } = this.settings;
    const signal = this.settings.cancellation?.();
    const started = Date.now();
    const deadline = started + maxWaitSeconds * 1000;
    const report = (): void => {
      try {
        progress?.report({ endpoint, version, waitedSeconds: Math.round((Date.now() - started) / 1000) });
      } catch {
        // A progress report that fails must not break the deployment it reports on.
      }
    };
    const timer = progress === undefined ? undefined : setInterval(report, (progress.intervalSeconds ?? 10) * 1000);
    try {
      let delayMs = pollDelaySeconds.min * 1000;
      for (;;) {
        signal?.throwIfAborted();
        const current = await this.lookup.endpoint(endpoint, what, signal);
        if (current === undefined || !inFlight.has(current.EndpointStatus ?? '')) return current;
        const left = deadline - Date.now();
        if (left <= 0) {
          throw new RetryableError(`${what}: endpoint ${endpoint} still ${current.EndpointStatus ?? '?'} after ${maxWaitSeconds} s (a retry keeps waiting)`, 'TIMEOUT');
        }
        await pause(Math.min(delayMs, left), signal);
        delayMs = Math.min(delayMs * 2, pollDelaySeconds.max * 1000);
      }
    } finally {
      if (timer !== undefined) clearInterval(timer);
    }
  }

  private checkArrived(settled: Endpoint | undefined, endpoint: string, configName: string, ref: ModelVersionRef, what: string): EndpointMove {
    if (settled === undefined) throw new NonRetryableError(`${what}: endpoint ${endpoint} disappeared during the deployment`, 'NOT_FOUND');
    const status = settled.EndpointStatus ?? '?';
    const reason = settled.FailureReason ?? 'no FailureReason given';
    if (status === 'InService') {
      if (settled.EndpointConfigName === configName) return { moved: true };
      // However the update failed, SageMaker kept the old fleet serving: the reason (an alarm's
      // name, a health check, missing capacity) goes to the alert as SageMaker wrote it.
      return {
        moved: false,
        reason: `${what}: SageMaker kept endpoint ${endpoint} on config ${settled.EndpointConfigName ?? '?'} instead of moving it to version ${ref.version}: ${reason}`,
      };
    }
    if (status === 'Deleting') throw new RetryableError(`${what}: endpoint ${endpoint} is being deleted`, 'ENDPOINT_BUSY');
    const advice = status === 'Failed' ? `; ${failedAdvice(endpoint)}` : '';
    throw new NonRetryableError(`${what}: endpoint ${endpoint} ended ${status}: ${reason}${advice}`, 'DEPLOY_FAILED');
  }
}

/** Sleeps, or throws the signal's reason as soon as it aborts. */
async function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  try {
    await sleep(ms, undefined, signal === undefined ? undefined : { signal });
  } catch (error) {
    signal?.throwIfAborted();
    throw error;
  }
}
