// Everything the warehouse returns for one window's evaluation: a few rows per feature, never the
// window's rows themselves. Collected by the monitoring activities, turned into metrics here.
import type { BinCounts, FacetGroup, FeatureQuality, NumericDistance, PerformanceSums } from '../sql/monitoring-queries.js';
import type { WindowSummary } from '../sql/summary.js';
import type { AlignedCategoryCounts } from '../stats/index.js';

export interface WindowAggregates {
  summary: WindowSummary;
  quality: FeatureQuality[];
  distances: NumericDistance[];
  bins: Map<string, BinCounts>;
  categories: Map<string, AlignedCategoryCounts>;
  performance: PerformanceSums[];
  facets: FacetGroup[];
  queryIds: string[];
  /** Bytes the warehouse read for these aggregates, where it reports them (Athena). */
  bytesScanned?: number;
}
