// Asks the warehouse for every aggregate one window's evaluation needs. Each query returns a few
// rows per feature; the window's rows never leave the warehouse.
import type { FeatureContract } from '../../domain/contract/contract.js';
import type { WindowAggregates } from '../../domain/monitoring/window-aggregates.js';
import {
  binCountsSql,
  categoryCountsSql,
  countedFeatures,
  decodeBinCounts,
  decodeCategoryCounts,
  decodeFacets,
  decodeNumericDistance,
  decodePerformance,
  decodeQuality,
  decodeWindowSummary,
  edgesFromQuantiles,
  facetSql,
  numericDistanceSql,
  numericSubjects,
  baselineQuantilesOf,
  withWindowQuantiles,
  performanceSql,
  qualitySql,
  windowSummarySql,
  type BuiltQuery,
  type MonitoringQueryInput,
} from '../../domain/sql/monitoring-queries.js';
import type { AlignedCategoryCounts } from '../../domain/stats/index.js';
import type { QueryResult, Warehouse } from '../../ports/warehouse.js';
import { type StagingPlan, withStagedSources } from './staged-sources.js';
import { coveringWindow } from '../../domain/monitoring/windows.js';
import type { TimeWindow } from '../../domain/monitoring/types.js';

export interface CollectOptions {
  asOf: string;
  bins: number;
  /** Facet names understood by the SQL builder: "weekend" or a category/bool feature. */
  facets: string[];
  /** The (longer) window facet gaps are measured over; defaults to the window itself. */
  facetWindow?: { start: string; end: string };
  onProgress?: (step: string, done: number, total: number) => void;
  signal?: AbortSignal;
  /** The window rows prepareWindow kept staged (see staged-sources.ts); stale when predictions were scored since. */
  keptWindow?: { key: string; stale: boolean };
}

/**
 * The production rows an analysis stages: its window, and the facet window when facets are
 * measured. prepareWindow stages the same span, which is what lets the analysis take its rows.
 */
export function stagingSpan(window: TimeWindow, facetWindow: TimeWindow, facets: readonly string[]): TimeWindow {
  return facets.length > 0 ? coveringWindow(window, facetWindow) : window;
}

export async function collectWindowAggregates(
  warehouse: Warehouse,
  input: MonitoringQueryInput & { contract: FeatureContract },
  options: CollectOptions,
): Promise<WindowAggregates> {
  const facetWindow = options.facetWindow ?? input.window;
  const kept = options.keptWindow;
  const plan: StagingPlan = {
    span: stagingSpan(input.window, facetWindow, options.facets),
    baseline: true,
    labelsAsOf: options.asOf,
    ...(kept === undefined ? {} : { takeWindowFrom: kept.key, keptWindowStale: kept.stale }),
    onStep: (step: string) => options.onProgress?.(step, 0, 0),
    onProgress: (step: string) => options.onProgress?.(step, 0, 0),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  };
  return withStagedSources(warehouse, input, plan, (staged) => collectFromStaged(warehouse, staged, { ...options, facetWindow }));
}

async function collectFromStaged(
  warehouse: Warehouse,
  input: MonitoringQueryInput & { contract: FeatureContract },
  options: CollectOptions,
): Promise<WindowAggregates> {
  const queryIds: string[] = [];
  const total = options.facets.length > 0 ? 7 : 6;
  let done = 0;
  const run = async (built: BuiltQuery): Promise<QueryResult> => {
    options.onProgress?.(built.label, done, total);
    const progress = (): void => options.onProgress?.(built.label, done, total);
    const result = await warehouse.query(built.sql, { label: built.label, onProgress: progress, ...(options.signal ? { signal: options.signal } : {}) });
    queryIds.push(result.queryId);
    done += 1;
    return result;
  };

  const summary = decodeWindowSummary((await run(windowSummarySql(input))).rows);
  // The distance query gives the numeric features' quantiles and the bin edges' raw values.
  const sorted = new Set(numericSubjects(input.contract).map((subject) => subject.subject));
  const counted = decodeQuality((await run(qualitySql(input, { quantilesElsewhere: sorted }))).rows);
  const distances = decodeNumericDistance((await run(numericDistanceSql(input, options.bins))).rows, options.bins);
  const quality = withWindowQuantiles(counted, distances);
  const edges = edgesFromQuantiles(baselineQuantilesOf(distances));
  const bins = decodeBinCounts((await run(binCountsSql(input, edges))).rows, edges);
  const hasCategorical = countedFeatures(input.contract).length > 0;
  const categories = hasCategorical ? decodeCategoryCounts((await run(categoryCountsSql(input))).rows, input.contract) : new Map<string, AlignedCategoryCounts>();
  if (!hasCategorical) done += 1;
  const performance = decodePerformance((await run(performanceSql(input, { asOf: options.asOf }))).rows);
  const facets = options.facets.length > 0 ? decodeFacets((await run(facetSql({ ...input, window: options.facetWindow ?? input.window }, { asOf: options.asOf, facets: options.facets }))).rows) : [];
  options.onProgress?.('done', total, total);
  return { summary, quality, distances, bins, categories, performance, facets, queryIds };
}
