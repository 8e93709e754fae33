// Drift of numeric features and the prediction, then of categorical features, each decided by its
// rule's method. p-value methods are decided together after a Benjamini-Hochberg correction.
import { driftsAsNumbers, type FeatureContract } from '../contract/contract.js';
import { benjaminiHochberg, categoricalDrift, numericDrift } from '../stats/index.js';
import { driftDecision, isPValueMethod } from './drift-decision.js';
import { categoricalDriftValues, numericDriftValues } from './drift-values.js';
import type { MetricCollector } from './metric-collector.js';
import type { DriftPolicy } from './policy.js';
import type { MetricGroup } from './types.js';
import type { WindowAggregates } from './window-aggregates.js';

type DriftValues = Record<string, number | null>;

interface DriftSubject {
  group: MetricGroup;
  subject: string;
  values: DriftValues;
  method: string;
  threshold: number;
}

export interface DriftVerdict {
  driftedFeatures: string[];
  predictionDrifted: boolean;
}

export function evaluateDrift(out: MetricCollector, contract: FeatureContract, policy: DriftPolicy, aggregates: WindowAggregates): DriftVerdict {
  const subjects = [...numericSubjects(contract, policy, aggregates), ...categoricalSubjects(contract, policy, aggregates)];
  correctPValues(subjects);
  const verdict: DriftVerdict = { driftedFeatures: [], predictionDrifted: false };
  for (const s of subjects) {
    if (!recordSubject(out, s, policy.fdrAlpha)) continue;
    if (s.group === 'prediction') verdict.predictionDrifted = true;
    else verdict.driftedFeatures.push(s.subject);
  }
  return verdict;
}

function numericSubjects(contract: FeatureContract, policy: DriftPolicy, aggregates: WindowAggregates): DriftSubject[] {
  return aggregates.distances.map((distance): DriftSubject => {
    const bins = aggregates.bins.get(distance.subject);
    const drift = numericDrift({
      baselineRows: distance.n,
      currentRows: distance.m,
      ksStatistic: distance.ksStatistic,
      wasserstein: distance.wasserstein,
      baselineStd: distance.baselineStd,
      baselineBinCounts: bins?.baseline ?? [],
      currentBinCounts: bins?.current ?? [],
    });
    // The model's output, unless the contract has a feature of that name.
    const isPrediction = distance.subject === 'prediction' && !contract.features.some((f) => f.name === 'prediction');
    const rule = isPrediction ? policy.prediction : (policy.features[distance.subject] ?? policy.numeric);
    const values: DriftValues = numericDriftValues(drift);
    values.mean = distance.currentMean;
    values.baseline_mean = distance.baselineMean;
    return { group: isPrediction ? 'prediction' : 'feature', subject: distance.subject, values, method: rule.method, threshold: rule.threshold };
  });
}

function categoricalSubjects(contract: FeatureContract, policy: DriftPolicy, aggregates: WindowAggregates): DriftSubject[] {
  const subjects: DriftSubject[] = [];
  for (const feature of contract.features) {
    if (driftsAsNumbers(feature)) continue;
    const counts = aggregates.categories.get(feature.name);
    if (counts === undefined) continue;
    const rule = policy.features[feature.name] ?? policy.categorical;
    subjects.push({
      group: 'feature',
      subject: feature.name,
      values: {
        ...categoricalDriftValues(categoricalDrift(counts.baselineCounts, counts.currentCounts)),
        ...(counts.outsideCalendarShare === undefined ? {} : { outside_calendar_share: counts.outsideCalendarShare }),
      },
      method: rule.method,
      threshold: rule.threshold,
    });
  }
  return subjects;
}

/** Adds `<method>_bh`, the Benjamini-Hochberg adjusted p-value, to every subject decided by a p-value. */
function correctPValues(subjects: DriftSubject[]): void {
  const tested = subjects.filter((s) => isPValueMethod(s.method));
  const adjusted = benjaminiHochberg(tested.map((s) => s.values[s.method] ?? null));
  tested.forEach((s, index) => {
    s.values[`${s.method}_bh`] = adjusted[index] ?? null;
  });
}

/** Adds a subject's drift metrics, the deciding one last; true when it breached. */
function recordSubject(out: MetricCollector, s: DriftSubject, fdrAlpha: number): boolean {
  for (const [metric, value] of Object.entries(s.values)) {
    if (metric === s.method || metric === `${s.method}_bh`) continue;
    out.add(s.group, s.subject, metric, value);
  }
  const { metric, rule } = driftDecision({ method: s.method, threshold: s.threshold }, fdrAlpha);
  if (isPValueMethod(s.method)) out.add(s.group, s.subject, s.method, s.values[s.method] ?? null);
  const before = out.breaches.length;
  out.add(s.group, s.subject, metric, s.values[metric] ?? null, 'drift', rule);
  return out.breaches.length > before;
}
