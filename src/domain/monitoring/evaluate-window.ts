// Turns one window's aggregates into metric rows, drift decisions and breaches. Pure: the same
// aggregates and policy always give the same verdict.
import type { FacetConfig, MonitoringConfig } from '../../config/schema.js';
import { isNumeric, type FeatureContract } from '../contract/contract.js';
import {
  benjaminiHochberg,
  categoricalDrift,
  evaluateThreshold,
  facetGroupMetrics,
  numericDrift,
  regressionPerformance,
  type FacetMetrics,
  type ThresholdRule,
} from '../stats/index.js';
import type { WindowAggregates } from '../../activities/monitoring/collect-aggregates.js';
import { categoricalDriftValues, numericDriftValues } from './drift-values.js';
import type { Breach, BreachKind, MetricGroup, MetricRecord, WindowAnalysis } from './types.js';

const pValueMethods = new Set(['ks_p_value', 'chi2_p_value']);

type DriftValues = Record<string, number | null>;

interface DriftSubject {
  group: MetricGroup;
  subject: string;
  values: DriftValues;
  method: string;
  threshold: number;
}

function share(part: number, whole: number): number | null {
  return whole > 0 ? part / whole : null;
}

class MetricCollector {
  readonly metrics: MetricRecord[] = [];
  readonly breaches: Breach[] = [];

  add(group: MetricGroup, subject: string, metric: string, value: number | null, kind?: BreachKind, rule?: ThresholdRule): void {
    if (rule === undefined || kind === undefined) {
      this.metrics.push({ group, subject, metric, value, threshold: null, breached: false });
      return;
    }
    const result = evaluateThreshold(value, rule);
    const bound = boundOf(rule, value);
    this.metrics.push({ group, subject, metric, value, threshold: bound, breached: result.breached });
    if (result.breached && bound !== null) {
      this.breaches.push({ kind, group, subject, metric, value, threshold: bound, excess: result.excess });
    }
  }
}

/** The threshold a value is compared with: the rule's, or the range bound nearest to the value. */
function boundOf(rule: ThresholdRule, value: number | null): number | null {
  if ('threshold' in rule) return rule.threshold;
  if (value !== null && rule.max !== undefined && value > rule.max) return rule.max;
  if (value !== null && rule.min !== undefined && value < rule.min) return rule.min;
  return rule.max ?? rule.min ?? null;
}

function facetName(facet: FacetConfig): string {
  return facet.kind === 'weekend' ? 'weekend' : facet.feature;
}

/** Two groups: signed gap first - second (weekend - weekday); more: the range max - min. */
function gapOf(groups: Map<string, FacetMetrics>, metric: keyof FacetMetrics, order: string[]): number | null {
  const values = order.map((name) => groups.get(name)?.[metric] ?? null);
  if (values.some((v) => v === null) || values.length < 2) return null;
  const known = values as number[];
  if (known.length === 2) return known[0]! - known[1]!;
  return Math.max(...known) - Math.min(...known);
}

function groupOrder(facet: string, names: Iterable<string>): string[] {
  const sorted = [...new Set(names)].sort();
  return facet === 'weekend' ? ['weekend', 'weekday'].filter((name) => sorted.includes(name)) : sorted;
}

export function evaluateWindow(contract: FeatureContract, policy: MonitoringConfig, aggregates: WindowAggregates): WindowAnalysis {
  const out = new MetricCollector();
  const { summary } = aggregates;

  // Data quality, per feature.
  let qualityBreached = false;
  for (const quality of aggregates.quality) {
    const before = out.breaches.length;
    out.add('quality', quality.feature, 'missing_share', share(quality.missing, quality.rows), 'quality', policy.quality.missingShare);
    out.add('quality', quality.feature, 'type_error_share', share(quality.typeErrors, quality.rows), 'quality', policy.quality.typeErrorShare);
    out.add('quality', quality.feature, 'out_of_range_share', share(quality.outOfRange, quality.validRows), 'quality', policy.quality.outOfRangeShare);
    for (const [metric, value] of [['mean', quality.mean], ['std', quality.std], ['p5', quality.p5], ['p50', quality.p50], ['p95', quality.p95]] as const) {
      if (value !== null) out.add('quality', quality.feature, metric, value);
    }
    qualityBreached ||= out.breaches.length > before;
  }
  out.add('run', 'window', 'rows', summary.totalRows);
  out.add('run', 'window', 'quarantined_rows', summary.invalidRows);
  out.add('run', 'window', 'quarantined_share', share(summary.invalidRows, summary.totalRows));
  out.add('run', 'window', 'scored_prediction_rows', summary.scoredPredictionRows);

  // Drift: numeric features and the prediction, then categorical features.
  const subjects: DriftSubject[] = [];
  for (const distance of aggregates.distances) {
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
    const isPrediction = distance.subject === 'prediction' && !contract.features.some((f) => f.name === 'prediction');
    const rule = isPrediction ? policy.drift.prediction : (policy.drift.features[distance.subject] ?? policy.drift.numeric);
    const values: DriftValues = numericDriftValues(drift);
    values.mean = distance.currentMean;
    values.baseline_mean = distance.baselineMean;
    subjects.push({ group: isPrediction ? 'prediction' : 'feature', subject: distance.subject, values, method: rule.method, threshold: rule.threshold });
  }
  for (const feature of contract.features) {
    if (isNumeric(feature)) continue;
    const counts = aggregates.categories.get(feature.name);
    if (counts === undefined) continue;
    const rule = policy.drift.features[feature.name] ?? policy.drift.categorical;
    subjects.push({
      group: 'feature',
      subject: feature.name,
      values: categoricalDriftValues(categoricalDrift(counts.baselineCounts, counts.currentCounts)),
      method: rule.method,
      threshold: rule.threshold,
    });
  }

  // p-value methods are decided together, after a Benjamini-Hochberg correction across subjects.
  const tested = subjects.filter((s) => pValueMethods.has(s.method));
  const adjusted = benjaminiHochberg(tested.map((s) => s.values[s.method] ?? null));
  tested.forEach((s, index) => {
    s.values[`${s.method}_bh`] = adjusted[index] ?? null;
  });

  const driftedFeatures: string[] = [];
  let predictionDrifted = false;
  for (const s of subjects) {
    for (const [metric, value] of Object.entries(s.values)) {
      if (metric === s.method || metric === `${s.method}_bh`) continue;
      out.add(s.group, s.subject, metric, value);
    }
    const pValue = pValueMethods.has(s.method);
    const decisive = pValue ? s.values[`${s.method}_bh`] ?? null : s.values[s.method] ?? null;
    const rule: ThresholdRule = pValue ? { op: '<', threshold: policy.drift.fdrAlpha } : { op: '>=', threshold: s.threshold };
    if (pValue) out.add(s.group, s.subject, s.method, s.values[s.method] ?? null);
    const before = out.breaches.length;
    out.add(s.group, s.subject, pValue ? `${s.method}_bh` : s.method, decisive, 'drift', rule);
    if (out.breaches.length > before) {
      if (s.group === 'prediction') predictionDrifted = true;
      else driftedFeatures.push(s.subject);
    }
  }

  // Performance from the delayed labels that have arrived.
  const windowPerformance = aggregates.performance.find((p) => p.scope === 'window');
  const baselinePerformance = aggregates.performance.find((p) => p.scope === 'baseline');
  const performance = windowPerformance === undefined ? undefined : regressionPerformance(windowPerformance.sums);
  if (performance !== undefined && windowPerformance !== undefined) {
    const values: Record<string, number | null> = {
      rmse: performance.rmse,
      mae: performance.mae,
      mape: performance.mape,
      r2: performance.r2,
      mean_error: performance.meanError,
      label_coverage: performance.labelCoverage,
    };
    for (const [metric, value] of Object.entries(values)) {
      const range = policy.performance[metric as keyof typeof policy.performance];
      out.add('performance', 'window', metric, value, range === undefined ? undefined : 'performance', range);
    }
    out.add('performance', 'window', 'labelled_rows', windowPerformance.sums.labelledRows);
  }
  if (baselinePerformance !== undefined) {
    const baseline = regressionPerformance(baselinePerformance.sums);
    out.add('performance', 'baseline', 'rmse', baseline.rmse);
    out.add('performance', 'baseline', 'mae', baseline.mae);
    out.add('performance', 'baseline', 'mean_error', baseline.meanError);
  }

  // Bias: per facet group, the gaps between groups and their change against the baseline.
  for (const facet of policy.facets) {
    const name = facetName(facet);
    const byScope = new Map<string, Map<string, FacetMetrics>>();
    for (const group of aggregates.facets.filter((g) => g.facet === name)) {
      const metrics = facetGroupMetrics(group.sums);
      const scope = byScope.get(group.scope) ?? new Map<string, FacetMetrics>();
      scope.set(group.group, metrics);
      byScope.set(group.scope, scope);
      if (group.scope === 'window') {
        const subject = `${facet.name}=${group.group}`;
        out.add('facet', subject, 'rows', group.rows);
        out.add('facet', subject, 'labelled_rows', group.sums.rows);
        out.add('facet', subject, 'mean_prediction', metrics.meanPrediction);
        out.add('facet', subject, 'rmse', metrics.rmse);
        out.add('facet', subject, 'mean_error', metrics.meanError);
      }
    }
    const current = byScope.get('window') ?? new Map<string, FacetMetrics>();
    const baseline = byScope.get('baseline') ?? new Map<string, FacetMetrics>();
    const order = groupOrder(name, [...current.keys(), ...baseline.keys()]);
    for (const [metric, key] of [['mean_prediction', 'meanPrediction'], ['rmse', 'rmse'], ['mean_error', 'meanError']] as const) {
      const gap = gapOf(current, key, order);
      const baselineGap = gapOf(baseline, key, order);
      const change = gap === null || baselineGap === null ? null : gap - baselineGap;
      out.add('facet', facet.name, `${metric}_gap`, gap);
      out.add('facet', facet.name, `baseline_${metric}_gap`, baselineGap);
      const range = policy.bias[`${metric}_gap_change`];
      out.add('facet', facet.name, `${metric}_gap_change`, change, range === undefined ? undefined : 'bias', range);
    }
  }

  const meanPrediction = aggregates.distances.find((d) => d.subject === 'prediction')?.currentMean ?? null;
  return {
    analysedRows: summary.sampledValidRows,
    labelledRows: windowPerformance?.sums.labelledRows ?? 0,
    labelCoverage: performance?.labelCoverage ?? null,
    metrics: out.metrics,
    breaches: out.breaches,
    driftedFeatures,
    predictionDrifted,
    dataQualityIncident: qualityBreached,
    headline: { rmse: performance?.rmse ?? null, mae: performance?.mae ?? null, meanPrediction },
    queryIds: aggregates.queryIds,
  };
}
