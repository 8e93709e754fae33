// The CloudWatch alarms a model's monitoring config implies: one per threshold, on the series the
// monitoring run publishes (subject `<group>:<subject>`), breaching in the same direction as the
// window evaluation. An allowed range becomes two alarms, one per bound.
import { countedFeatures, numericSubjects } from '../sql/query-input.js';
import type { FeatureContract } from '../contract/contract.js';
import type { AllowedRange, ComparisonRule, ThresholdRule } from '../stats/index.js';
import { driftDecision } from '../monitoring/drift-decision.js';
import type { BiasMetric, MonitoringPolicy, PerformanceMetric } from '../monitoring/policy.js';
import type { BreachKind, MetricGroup } from '../monitoring/types.js';

export type AlarmComparison = 'GreaterThanOrEqualToThreshold' | 'GreaterThanThreshold' | 'LessThanOrEqualToThreshold' | 'LessThanThreshold';

export interface ThresholdAlarmSpec {
  model: string;
  /** As published: `<group>:<subject>`, e.g. `feature:age`, `performance:window`. */
  subject: string;
  metric: string;
  comparison: AlarmComparison;
  threshold: number;
  /** Set for the two alarms of an allowed range: which bound this one guards. */
  bound?: 'min' | 'max';
  /** The breach kind the monitoring run reports for it. */
  kind: Exclude<BreachKind, 'no_data'>;
  /** A sentence for the alarm's description: what breaches. */
  description: string;
}

const comparisons: Record<ComparisonRule['op'], AlarmComparison> = {
  '>=': 'GreaterThanOrEqualToThreshold',
  '>': 'GreaterThanThreshold',
  '<=': 'LessThanOrEqualToThreshold',
  '<': 'LessThanThreshold',
};

/** The worst value of a period for the comparison: its largest for "greater", its smallest for "less". */
export function worstStatistic(comparison: AlarmComparison): 'Maximum' | 'Minimum' {
  return comparison.startsWith('Greater') ? 'Maximum' : 'Minimum';
}

export function thresholdAlarms(model: string, contract: FeatureContract, policy: Pick<MonitoringPolicy, 'drift' | 'quality' | 'performance' | 'bias' | 'facets'>): ThresholdAlarmSpec[] {
  const alarms: ThresholdAlarmSpec[] = [];
  const add = (group: MetricGroup, subject: string, metric: string, kind: ThresholdAlarmSpec['kind'], rule: ThresholdRule): void => {
    alarms.push(...alarmsOfRule({ model, subject: `${group}:${subject}`, metric, kind }, rule));
  };

  const predictionIsFeature = contract.features.some((feature) => feature.name === 'prediction');
  for (const { subject } of numericSubjects(contract)) {
    const isPrediction = subject === 'prediction' && !predictionIsFeature;
    const rule = isPrediction ? policy.drift.prediction : (policy.drift.features[subject] ?? policy.drift.numeric);
    const decision = driftDecision(rule, policy.drift.fdrAlpha);
    add(isPrediction ? 'prediction' : 'feature', subject, decision.metric, 'drift', decision.rule);
  }
  for (const feature of countedFeatures(contract)) {
    const decision = driftDecision(policy.drift.features[feature.name] ?? policy.drift.categorical, policy.drift.fdrAlpha);
    add('feature', feature.name, decision.metric, 'drift', decision.rule);
  }
  for (const feature of contract.features) {
    add('quality', feature.name, 'missing_share', 'quality', policy.quality.missingShare);
    add('quality', feature.name, 'type_error_share', 'quality', policy.quality.typeErrorShare);
    add('quality', feature.name, 'out_of_range_share', 'quality', policy.quality.outOfRangeShare);
  }
  for (const [metric, range] of Object.entries(policy.performance) as [PerformanceMetric, AllowedRange | undefined][]) {
    if (range !== undefined) add('performance', 'window', metric, 'performance', range);
  }
  for (const facet of policy.facets) {
    for (const [metric, range] of Object.entries(policy.bias) as [BiasMetric, AllowedRange | undefined][]) {
      if (range !== undefined) add('facet', facet.name, metric, 'bias', range);
    }
  }
  return alarms;
}

function alarmsOfRule(base: Pick<ThresholdAlarmSpec, 'model' | 'subject' | 'metric' | 'kind'>, rule: ThresholdRule): ThresholdAlarmSpec[] {
  const what = `${base.model} ${base.subject} ${base.metric}`;
  if ('op' in rule) {
    return [{ ...base, comparison: comparisons[rule.op], threshold: rule.threshold, description: `${what} ${rule.op} ${rule.threshold}` }];
  }
  const alarms: ThresholdAlarmSpec[] = [];
  if (rule.min !== undefined) alarms.push({ ...base, comparison: 'LessThanThreshold', threshold: rule.min, bound: 'min', description: `${what} below its allowed minimum ${rule.min}` });
  if (rule.max !== undefined) alarms.push({ ...base, comparison: 'GreaterThanThreshold', threshold: rule.max, bound: 'max', description: `${what} above its allowed maximum ${rule.max}` });
  return alarms;
}
