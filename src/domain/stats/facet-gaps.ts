// Bias drift across a facet (e.g. weekend vs weekday): per-group metrics from the warehouse's
// per-group sums, the gap between two groups, and how far that gap moved from the baseline's.
import { ratioOrNull, rootMeanOrNull } from './ratio.js';
import { type AllowedRange, type ThresholdResult, evaluateRange } from './thresholds.js';

export interface FacetGroupSums {
  /** Rows of the group that every sum below runs over (its labelled rows, so all three metrics share a population). */
  rows: number;
  sumPrediction: number | null;
  /** Σ (prediction - label). */
  sumError: number | null;
  sumSquaredError: number | null;
}

export interface FacetMetrics {
  meanPrediction: number | null;
  rmse: number | null;
  meanError: number | null;
}

const facetMetricNames = ['meanPrediction', 'rmse', 'meanError'] as const satisfies readonly (keyof FacetMetrics)[];

/** Per-group means; null for an empty group. */
export function facetGroupMetrics(group: FacetGroupSums): FacetMetrics {
  return {
    meanPrediction: ratioOrNull(group.sumPrediction, group.rows),
    rmse: rootMeanOrNull(group.sumSquaredError, group.rows),
    meanError: ratioOrNull(group.sumError, group.rows),
  };
}

/** groupA - groupB for every metric; null where either side is null. */
export function facetGaps(groupA: FacetMetrics, groupB: FacetMetrics): FacetMetrics {
  return difference(groupA, groupB);
}

/** currentGap - baselineGap for every metric; null where either side is null. */
export function facetGapChange(currentGap: FacetMetrics, baselineGap: FacetMetrics): FacetMetrics {
  return difference(currentGap, baselineGap);
}

function difference(left: FacetMetrics, right: FacetMetrics): FacetMetrics {
  return {
    meanPrediction: subtract(left.meanPrediction, right.meanPrediction),
    rmse: subtract(left.rmse, right.rmse),
    meanError: subtract(left.meanError, right.meanError),
  };
}

function subtract(left: number | null, right: number | null): number | null {
  return left === null || right === null ? null : left - right;
}

/** Range check of each gap change that has an allowed range; metrics without one are left out. */
export function checkFacetGapChange(
  change: FacetMetrics,
  allowed: Partial<Record<keyof FacetMetrics, AllowedRange>>,
): Partial<Record<keyof FacetMetrics, ThresholdResult>> {
  const results: Partial<Record<keyof FacetMetrics, ThresholdResult>> = {};
  for (const metric of facetMetricNames) {
    const range = allowed[metric];
    if (range !== undefined) results[metric] = evaluateRange(change[metric], range);
  }
  return results;
}
