// Pure statistics that turn the warehouse's small aggregates into monitoring metrics.
export { edgeProbabilities, binEdgesFromQuantiles, binIndex } from './bins.js';
export { psiEpsilon, populationStabilityIndex, jensenShannonDistance, linfDistance } from './binned-distances.js';
export {
  type AlignedCategoryCounts,
  type CategoricalDrift,
  alignCategoryCounts,
  unseenShare,
  categoricalDrift,
} from './categorical-drift.js';
export { type ChiSquareResult, chiSquareSurvival, chiSquareHomogeneity } from './chi-square.js';
export {
  type FacetGroupSums,
  type FacetMetrics,
  facetGroupMetrics,
  facetGaps,
  facetGapChange,
  checkFacetGapChange,
} from './facet-gaps.js';
export { logGamma, regularizedGammaP, regularizedGammaQ } from './gamma.js';
export { kolmogorovSurvival, ksAsymptoticPValue } from './kolmogorov.js';
export { benjaminiHochberg, benjaminiHochbergRejections } from './multiple-testing.js';
export { type NumericDriftAggregates, type NumericDrift, numericDrift } from './numeric-drift.js';
export { type RegressionSums, type RegressionPerformance, regressionPerformance } from './regression-performance.js';
export {
  type ComparisonOperator,
  type ComparisonRule,
  type AllowedRange,
  type ThresholdRule,
  type ThresholdResult,
  evaluateThreshold,
  evaluateComparison,
  evaluateRange,
} from './thresholds.js';
export { normalizeWasserstein } from './wasserstein.js';
