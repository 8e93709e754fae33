// What `vigil alarms apply` changes: the alarms the config implies against those that exist, by
// name. An alarm whose threshold, direction, statistic, timing or actions differ is replaced; one
// the config no longer implies (a threshold removed, a feature dropped) is deleted.
import type { ThresholdAlarmSpec } from './threshold-alarms.js';
import { worstStatistic } from './threshold-alarms.js';

/** Mirrors the store's settings without importing the port (the domain knows no ports). */
export interface PlannedAlarmSettings {
  periodSeconds: number;
  evaluationPeriods: number;
  datapointsToAlarm: number;
  actions: string[];
}

export interface ExistingAlarm extends PlannedAlarmSettings {
  name: string;
  comparison: string;
  threshold: number;
  statistic: string;
  description: string;
}

export interface DesiredAlarm extends PlannedAlarmSettings {
  name: string;
  spec: ThresholdAlarmSpec;
  statistic: 'Maximum' | 'Minimum';
}

export type AlarmAction = 'create' | 'update' | 'keep' | 'delete';

export interface AlarmPlanEntry {
  action: AlarmAction;
  name: string;
  /** What breaches (desired alarms) or what the alarm watched (deleted ones). */
  description: string;
  /** For updates: each field that differs, as `field: old -> new`. */
  changes: string[];
  desired?: DesiredAlarm;
}

export function desiredAlarms(specs: readonly ThresholdAlarmSpec[], settings: PlannedAlarmSettings, nameOf: (spec: ThresholdAlarmSpec) => string): DesiredAlarm[] {
  return specs.map((spec) => ({ ...settings, actions: [...settings.actions], name: nameOf(spec), spec, statistic: worstStatistic(spec.comparison) }));
}

export function planAlarms(desired: readonly DesiredAlarm[], existing: readonly ExistingAlarm[]): AlarmPlanEntry[] {
  const byName = new Map(existing.map((alarm) => [alarm.name, alarm]));
  const duplicates = desired.map((alarm) => alarm.name).filter((name, index, names) => names.indexOf(name) !== index);
  if (duplicates.length > 0) throw new Error(`two thresholds map to one alarm name: ${[...new Set(duplicates)].join(', ')}`);
  const plan: AlarmPlanEntry[] = desired.map((alarm) => {
    const current = byName.get(alarm.name);
    if (current === undefined) return { action: 'create', name: alarm.name, description: alarm.spec.description, changes: [], desired: alarm };
    const changes = differences(current, alarm);
    return { action: changes.length === 0 ? 'keep' : 'update', name: alarm.name, description: alarm.spec.description, changes, desired: alarm };
  });
  const wanted = new Set(desired.map((alarm) => alarm.name));
  for (const alarm of existing) {
    if (!wanted.has(alarm.name)) plan.push({ action: 'delete', name: alarm.name, description: alarm.description, changes: [] });
  }
  return plan;
}

function differences(current: ExistingAlarm, desired: DesiredAlarm): string[] {
  const fields: [string, unknown, unknown][] = [
    ['comparison', current.comparison, desired.spec.comparison],
    ['threshold', current.threshold, desired.spec.threshold],
    ['statistic', current.statistic, desired.statistic],
    ['period', current.periodSeconds, desired.periodSeconds],
    ['evaluation periods', current.evaluationPeriods, desired.evaluationPeriods],
    ['datapoints to alarm', current.datapointsToAlarm, desired.datapointsToAlarm],
    ['actions', [...current.actions].sort().join(',') || '(none)', [...desired.actions].sort().join(',') || '(none)'],
    ['description', current.description, desired.spec.description],
  ];
  return fields.filter(([, before, after]) => before !== after).map(([field, before, after]) => `${field}: ${String(before)} -> ${String(after)}`);
}

/**
 * Daily windows publish one point per window, stamped with the window's end; a window re-evaluated
 * as its labels arrive publishes again under the same stamp. One-day periods, and as many of them
 * as the windows still being re-evaluated (CloudWatch allows at most 7 days), so a late breach in
 * an earlier window still fires; one breaching period is enough.
 */
export function dailyAlarmTiming(relabelDays: number): Pick<PlannedAlarmSettings, 'periodSeconds' | 'evaluationPeriods' | 'datapointsToAlarm'> {
  return { periodSeconds: 86_400, evaluationPeriods: Math.min(relabelDays + 1, 7), datapointsToAlarm: 1 };
}
