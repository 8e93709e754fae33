// The monitoring job's queries: each builder returns { sql, label } in the dialect it is given and
// has a decoder that turns the warehouse's rows into typed aggregates. Feature lists always follow
// the contract's order. Callers import from here; the files behind it hold one query each.
export {
  type BuiltQuery,
  type MonitoringQueryInput,
  type MonitoringTables,
  featureColumn,
  numericSubjects,
  categoricalFeatures,
  countedFeatures,
  predictionSubject,
} from './query-input.js';
export { windowRowsCte, baselineRowsCte, labelsAsOfCte } from './source-rows.js';
export { type QuarantineStatements, quarantineSql, quarantineCountSql, decodeQuarantineCount } from './quarantine.js';
export { type WindowSummary, windowSummarySql, decodeWindowSummary } from './summary.js';
export { type FeatureQuality, qualitySql, decodeQuality, withWindowQuantiles } from './quality.js';
export {
  type NumericDistance,
  numericDistanceSql,
  decodeNumericDistance,
  baselineQuantilesOf,
  qualityProbabilities,
} from './distance.js';
export {
  type BaselineQuantiles,
  type BinCounts,
  defaultBins,
  baselineQuantilesSql,
  decodeBaselineQuantiles,
  edgesFromQuantiles,
  binCountsSql,
  decodeBinCounts,
} from './bins.js';
export { categoryCountsSql, decodeCategoryCounts } from './categories.js';
export {
  type PerformanceScope,
  type PerformanceSums,
  performanceScopes,
  performanceSql,
  decodePerformance,
} from './performance.js';
export { type FacetGroup, weekendFacet, facetSql, decodeFacets } from './facets.js';
export { type FeatureValue, type RowToScore, rowsToScoreSql, decodeRowsToScore } from './rows-to-score.js';
