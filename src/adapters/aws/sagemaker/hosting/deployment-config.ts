// The blue/green DeploymentConfigs sent with UpdateEndpoint: how traffic shifts from the serving
// fleet to the new one, how long the old fleet is kept, and which CloudWatch alarms roll the
// deployment back. Ranges are SageMaker's to enforce (and the config loader's to check early);
// only what cannot be sent at all is refused here.
import type { DeploymentConfig } from '@aws-sdk/client-sagemaker';
import { NonRetryableError } from '../../../../domain/errors.js';

export type TrafficRouting = 'ALL_AT_ONCE' | 'CANARY' | 'LINEAR';

export interface SageMakerDeploymentOptions {
  trafficRouting: TrafficRouting;
  /** CANARY: share of capacity that takes traffic first (SageMaker allows up to 50). */
  canaryPercent?: number;
  /** LINEAR: share of capacity added per step (SageMaker allows 10..50). */
  linearStepPercent?: number;
  /** Baking time between traffic steps (0..3600). */
  waitIntervalSeconds: number;
  /** How long the old fleet stays up after the shift, for a fast manual rollback (0..3600). */
  terminationWaitSeconds: number;
  /** Upper bound on the whole deployment (600..28800). */
  maximumExecutionTimeoutSeconds: number;
  /** CloudWatch alarms that roll the deployment back when they fire (at most 10). */
  autoRollbackAlarms: string[];
}

export function blueGreenDeploymentConfig(options: SageMakerDeploymentOptions): DeploymentConfig {
  const routing = options.trafficRouting;
  const size = (percent: number | undefined, field: 'canaryPercent' | 'linearStepPercent'): { Type: 'CAPACITY_PERCENT'; Value: number } => {
    if (percent === undefined) throw new NonRetryableError(`deployment: ${routing} traffic routing needs ${field}`, 'INVALID_CONFIG');
    return { Type: 'CAPACITY_PERCENT', Value: percent };
  };
  return {
    BlueGreenUpdatePolicy: {
      TrafficRoutingConfiguration: {
        Type: routing,
        WaitIntervalInSeconds: options.waitIntervalSeconds,
        ...(routing === 'CANARY' ? { CanarySize: size(options.canaryPercent, 'canaryPercent') } : {}),
        ...(routing === 'LINEAR' ? { LinearStepSize: size(options.linearStepPercent, 'linearStepPercent') } : {}),
      },
      TerminationWaitInSeconds: options.terminationWaitSeconds,
      MaximumExecutionTimeoutInSeconds: options.maximumExecutionTimeoutSeconds,
    },
    // SageMaker refuses an empty alarm list: without alarms there is no auto-rollback to configure.
    ...(options.autoRollbackAlarms.length > 0
      ? { AutoRollbackConfiguration: { Alarms: options.autoRollbackAlarms.map((AlarmName) => ({ AlarmName })) } }
      : {}),
  };
}

/**
 * The 'immediate' move (staging, rollbacks): all traffic at once, no bake, the old fleet dropped
 * as soon as the new one serves, and no alarms, which must not undo a rollback they called for.
 * MaximumExecutionTimeoutInSeconds cannot go below 600; the configured bound is kept because it
 * also covers bringing the new fleet up, which a rollback must not be cut short in.
 */
export function immediateDeploymentConfig(options: Pick<SageMakerDeploymentOptions, 'maximumExecutionTimeoutSeconds'>): DeploymentConfig {
  return {
    BlueGreenUpdatePolicy: {
      TrafficRoutingConfiguration: { Type: 'ALL_AT_ONCE', WaitIntervalInSeconds: 0 },
      TerminationWaitInSeconds: 0,
      MaximumExecutionTimeoutInSeconds: options.maximumExecutionTimeoutSeconds,
    },
  };
}
