// Exact two-sample distances between the baseline and the window, per numeric feature and for the
// prediction, computed in the warehouse: KS = max |Fb - Fc| over the values and Wasserstein-1 =
// the integral of |Fb - Fc|, exactly scipy.stats.ks_2samp's statistic and
// scipy.stats.wasserstein_distance, and exact quantiles of both samples (the window's for data
// quality, the baseline's for the bin edges). Sorting every value costs most of an analysis, so
// the values are first counted into buckets and only the buckets whose order matters are sorted
// (see subjectDistanceCtes).
import { type Row } from './row.js';
import { countCell, decodeRows, nullableNumber, textCell } from './decode.js';
import {
  type BuiltQuery,
  type MonitoringQueryInput,
  checkInput,
  numericSubjects,
  withCtes,
} from './query-input.js';
import { baselineRowsCte, windowRowsCte } from './source-rows.js';
import { defaultBins, type BaselineQuantiles } from './bins.js';
import { edgeProbabilities } from '../stats/bins.js';
import { type QuantileSpec, distanceCtes } from './distance-ctes.js';

/** The window quantiles data quality reports: p5, p50, p95. */
export const qualityProbabilities = [0.05, 0.5, 0.95] as const;

export interface NumericDistance {
  /** Feature name, or "prediction". */
  subject: string;
  /** Non-null baseline values. */
  n: number;
  /** Non-null values of the window's valid rows. */
  m: number;
  /** Null when either sample is empty. */
  ksStatistic: number | null;
  wasserstein: number | null;
  baselineMean: number | null;
  baselineStd: number | null;
  currentMean: number | null;
  currentStd: number | null;
  /** The window's quantiles at qualityProbabilities; nulls when it has no values. */
  currentQuantiles: (number | null)[];
  /** The baseline's quantiles at i/B (the bin edges' raw values); nulls when it has no values. */
  baselineQuantiles: (number | null)[];
  /** The baseline's quantiles at qualityProbabilities, the band the window's are drawn against. */
  baselineBand: (number | null)[];
}

export interface DistanceOptions {
  /**
   * How many buckets the values are counted into; by default about 16 values per bucket, between
   * 64 and 65,536. Only the speed depends on it: every count gives the same answers.
   */
  buckets?: number;
  /** Only these subjects (features by name, and "prediction"), in the contract's order; all by default. */
  subjects?: readonly string[];
  /**
   * 'shared' (the default): one set of CTEs for every subject, partitioned by subject, which the
   * engine plans in a fraction of the time; 'per-subject': a set per subject, a query several
   * times longer to plan that runs faster on large windows. The answers are the same.
   */
  layout?: 'shared' | 'per-subject';
}

const currentQuantileColumn = (index: number): string => `cq_${index + 1}`;
const baselineQuantileColumn = (index: number): string => `bq_${index + 1}`;
const baselineBandColumn = (index: number): string => `bp_${index + 1}`;


function quantileSpecs(bins: number): QuantileSpec[] {
  return [
    ...qualityProbabilities.map((p, i): QuantileSpec => ({ name: currentQuantileColumn(i), p, running: 'cc', count: 'm' })),
    ...qualityProbabilities.map((p, i): QuantileSpec => ({ name: baselineBandColumn(i), p, running: 'cb', count: 'n' })),
    ...edgeProbabilities(bins).map((p, i): QuantileSpec => ({ name: baselineQuantileColumn(i), p, running: 'cb', count: 'n' })),
  ];
}

/**
 * Distances, moments and quantiles per numeric subject; `bins` sets the baseline quantiles (i/B)
 * returned.
 */
export function numericDistanceSql(input: MonitoringQueryInput, bins = defaultBins, options: DistanceOptions = {}): BuiltQuery {
  const checked = checkInput(input);
  const d = checked.dialect;
  const id = d.ident;
  const quantiles = quantileSpecs(bins);
  const wanted = options.subjects === undefined ? undefined : new Set(options.subjects);
  const subjects = numericSubjects(checked.contract)
    .filter((subject) => wanted === undefined || wanted.has(subject.subject))
    .map((subject, position) => ({ subject, position }));
  // One set of CTEs for all subjects plans fast; a set per subject runs faster on large windows.
  const sets = options.layout === 'per-subject' ? subjects.map((subject) => [subject]) : [subjects];
  const distances = sets.map((set, index) => distanceCtes(d, set, quantiles, { buckets: options.buckets, suffix: sets.length === 1 ? '' : `_${index}` }));
  const ctes = [windowRowsCte(checked), baselineRowsCte(checked), ...distances.flatMap((distance) => distance.ctes)];
  const columns = [
    ...['subject', 'n', 'm', 'ks_statistic', 'wasserstein', 'baseline_mean', 'baseline_std', 'current_mean', 'current_std'],
    ...qualityProbabilities.map((_, i) => currentQuantileColumn(i)),
    ...qualityProbabilities.map((_, i) => baselineBandColumn(i)),
    ...edgeProbabilities(bins).map((_, i) => baselineQuantileColumn(i)),
  ];
  const results = distances.map((distance) => `SELECT * FROM ${distance.result}`).join('\n  UNION ALL\n  ');
  const select = `SELECT ${columns.map((c) => id(c)).join(', ')}\nFROM (\n  ${results}\n) AS subjects\nORDER BY ${id('s')}`;
  return { sql: withCtes(ctes, select), label: `distance:${checked.contract.model}` };
}

export function decodeNumericDistance(rows: readonly Row[], bins = defaultBins): NumericDistance[] {
  const edgeCount = edgeProbabilities(bins).length;
  return decodeRows(rows, 'distance', (row, at) => ({
    subject: textCell(row, 'subject', at),
    n: countCell(row, 'n', at),
    m: countCell(row, 'm', at),
    ksStatistic: nullableNumber(row, 'ks_statistic', at),
    wasserstein: nullableNumber(row, 'wasserstein', at),
    baselineMean: nullableNumber(row, 'baseline_mean', at),
    baselineStd: nullableNumber(row, 'baseline_std', at),
    currentMean: nullableNumber(row, 'current_mean', at),
    currentStd: nullableNumber(row, 'current_std', at),
    currentQuantiles: qualityProbabilities.map((_, i) => nullableNumber(row, currentQuantileColumn(i), at)),
    baselineQuantiles: Array.from({ length: edgeCount }, (_, i) => nullableNumber(row, baselineQuantileColumn(i), at)),
    baselineBand: qualityProbabilities.map((_, i) => nullableNumber(row, baselineBandColumn(i), at)),
  }));
}

/** The baseline quantiles the bin edges come from (see edgesFromQuantiles). */
export function baselineQuantilesOf(distances: readonly NumericDistance[]): BaselineQuantiles[] {
  return distances.map((distance) => ({ subject: distance.subject, n: distance.n, quantiles: distance.baselineQuantiles }));
}
