// Performance from the delayed labels that have arrived, against the allowed range of each metric,
// with the baseline's performance alongside for comparison.
import type { PerformanceSums } from '../sql/performance.js';
import { regressionPerformance, type RegressionPerformance } from '../stats/index.js';
import type { MetricCollector } from './metric-collector.js';
import type { MonitoringPolicy, PerformanceMetric } from './policy.js';

export interface WindowPerformance {
  /** Undefined when the warehouse returned no performance row for the window. */
  performance: RegressionPerformance | undefined;
  labelledRows: number;
}

export function evaluatePerformance(
  out: MetricCollector,
  policy: MonitoringPolicy['performance'],
  sums: readonly PerformanceSums[],
): WindowPerformance {
  const windowPerformance = sums.find((p) => p.scope === 'window');
  const baselinePerformance = sums.find((p) => p.scope === 'baseline');
  const performance = windowPerformance === undefined ? undefined : regressionPerformance(windowPerformance.sums);
  if (performance !== undefined && windowPerformance !== undefined) {
    const values: Record<PerformanceMetric, number | null> = {
      rmse: performance.rmse,
      mae: performance.mae,
      mape: performance.mape,
      r2: performance.r2,
      mean_error: performance.meanError,
      label_coverage: performance.labelCoverage,
    };
    for (const [metric, value] of Object.entries(values)) {
      const range = policy[metric as PerformanceMetric];
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
  return { performance, labelledRows: windowPerformance?.sums.labelledRows ?? 0 };
}
