// Drift of a numeric feature (or of the predictions) from the aggregates the warehouse returns.
import { jensenShannonDistance, populationStabilityIndex } from './binned-distances.js';
import { ksAsymptoticPValue } from './kolmogorov.js';
import { normalizeWasserstein } from './wasserstein.js';

export interface NumericDriftAggregates {
  /** Non-null rows in the baseline (n) and the current window (m). */
  baselineRows: number;
  currentRows: number;
  ksStatistic: number | null;
  wasserstein: number | null;
  /** Sample standard deviation (ddof = 1) of the baseline; null for fewer than two rows. */
  baselineStd: number | null;
  /** Counts per bin over edges taken from the baseline (see bins.ts), same length for both. */
  baselineBinCounts: readonly number[];
  currentBinCounts: readonly number[];
}

export interface NumericDrift {
  ksStatistic: number | null;
  ksPValue: number | null;
  wasserstein: number | null;
  wassersteinNormed: number | null;
  psi: number | null;
  jsDistance: number | null;
}

export function numericDrift(aggregates: NumericDriftAggregates): NumericDrift {
  return {
    ksStatistic: aggregates.ksStatistic,
    ksPValue: ksAsymptoticPValue(aggregates.ksStatistic, aggregates.baselineRows, aggregates.currentRows),
    wasserstein: aggregates.wasserstein,
    wassersteinNormed: normalizeWasserstein(aggregates.wasserstein, aggregates.baselineStd),
    psi: populationStabilityIndex(aggregates.baselineBinCounts, aggregates.currentBinCounts),
    jsDistance: jensenShannonDistance(aggregates.baselineBinCounts, aggregates.currentBinCounts),
  };
}
