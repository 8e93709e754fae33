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
  type NumericDistance,
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
import { addScanned, scannedField } from '../shared/bytes-scanned.js';
import { type StagingPlan, withStagedSources } from './staged-sources.js';
import { coveringWindow } from '../../domain/monitoring/windows.js';
import { decodeStagedFingerprint, stagedFingerprintSql } from '../../domain/sql/staged-fingerprint.js';
import { type StagingQuery, stagedBaselineSql, stagedWindowSql } from '../../domain/sql/staging.js';
import { keptResultsKey, keptRowAggregates, type RowAggregates } from './row-aggregates-cache.js';
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
  /** The window's rows, as prepareWindow counted them: small windows take the distance layout that plans fastest. */
  windowRows?: number;
  /**
   * A re-evaluation: when the staged window and baseline hold the rows an earlier analysis on this
   * worker read, its drift, quality, summary and category counts are taken, and only what reads
   * the labels runs (see row-aggregates-cache.ts). Costs one statement (the fingerprints).
   */
  reuseUnchangedRows?: boolean;
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
  let stagingBytes: number | undefined;
  const plan: StagingPlan = {
    span: stagingSpan(input.window, facetWindow, options.facets),
    baseline: true,
    labelsAsOf: options.asOf,
    ...(kept === undefined ? {} : { takeWindowFrom: kept.key, keptWindowStale: kept.stale }),
    onStep: (step: string) => options.onProgress?.(step, 0, 0),
    onProgress: (step: string) => options.onProgress?.(step, 0, 0),
    onScanned: (bytes: number) => (stagingBytes = (stagingBytes ?? 0) + bytes),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  };
  const staging = { window: stagedWindowSql(input, plan.span ?? input.window), baseline: stagedBaselineSql(input) };
  const aggregates = await withStagedSources(warehouse, input, plan, (staged) => collectFromStaged(warehouse, staged, { ...options, facetWindow }, staging));
  // What the analysis read is its staging's reads and its queries'.
  const bytesScanned = stagingBytes === undefined ? aggregates.bytesScanned : (aggregates.bytesScanned ?? 0) + stagingBytes;
  return { ...aggregates, ...scannedField(bytesScanned) };
}

async function collectFromStaged(
  warehouse: Warehouse,
  input: MonitoringQueryInput & { contract: FeatureContract },
  options: CollectOptions,
  staging: { window: StagingQuery; baseline: StagingQuery },
): Promise<WindowAggregates> {
  // In the order the queries were issued, whatever order they end in.
  const ledger: Ledger = { queryIds: [] };
  let reuseKey: string | undefined;
  const staged = input.staged;
  if (options.reuseUnchangedRows === true && staged?.windowSource !== undefined && staged.baselineRows !== undefined) {
    const columns = { window: staging.window.columns, baseline: staging.baseline.columns };
    const fingerprint = await queryRunner(warehouse, options, ledger, 1)(stagedFingerprintSql(input, columns));
    const settings = { bins: options.bins, windowStagingSql: staging.window.sql, baselineStagingSql: staging.baseline.sql };
    reuseKey = keptResultsKey(input, settings, decodeStagedFingerprint(fingerprint.rows));
    const kept = keptRowAggregates(warehouse).take(reuseKey);
    if (kept !== undefined) return labelAggregates(warehouse, input, options, kept, ledger);
  }
  const aggregates = await allAggregates(warehouse, input, options, ledger);
  if (reuseKey !== undefined) {
    const { summary, quality, distances, bins, categories } = aggregates;
    keptRowAggregates(warehouse).keep(reuseKey, { summary, quality, distances, bins, categories });
  }
  return aggregates;
}

/** The statements an analysis ran, in the order issued, and the bytes they read. */
interface Ledger {
  queryIds: string[];
  bytesScanned?: number;
}

/** Runs one statement of the analysis: recorded in the ledger, its progress reported as `done` of `total`. */
function queryRunner(warehouse: Warehouse, options: CollectOptions, ledger: Ledger, total: number): (built: BuiltQuery) => Promise<QueryResult> {
  let done = 0;
  return async (built) => {
    const slot = ledger.queryIds.push('') - 1;
    const progress = (): void => options.onProgress?.(built.label, done, total);
    progress();
    const result = await warehouse.query(built.sql, { label: built.label, onProgress: progress, ...(options.signal ? { signal: options.signal } : {}) });
    ledger.queryIds[slot] = result.queryId;
    ledger.bytesScanned = addScanned(ledger.bytesScanned, result);
    done += 1;
    return result;
  };
}

/** The aggregates that read the labels: performance, and the facets (performance per group). */
function labelQueries(
  run: (built: BuiltQuery) => Promise<QueryResult>,
  input: MonitoringQueryInput & { contract: FeatureContract },
  options: CollectOptions,
): { performance: Promise<WindowAggregates['performance']>; facets: Promise<WindowAggregates['facets']> } {
  return {
    performance: run(performanceSql(input, { asOf: options.asOf })).then((result) => decodePerformance(result.rows)),
    facets:
      options.facets.length > 0
        ? run(facetSql({ ...input, window: options.facetWindow ?? input.window }, { asOf: options.asOf, facets: options.facets })).then((result) => decodeFacets(result.rows))
        : Promise.resolve([]),
  };
}

/** Waits for every query; the first failure is thrown once all have ended, so none still reads the staged rows as they go. */
async function allSettledOrThrow(pending: readonly Promise<unknown>[]): Promise<void> {
  const settled = await Promise.allSettled(pending);
  const failed = settled.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
  if (failed !== undefined) throw failed.reason;
}

/** A re-evaluation of unchanged rows: the kept row aggregates, and the label aggregates computed now. */
async function labelAggregates(
  warehouse: Warehouse,
  input: MonitoringQueryInput & { contract: FeatureContract },
  options: CollectOptions,
  kept: RowAggregates,
  ledger: Ledger,
): Promise<WindowAggregates> {
  const total = 1 + (options.facets.length > 0 ? 1 : 0);
  const { performance, facets } = labelQueries(queryRunner(warehouse, options, ledger, total), input, options);
  await allSettledOrThrow([performance, facets]);
  options.onProgress?.('done', total, total);
  // queryIds name what this analysis ran (what its bytesScanned counts), not the statements it took from.
  return { ...kept, performance: await performance, facets: await facets, queryIds: ledger.queryIds, ...scannedField(ledger.bytesScanned) };
}

/** Every aggregate of the window. */
async function allAggregates(
  warehouse: Warehouse,
  input: MonitoringQueryInput & { contract: FeatureContract },
  options: CollectOptions,
  ledger: Ledger,
): Promise<WindowAggregates> {
  const hasCategorical = countedFeatures(input.contract).length > 0;
  const subjects = numericSubjects(input.contract).map((subject) => subject.subject);
  // Over staged rows a distance query reads no source, so splitting it costs nothing and lets its
  // parts run side by side; over the sources each part would scan the window again.
  const staged = input.staged?.windowSource !== undefined;
  // Planning a set of CTEs per subject costs ~0.3 s, which only a large window repays. Over the
  // sources (Athena) one shared set also keeps the statement far below the engine's length limit.
  const layout = staged && (options.windowRows === undefined || options.windowRows >= sharedLayoutBelowRows) ? 'per-subject' : 'shared';
  // A large window's distance runs a query per subject: the engine materialises each subject's
  // CTEs for the whole statement, so subjects sharing one statement outgrow the memory limit and
  // spill (1M rows, 512MB: ~700 -> ~260 MB spilled; at 10M rows two statements ran out of
  // memory; figures in bench/README.md).
  const distanceParts = !staged ? [subjects] : layout === 'per-subject' ? subjects.map((subject) => [subject]) : roundRobin(subjects, smallWindowDistanceParts);
  const total = 5 + distanceParts.length + (hasCategorical ? 1 : 0) + (options.facets.length > 0 ? 1 : 0);
  const run = queryRunner(warehouse, options, ledger, total);

  // The queries do not depend on one another, except the bin counts on the distance's edges: they
  // run side by side, as many at once as the warehouse takes, the longest first.
  const distancesAndBins = (async () => {
    const parts = await Promise.all(distanceParts.map((part) => run(numericDistanceSql(input, options.bins, { subjects: part, layout }))));
    const decoded = parts.flatMap((result) => decodeNumericDistance(result.rows, options.bins));
    const distances = subjects.map((subject) => decoded.find((distance) => distance.subject === subject)).filter((d): d is NumericDistance => d !== undefined);
    const edges = edgesFromQuantiles(baselineQuantilesOf(distances));
    const bins = decodeBinCounts((await run(binCountsSql(input, edges))).rows, edges);
    return { distances, bins };
  })();
  // Quality leaves the numeric features' quantiles to the distance query, which reads them off its points.
  const counted = run(qualitySql(input, { quantilesElsewhere: new Set(subjects) })).then((result) => decodeQuality(result.rows));
  const categories = hasCategorical
    ? run(categoryCountsSql(input)).then((result) => decodeCategoryCounts(result.rows, input.contract))
    : Promise.resolve(new Map<string, AlignedCategoryCounts>());
  const { performance, facets } = labelQueries(run, input, options);
  const summary = run(windowSummarySql(input)).then((result) => decodeWindowSummary(result.rows));
  await allSettledOrThrow([distancesAndBins, counted, categories, performance, facets, summary]);
  const { distances, bins } = await distancesAndBins;
  options.onProgress?.('done', total, total);
  return {
    summary: await summary,
    quality: withWindowQuantiles(await counted, distances),
    distances,
    bins,
    categories: await categories,
    performance: await performance,
    facets: await facets,
    queryIds: ledger.queryIds,
    ...scannedField(ledger.bytesScanned),
  };
}

/** The distance queries a small window's analysis over staged rows is split into. */
const smallWindowDistanceParts = 2;

/**
 * Windows smaller than this take the shared distance layout (measured with a 200k-row baseline:
 * 14k rows 0.10 s shared vs 0.34 s per subject; 100k rows 0.96 vs 0.84 s; 1M rows 2.9 vs 2.1 s).
 */
const sharedLayoutBelowRows = 50_000;

/** `items` dealt into `parts` lists in turn (subjects differ in cost; neighbours often alike). */
function roundRobin<T>(items: readonly T[], parts: number): T[][] {
  const dealt: T[][] = Array.from({ length: Math.min(parts, items.length) }, () => []);
  items.forEach((item, index) => dealt[index % dealt.length]?.push(item));
  return dealt.length === 0 ? [[]] : dealt;
}
