// Test infrastructure only: the endpoint behaviour moto lacks, as handlers for the SageMaker shim.
// UpdateEndpoint is validated as the SageMaker API reference documents it, recorded, and played
// out as a blue/green deployment: the endpoint is Updating for a while (the old config still
// serving, the new one in PendingDeploymentSummary), then InService on the new config, or, when a
// test asks, failed. A failed update of an InService endpoint leaves it InService on the old
// config with a FailureReason, whatever the cause (an auto-rollback alarm, a health check,
// capacity), as the API reference describes for DescribeEndpoint/EndpointMetadata; only when
// rolling back fails too does it stay UpdateRollbackFailed. A CreateEndpoint a test marks as
// failing is Creating for a while, then Failed. DescribeEndpoint answers are moto's with that state
// laid over them. Create* calls refuse names that exist, as SageMaker does (moto silently replaces them).
import { awsError, type Operation, type ShimAnswer, type ShimContext, type ShimHandler } from './sagemaker-shim.js';

export interface RecordedEndpointUpdate {
  endpointName: string;
  endpointConfigName: string;
  previousEndpointConfigName: string;
  /** As sent (absent when the request had none). */
  deploymentConfig: unknown;
  at: Date;
}

/** How an update ends when not on its new config. */
export type UpdateOutcome =
  /** InService on the old config; the FailureReason names the alarm. */
  | { kind: 'alarm-rollback'; alarmName: string }
  /** InService on the old config with this FailureReason (health check, capacity...). */
  | { kind: 'update-failed'; reason: string }
  /** Both the update and the rollback failed: UpdateRollbackFailed with this FailureReason. */
  | { kind: 'rollback-failed'; reason: string };

/** What a test asks of the next accepted update of one endpoint. */
export interface NextUpdate {
  /** Instead of the shim's updateDurationMs. */
  durationMs?: number;
  /** Instead of ending InService on the new config. */
  outcome?: UpdateOutcome;
}

/** What a test asks of the next CreateEndpoint of one endpoint: Creating for durationMs, then Failed. */
export interface NextCreate {
  /** Instead of the shim's updateDurationMs. */
  durationMs?: number;
  outcome: { kind: 'failed'; reason: string };
}

export interface EndpointShimOptions {
  /** How long an accepted update keeps the endpoint Updating (default 250 ms). */
  updateDurationMs?: number;
}

export interface EndpointShimControl {
  /** Every accepted UpdateEndpoint, oldest first. */
  readonly updates: readonly RecordedEndpointUpdate[];
  updatesOf(endpointName: string): RecordedEndpointUpdate[];
  setNextUpdate(endpointName: string, next: NextUpdate): void;
  setNextCreate(endpointName: string, next: NextCreate): void;
}

type Json = Record<string, unknown>;

type Pending =
  | {
      kind: 'update';
      configName: string;
      variants: Json[];
      deploymentConfig: Json | undefined;
      startedAt: number;
      endsAt: number;
      outcome: UpdateOutcome | undefined;
    }
  | { kind: 'create'; endsAt: number; outcome: NextCreate['outcome'] };

/** What SageMaker knows about an endpoint beyond moto's record (which never leaves InService). */
interface Overlay {
  configName: string;
  variants: Json[];
  status: 'InService' | 'Creating' | 'Updating' | 'Failed' | 'UpdateRollbackFailed';
  failureReason?: string;
  lastDeploymentConfig?: Json;
  lastModified: number;
  pending?: Pending;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function validation(message: string): ShimAnswer {
  return awsError(400, 'ValidationException', message);
}

/** SageMaker's summary of a config's variants, shaped as moto shapes it at CreateEndpoint. */
function variantSummaries(configVariants: unknown): Json[] {
  if (!Array.isArray(configVariants)) return [];
  return configVariants.filter(isObject).map((variant) => ({
    VariantName: variant.VariantName,
    ...(typeof variant.InitialInstanceCount === 'number'
      ? { CurrentInstanceCount: variant.InitialInstanceCount, DesiredInstanceCount: variant.InitialInstanceCount }
      : {}),
    ...(typeof variant.InitialVariantWeight === 'number' ? { CurrentWeight: variant.InitialVariantWeight, DesiredWeight: variant.InitialVariantWeight } : {}),
  }));
}

function instanceCount(configVariants: unknown): number {
  if (!Array.isArray(configVariants)) return 0;
  return configVariants.filter(isObject).reduce((sum, variant) => sum + (typeof variant.InitialInstanceCount === 'number' ? variant.InitialInstanceCount : 0), 0);
}

/** AWS's wording for a constraint on a request field. */
function constraint(value: unknown, path: string, rule: string): string {
  return `1 validation error detected: Value '${JSON.stringify(value)}' at '${path}' failed to satisfy constraint: ${rule}`;
}

function integerIn(value: unknown, min: number, max: number, path: string, required: boolean): string | undefined {
  if (value === undefined) return required ? constraint(value, path, 'Member must not be null') : undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) return constraint(value, path, 'Member must be an integer');
  if (value < min) return constraint(value, path, `Member must have value greater than or equal to ${min}`);
  if (value > max) return constraint(value, path, `Member must have value less than or equal to ${max}`);
  return undefined;
}

/** CanarySize is at most 50% of the fleet; LinearStepSize 10..50% (API_TrafficRoutingConfig). */
function checkSize(size: unknown, field: 'CanarySize' | 'LinearStepSize', instances: number): string | undefined {
  const path = `deploymentConfig.blueGreenUpdatePolicy.trafficRoutingConfiguration.${field[0]?.toLowerCase()}${field.slice(1)}`;
  if (!isObject(size)) return constraint(size, path, 'Member must not be null');
  if (size.Type !== 'INSTANCE_COUNT' && size.Type !== 'CAPACITY_PERCENT') {
    return constraint(size.Type, `${path}.type`, 'Member must satisfy enum value set: [INSTANCE_COUNT, CAPACITY_PERCENT]');
  }
  const problem = integerIn(size.Value, 1, Number.MAX_SAFE_INTEGER, `${path}.value`, true);
  if (problem !== undefined) return problem;
  const percent = size.Type === 'CAPACITY_PERCENT' ? Number(size.Value) : (Number(size.Value) / Math.max(instances, 1)) * 100;
  const [low, high] = field === 'CanarySize' ? [0, 50] : [10, 50];
  if (percent > high || percent < low) {
    return `Invalid ${field}: ${size.Type} ${String(size.Value)} is ${percent}% of the fleet of ${instances} instance(s); it must be ${field === 'CanarySize' ? 'at most 50%' : '10% to 50%'}.`;
  }
  return undefined;
}

/** The DeploymentConfig rules of the SageMaker API reference (BlueGreenUpdatePolicy, AutoRollbackConfig). */
export function deploymentConfigProblem(config: unknown, instances: number): string | undefined {
  if (config === undefined) return undefined;
  if (!isObject(config)) return constraint(config, 'deploymentConfig', 'Member must be a structure');
  if (config.BlueGreenUpdatePolicy !== undefined && config.RollingUpdatePolicy !== undefined) {
    return 'Only one of BlueGreenUpdatePolicy and RollingUpdatePolicy can be specified.';
  }
  const policy = config.BlueGreenUpdatePolicy;
  if (policy !== undefined) {
    if (!isObject(policy)) return constraint(policy, 'deploymentConfig.blueGreenUpdatePolicy', 'Member must be a structure');
    const routing = policy.TrafficRoutingConfiguration;
    const routingPath = 'deploymentConfig.blueGreenUpdatePolicy.trafficRoutingConfiguration';
    if (!isObject(routing)) return constraint(routing, routingPath, 'Member must not be null');
    if (routing.Type !== 'ALL_AT_ONCE' && routing.Type !== 'CANARY' && routing.Type !== 'LINEAR') {
      return constraint(routing.Type, `${routingPath}.type`, 'Member must satisfy enum value set: [ALL_AT_ONCE, CANARY, LINEAR]');
    }
    const problem =
      integerIn(routing.WaitIntervalInSeconds, 0, 3600, `${routingPath}.waitIntervalInSeconds`, true) ??
      (routing.Type === 'CANARY' ? checkSize(routing.CanarySize, 'CanarySize', instances) : undefined) ??
      (routing.Type === 'LINEAR' ? checkSize(routing.LinearStepSize, 'LinearStepSize', instances) : undefined) ??
      integerIn(policy.TerminationWaitInSeconds, 0, 3600, 'deploymentConfig.blueGreenUpdatePolicy.terminationWaitInSeconds', false) ??
      integerIn(policy.MaximumExecutionTimeoutInSeconds, 600, 28800, 'deploymentConfig.blueGreenUpdatePolicy.maximumExecutionTimeoutInSeconds', false);
    if (problem !== undefined) return problem;
  }
  const rollback = config.AutoRollbackConfiguration;
  if (rollback !== undefined) {
    const alarms = isObject(rollback) ? rollback.Alarms : undefined;
    const path = 'deploymentConfig.autoRollbackConfiguration.alarms';
    if (!Array.isArray(alarms)) return constraint(alarms, path, 'Member must not be null');
    if (alarms.length < 1 || alarms.length > 10) return constraint(alarms.length, path, 'Member must have length between 1 and 10');
    for (const alarm of alarms) {
      const name = isObject(alarm) ? alarm.AlarmName : undefined;
      if (typeof name !== 'string' || name.length < 1 || name.length > 255) return constraint(name, `${path}.member.alarmName`, 'Member must have length between 1 and 255');
    }
  }
  return undefined;
}

export function sageMakerEndpointShim(options: EndpointShimOptions = {}): { handlers: Record<Operation, ShimHandler>; control: EndpointShimControl } {
  const updateDurationMs = options.updateDurationMs ?? 250;
  const overlays = new Map<string, Overlay>();
  const nextUpdates = new Map<string, NextUpdate>();
  const nextCreates = new Map<string, NextCreate>();
  const updates: RecordedEndpointUpdate[] = [];

  /** Plays out a finished deployment (state advances when looked at). */
  function settle(overlay: Overlay): void {
    const pending = overlay.pending;
    if (pending === undefined || Date.now() < pending.endsAt) return;
    overlay.pending = undefined;
    overlay.lastModified = pending.endsAt;
    if (pending.kind === 'create') {
      overlay.status = 'Failed';
      overlay.failureReason = pending.outcome.reason;
      return;
    }
    if (pending.deploymentConfig !== undefined) overlay.lastDeploymentConfig = pending.deploymentConfig;
    const outcome = pending.outcome;
    if (outcome?.kind === 'alarm-rollback' || outcome?.kind === 'update-failed') {
      // The old fleet takes all traffic back and the endpoint stays in service on the old config.
      overlay.status = 'InService';
      overlay.failureReason =
        outcome.kind === 'alarm-rollback' ? `Deployment rolled back: CloudWatch alarm ${outcome.alarmName} went into ALARM state during the deployment.` : outcome.reason;
    } else if (outcome?.kind === 'rollback-failed') {
      overlay.status = 'UpdateRollbackFailed';
      overlay.failureReason = outcome.reason;
    } else {
      overlay.status = 'InService';
      overlay.configName = pending.configName;
      overlay.variants = pending.variants;
      delete overlay.failureReason;
    }
  }

  async function refuseExisting(context: ShimContext, describe: Operation, body: Json, kind: string, nameField: string): Promise<ShimAnswer | undefined> {
    const name = body[nameField];
    if (typeof name !== 'string') return undefined;
    const found = await context.callMoto(describe, { [nameField]: name });
    return found.status === 200 ? validation(`Cannot create already existing ${kind} "${name}".`) : undefined;
  }

  const handlers: Record<Operation, ShimHandler> = {
    CreateModel: (body, context) => refuseExisting(context, 'DescribeModel', body, 'model', 'ModelName'),
    CreateEndpointConfig: (body, context) => refuseExisting(context, 'DescribeEndpointConfig', body, 'endpoint configuration', 'EndpointConfigName'),
    async CreateEndpoint(body, context) {
      const refused = await refuseExisting(context, 'DescribeEndpoint', body, 'endpoint', 'EndpointName');
      const name = body.EndpointName;
      if (refused !== undefined || typeof name !== 'string') return refused;
      overlays.delete(name);
      const next = nextCreates.get(name);
      if (next === undefined) return undefined;
      nextCreates.delete(name);
      const created = await context.callMoto('CreateEndpoint', body);
      if (created.status !== 200) return created;
      const described = await context.callMoto('DescribeEndpoint', { EndpointName: name });
      const now = Date.now();
      overlays.set(name, {
        configName: typeof body.EndpointConfigName === 'string' ? body.EndpointConfigName : '',
        variants: isObject(described.body) && Array.isArray(described.body.ProductionVariants) ? described.body.ProductionVariants.filter(isObject) : [],
        status: 'Creating',
        lastModified: now,
        pending: { kind: 'create', endsAt: now + (next.durationMs ?? updateDurationMs), outcome: next.outcome },
      });
      return created;
    },
    DeleteEndpoint(body) {
      if (typeof body.EndpointName === 'string') overlays.delete(body.EndpointName);
      return Promise.resolve(undefined);
    },

    async DescribeEndpoint(body, context) {
      const overlay = typeof body.EndpointName === 'string' ? overlays.get(body.EndpointName) : undefined;
      if (overlay === undefined) return undefined;
      const answer = await context.callMoto('DescribeEndpoint', body);
      if (answer.status !== 200 || !isObject(answer.body)) return answer;
      settle(overlay);
      const { FailureReason: _reason, PendingDeploymentSummary: _pending, ...fromMoto } = answer.body;
      const pending = overlay.pending?.kind === 'update' ? overlay.pending : undefined;
      return {
        status: 200,
        body: {
          ...fromMoto,
          EndpointConfigName: overlay.configName,
          EndpointStatus: overlay.status,
          ProductionVariants: overlay.variants,
          LastModifiedTime: overlay.lastModified / 1000,
          ...(overlay.failureReason === undefined ? {} : { FailureReason: overlay.failureReason }),
          ...(overlay.lastDeploymentConfig === undefined ? {} : { LastDeploymentConfig: overlay.lastDeploymentConfig }),
          ...(pending === undefined
            ? {}
            : {
                PendingDeploymentSummary: {
                  EndpointConfigName: pending.configName,
                  ProductionVariants: pending.variants.map((variant) => ({ ...variant, VariantStatus: [{ Status: 'Creating', StartTime: pending.startedAt / 1000 }] })),
                  StartTime: pending.startedAt / 1000,
                },
              }),
        },
      };
    },

    async UpdateEndpoint(body, context) {
      const endpointName = body.EndpointName;
      const configName = body.EndpointConfigName;
      if (typeof endpointName !== 'string') return validation(constraint(endpointName, 'endpointName', 'Member must not be null'));
      if (typeof configName !== 'string') return validation(constraint(configName, 'endpointConfigName', 'Member must not be null'));
      const endpoint = await context.callMoto('DescribeEndpoint', { EndpointName: endpointName });
      if (endpoint.status !== 200 || !isObject(endpoint.body)) return validation(`Could not find endpoint "${endpointName}".`);
      const arn = typeof endpoint.body.EndpointArn === 'string' ? endpoint.body.EndpointArn : endpointName;
      const config = await context.callMoto('DescribeEndpointConfig', { EndpointConfigName: configName });
      if (config.status !== 200 || !isObject(config.body)) return validation(`Could not find endpoint configuration "${configName}".`);

      const overlay: Overlay = overlays.get(endpointName) ?? {
        configName: typeof endpoint.body.EndpointConfigName === 'string' ? endpoint.body.EndpointConfigName : '',
        variants: Array.isArray(endpoint.body.ProductionVariants) ? endpoint.body.ProductionVariants.filter(isObject) : [],
        status: 'InService',
        lastModified: Date.now(),
      };
      settle(overlay);
      if (overlay.status === 'Updating' || overlay.status === 'Creating') return validation(`Cannot update in-progress endpoint "${arn}".`);
      if (overlay.status === 'Failed') return validation(`Cannot update endpoint "${arn}" in Failed state; DeleteEndpoint is the only operation allowed.`);
      const problem = deploymentConfigProblem(body.DeploymentConfig, instanceCount(config.body.ProductionVariants));
      if (problem !== undefined) return validation(problem);

      const now = Date.now();
      const next = nextUpdates.get(endpointName) ?? {};
      nextUpdates.delete(endpointName);
      updates.push({ endpointName, endpointConfigName: configName, previousEndpointConfigName: overlay.configName, deploymentConfig: body.DeploymentConfig, at: new Date(now) });
      overlay.status = 'Updating';
      overlay.lastModified = now;
      overlay.pending = {
        kind: 'update',
        configName,
        variants: variantSummaries(config.body.ProductionVariants),
        deploymentConfig: isObject(body.DeploymentConfig) ? body.DeploymentConfig : undefined,
        startedAt: now,
        endsAt: now + (next.durationMs ?? updateDurationMs),
        outcome: next.outcome,
      };
      overlays.set(endpointName, overlay);
      return { status: 200, body: { EndpointArn: arn } };
    },
  };

  const control: EndpointShimControl = {
    updates,
    updatesOf: (endpointName) => updates.filter((update) => update.endpointName === endpointName),
    setNextUpdate: (endpointName, next) => nextUpdates.set(endpointName, next),
    setNextCreate: (endpointName, next) => nextCreates.set(endpointName, next),
  };
  return { handlers, control };
}
