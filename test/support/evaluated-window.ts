// One window evaluated with every aggregate a contract and its facets call for (each numeric
// feature and the prediction, each counted feature, every feature's quality, labelled performance
// and two groups per facet on both sides), so the analysis holds a value for every metric the
// monitoring run can publish: the series dashboards and alarms are checked against.
import { countedFeatures, numericSubjects } from '../../src/domain/sql/query-input.js';
import type { FeatureContract } from '../../src/domain/contract/contract.js';
import { evaluateWindow } from '../../src/domain/monitoring/evaluate-window.js';
import { facetName, type FacetPolicy, type MonitoringPolicy } from '../../src/domain/monitoring/policy.js';
import type { MetricRecord, WindowAnalysis } from '../../src/domain/monitoring/types.js';
import type { WindowAggregates } from '../../src/domain/monitoring/window-aggregates.js';
import type { FacetGroup } from '../../src/domain/sql/facets.js';
import type { PerformanceSums } from '../../src/domain/sql/performance.js';

function performance(scope: PerformanceSums['scope'], shift: number): PerformanceSums {
  return {
    scope,
    validRows: 100,
    sums: {
      windowRows: 100,
      labelledRows: 60,
      sumError: 60 * shift,
      sumAbsError: 60 * (2 + shift),
      sumSquaredError: 60 * (9 + shift),
      sumLabel: 6000,
      sumLabelSquared: 60 * (100 * 100 + 400),
      mapeRows: 60,
      sumAbsPercentError: 1.2,
    },
    sumPrediction: 6000 + 60 * shift,
  };
}

function facetGroups(facet: FacetPolicy): FacetGroup[] {
  const name = facetName(facet);
  const groups = facet.kind === 'weekend' ? ['weekend', 'weekday'] : ['a', 'b'];
  return (['window', 'baseline'] as const).flatMap((scope) =>
    groups.map((group, index): FacetGroup => {
      // The gap moves between the baseline and the window, so every gap change has a value.
      const prediction = 100 + index * (scope === 'window' ? 9 : 3);
      const rows = 40;
      return {
        scope,
        facet: name,
        group,
        rows,
        predictionRows: rows,
        sumPredictionAll: prediction * rows,
        sums: { rows, sumPrediction: prediction * rows, sumError: (1 + index) * rows, sumSquaredError: (4 + index) * rows },
        sumAbsError: null,
        sumLabel: null,
      };
    }),
  );
}

export function completeAggregates(contract: FeatureContract, policy: Pick<MonitoringPolicy, 'facets' | 'windowDays'>): WindowAggregates {
  const numeric = numericSubjects(contract).map(({ subject }) => subject);
  return {
    summary: {
      totalRows: 1000,
      invalidRows: 10,
      sampledRows: 1000,
      sampledValidRows: 990,
      predictionRows: 990,
      scoredPredictionRows: 0,
      missingPredictionRows: 0,
      coveredDays: policy.windowDays ?? 1,
    },
    quality: contract.features.map((feature) => {
      const numbers = feature.type === 'int' || feature.type === 'float';
      return { feature: feature.name, type: feature.type, rows: 200, validRows: 190, missing: 2, typeErrors: 1, outOfRange: 3, mean: numbers ? 10 : null, std: numbers ? 1 : null, p5: numbers ? 8 : null, p50: numbers ? 10 : null, p95: numbers ? 12 : null };
    }),
    distances: numeric.map((subject) => ({
      subject,
      n: 500,
      m: 500,
      ksStatistic: 0.05,
      wasserstein: 0.3,
      baselineMean: 10,
      baselineStd: 2,
      currentMean: 10.3,
      currentStd: 2,
      currentQuantiles: [8, 10, 12],
      baselineQuantiles: [8, 9, 10, 11, 12],
      baselineBand: [8, 10, 12],
    })),
    bins: new Map(numeric.map((subject) => [subject, { edges: [9, 10, 11], baseline: [120, 130, 130, 120], current: [100, 140, 140, 120] }])),
    categories: new Map(countedFeatures(contract).map((feature) => [feature.name, { categories: ['a', 'b', 'c'], baselineCounts: [50, 30, 20], currentCounts: [40, 35, 25] }])),
    performance: [performance('window', 1), performance('baseline', 0)],
    facets: policy.facets.flatMap(facetGroups),
    queryIds: ['q-1'],
  };
}

export function completeAnalysis(contract: FeatureContract, policy: MonitoringPolicy): WindowAnalysis {
  return evaluateWindow(contract, policy, completeAggregates(contract, policy));
}

/** `<group>:<subject> <metric>` of each metric with a value: the series the run publishes. */
export function publishedSeries(metrics: readonly MetricRecord[]): Set<string> {
  return new Set(metrics.filter((metric) => metric.value !== null && Number.isFinite(metric.value)).map((metric) => `${metric.group}:${metric.subject} ${metric.metric}`));
}
