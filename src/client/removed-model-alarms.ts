// What a model leaves in CloudWatch once it is taken out of the config: its threshold alarms
// (billed per alarm-month) and its dashboard. `vigil alarms apply` over the whole config deletes
// them. Only what is provably Vigil's, in the config's namespace, is touched: alarms on that
// namespace's series with a Model dimension, and `vigil-*` dashboards whose graphs draw one
// model's series from that namespace. A second Vigil sharing the account and namespace would
// share the series too, so the namespace is what separates installations.
import { dashboardName } from '../adapters/aws/cloudwatch/cloudwatch-dashboards.js';
import type { AlarmPlanEntry } from '../domain/alarms/alarm-plan.js';
import { modelShownBy, type DashboardPlanEntry } from '../domain/alarms/dashboard-plan.js';
import type { DashboardStore } from '../ports/dashboard-store.js';
import type { ThresholdAlarmStore } from '../ports/threshold-alarm-store.js';

export interface RemovedModelPlan {
  model: string;
  /** Every alarm of the model, to delete. */
  entries: AlarmPlanEntry[];
  /** Its dashboard, to delete, where one exists. */
  dashboard?: DashboardPlanEntry;
}

const reason = 'its model is no longer in the config';

/** The alarms and dashboards of models that are not among `configured`, grouped by model, in name order. */
export async function removedModelPlans(
  configured: ReadonlySet<string>,
  namespace: string,
  store: ThresholdAlarmStore | undefined,
  dashboards: DashboardStore | undefined,
): Promise<RemovedModelPlan[]> {
  const plans = new Map<string, RemovedModelPlan>();
  const planOf = (model: string): RemovedModelPlan => {
    const found = plans.get(model) ?? { model, entries: [] };
    plans.set(model, found);
    return found;
  };
  for (const alarm of store === undefined ? [] : await store.list()) {
    if (configured.has(alarm.model)) continue;
    planOf(alarm.model).entries.push({ action: 'delete', name: alarm.name, description: alarm.description, changes: [reason] });
  }
  const configuredDashboards = new Set([...configured].map(dashboardName));
  for (const name of dashboards === undefined ? [] : await dashboards.list('vigil-')) {
    if (configuredDashboards.has(name)) continue;
    const body = await dashboards?.get(name);
    const model = body === undefined ? undefined : modelShownBy(body, namespace);
    // The name must be the one Vigil gives that model's dashboard: a copy under another name is the user's.
    if (model === undefined || configured.has(model) || dashboardName(model) !== name) continue;
    planOf(model).dashboard = { action: 'delete', name, reason };
  }
  return [...plans.values()].sort((a, b) => a.model.localeCompare(b.model));
}

/** Deletes what the plans list. */
export async function applyRemovedModelPlans(plans: readonly RemovedModelPlan[], store: ThresholdAlarmStore, dashboards: DashboardStore | undefined): Promise<void> {
  await store.remove(plans.flatMap((plan) => plan.entries.map((entry) => entry.name)));
  const names = plans.flatMap((plan) => (plan.dashboard === undefined ? [] : [plan.dashboard.name]));
  if (names.length > 0) await dashboards?.remove(names);
}
