// A model's CloudWatch dashboard as `vigil alarms plan|apply` sees it: planned against the alarms
// listed before the apply, put with the alarms listed after it (a new alarm's ARN exists only then).
import { dashboardName } from '../adapters/aws/cloudwatch/cloudwatch-dashboards.js';
import { cloudwatchDashboardBody } from '../domain/alarms/cloudwatch-dashboard.js';
import { alarmArns, planDashboard, type DashboardPlanEntry } from '../domain/alarms/dashboard-plan.js';
import type { ThresholdAlarmSpec } from '../domain/alarms/threshold-alarms.js';
import type { DashboardStore } from '../ports/dashboard-store.js';
import type { StoredAlarm } from '../ports/threshold-alarm-store.js';

/** Where a model's dashboard goes and what its graphs read. */
export interface DashboardTarget {
  store: DashboardStore;
  namespace: string;
  region: string;
}

export class ModelDashboard {
  private readonly name: string;
  private current: string | undefined;

  constructor(
    private readonly model: string,
    private readonly specs: readonly ThresholdAlarmSpec[],
    private readonly alarmNames: readonly string[],
    private readonly target: DashboardTarget | undefined,
  ) {
    this.name = dashboardName(model);
  }

  async plan(alarms: readonly StoredAlarm[]): Promise<DashboardPlanEntry> {
    if (this.target === undefined) return { action: 'create', name: this.name, reason: 'aws mode keeps it in CloudWatch' };
    this.current = await this.target.store.get(this.name);
    return planDashboard(this.name, this.body(this.target, alarms), this.current);
  }

  async apply(alarms: readonly StoredAlarm[]): Promise<DashboardPlanEntry> {
    if (this.target === undefined) throw new Error(`the dashboard ${this.name} has no CloudWatch to go to`);
    const entry = planDashboard(this.name, this.body(this.target, alarms), this.current);
    if (entry.body !== undefined) await this.target.store.put(this.name, entry.body);
    return entry;
  }

  private body(target: DashboardTarget, alarms: readonly StoredAlarm[]): string {
    return cloudwatchDashboardBody({ model: this.model, namespace: target.namespace, region: target.region, specs: this.specs, alarmArns: alarmArns(this.alarmNames, alarms) });
  }
}
