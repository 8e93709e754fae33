// Makes each model's CloudWatch alarms follow its config: the alarms its thresholds imply are
// created or updated, the ones it no longer implies deleted; then its dashboard (the alarms'
// status and the series they watch) is put where it changed. Over the whole config, the alarms
// and dashboards of models taken out of it are deleted too. `vigil alarms plan|apply` and
// `vigil schedules apply` (aws mode) run it.
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { awsClientSettings } from '../adapters/aws/client-settings.js';
import { CloudWatchDashboards } from '../adapters/aws/cloudwatch/cloudwatch-dashboards.js';
import { CloudWatchThresholdAlarms, thresholdAlarmName } from '../adapters/aws/cloudwatch/cloudwatch-threshold-alarms.js';
import type { LoadedConfig } from '../config/load.js';
import { modelById } from '../config/models.js';
import { dailyAlarmTiming, desiredAlarms, planAlarms, type AlarmPlanEntry } from '../domain/alarms/alarm-plan.js';
import type { DashboardPlanEntry } from '../domain/alarms/dashboard-plan.js';
import { thresholdAlarms } from '../domain/alarms/threshold-alarms.js';
import type { DashboardStore } from '../ports/dashboard-store.js';
import type { ThresholdAlarmStore } from '../ports/threshold-alarm-store.js';
import { ModelDashboard, type DashboardTarget } from './model-dashboard.js';
import { applyRemovedModelPlans, removedModelPlans } from './removed-model-alarms.js';

export interface ModelAlarmPlan {
  model: string;
  entries: AlarmPlanEntry[];
  /** The model's dashboard: the alarms' status and the series they watch (absent for a removed model that has none). */
  dashboard?: DashboardPlanEntry;
  /** False for a plan only, or where there is no CloudWatch to apply it to (local mode). */
  applied: boolean;
  /** The model is no longer in the config: what it left in CloudWatch is deleted. */
  removed?: boolean;
}

export interface SyncAlarmsOptions {
  apply: boolean;
  model?: string;
  /** The store to plan against; by default CloudWatch from the config's aws section. */
  store?: ThresholdAlarmStore;
  /** Where the dashboards live; by default CloudWatch from the config's aws section. */
  dashboards?: DashboardStore;
}

export async function syncAlarms(loaded: LoadedConfig, options: SyncAlarmsOptions): Promise<ModelAlarmPlan[]> {
  const { config } = loaded;
  const models = options.model === undefined ? config.models : [modelById(config, options.model)];
  const aws = config.mode === 'aws' ? config.aws : undefined;
  if (options.apply && aws === undefined) throw new Error(`${loaded.path}: alarms live in CloudWatch; the config is in mode "${config.mode}" (\`vigil alarms plan\` shows what aws mode would create)`);
  const client = aws !== undefined && (options.store === undefined || options.dashboards === undefined) ? new CloudWatchClient(awsClientSettings(aws)) : undefined;
  const store = options.store ?? (aws !== undefined && client !== undefined ? new CloudWatchThresholdAlarms({ client, namespace: aws.cloudwatch.namespace, tags: aws.tags }) : undefined);
  const dashboards = options.dashboards ?? (client === undefined ? undefined : new CloudWatchDashboards({ client }));
  const target: DashboardTarget | undefined = aws === undefined || dashboards === undefined ? undefined : { store: dashboards, namespace: aws.cloudwatch.namespace, region: aws.region };
  const actions = aws?.snsTopicArn === undefined ? [] : [aws.snsTopicArn];
  try {
    const plans: ModelAlarmPlan[] = [];
    for (const model of models) {
      const contract = loaded.contracts[model.id];
      if (contract === undefined) throw new Error(`model ${model.id} has no loaded contract`);
      const specs = thresholdAlarms(model.id, contract, model.monitoring);
      const desired = desiredAlarms(specs, { ...dailyAlarmTiming(model.monitoring.relabelDays), actions }, thresholdAlarmName);
      const existing = store === undefined ? [] : await store.list(model.id);
      const entries = planAlarms(desired, existing);
      const dashboard = new ModelDashboard(model.id, specs, desired.map((alarm) => alarm.name), target);
      let dashboardEntry = await dashboard.plan(existing);
      if (options.apply && store !== undefined) {
        await applyPlan(store, entries);
        // Its alarm widget names alarms by ARN: read back those just created.
        dashboardEntry = await dashboard.apply(await store.list(model.id));
      }
      plans.push({ model: model.id, entries, dashboard: dashboardEntry, applied: options.apply && store !== undefined });
    }
    if (options.model === undefined && aws !== undefined) {
      const removed = await removedModelPlans(new Set(config.models.map((model) => model.id)), aws.cloudwatch.namespace, store, dashboards);
      if (options.apply && store !== undefined) await applyRemovedModelPlans(removed, store, dashboards);
      plans.push(...removed.map((plan) => ({ ...plan, applied: options.apply && store !== undefined, removed: true })));
    }
    return plans;
  } finally {
    client?.destroy();
  }
}

async function applyPlan(store: ThresholdAlarmStore, entries: readonly AlarmPlanEntry[]): Promise<void> {
  await store.remove(entries.filter((entry) => entry.action === 'delete').map((entry) => entry.name));
  for (const entry of entries) {
    const desired = entry.desired;
    if (desired === undefined || (entry.action !== 'create' && entry.action !== 'update')) continue;
    const { spec, ...settings } = desired;
    await store.put({ ...settings, model: spec.model, subject: spec.subject, metric: spec.metric, comparison: spec.comparison, threshold: spec.threshold, description: spec.description });
  }
}
