// Checks that the CloudWatch alarms a config implies fire exactly where the window evaluation
// breaches: every thresholded metric of an analysis has its alarm(s), and they fire on its value
// if and only if the evaluation called it a breach.
import assert from 'node:assert/strict';
import type { FeatureContract } from '../../src/domain/contract/contract.js';
import { thresholdAlarms, type AlarmComparison } from '../../src/domain/alarms/threshold-alarms.js';
import type { MonitoringPolicy } from '../../src/domain/monitoring/policy.js';
import type { WindowAnalysis } from '../../src/domain/monitoring/types.js';

export function alarmFires(value: number, comparison: AlarmComparison, threshold: number): boolean {
  switch (comparison) {
    case 'GreaterThanOrEqualToThreshold':
      return value >= threshold;
    case 'GreaterThanThreshold':
      return value > threshold;
    case 'LessThanOrEqualToThreshold':
      return value <= threshold;
    case 'LessThanThreshold':
      return value < threshold;
  }
}

export function assertAlarmsAgree(analysis: WindowAnalysis, contract: FeatureContract, policy: MonitoringPolicy): number {
  const alarms = thresholdAlarms(contract.model, contract, policy);
  let checked = 0;
  for (const record of analysis.metrics) {
    if (record.threshold === null || record.value === null) continue;
    const value = record.value;
    const mine = alarms.filter((alarm) => alarm.subject === `${record.group}:${record.subject}` && alarm.metric === record.metric);
    assert.ok(mine.length > 0, `no alarm for ${record.group}:${record.subject} ${record.metric}`);
    const fires = mine.some((alarm) => alarmFires(value, alarm.comparison, alarm.threshold));
    assert.equal(fires, record.breached, `alarm on ${record.group}:${record.subject} ${record.metric} = ${value}: fires ${fires}, evaluation breached ${record.breached}`);
    checked += 1;
  }
  return checked;
}
