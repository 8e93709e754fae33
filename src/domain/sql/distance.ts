// Exact two-sample distances between the baseline and the window, per numeric feature and for the
// prediction, computed in the warehouse from one sort of each subject's values: both ECDFs come
// from running counts, KS = max |Fb - Fc| and Wasserstein-1 = Σ |Fb - Fc| · (next value - value),
// which is exactly scipy.stats.ks_2samp's statistic and scipy.stats.wasserstein_distance. The same
// query gives exact quantiles of both samples: the window's (for data quality) off that sort, the
// baseline's (for the bin edges) off a sort of the baseline alone.
import { type Row } from './row.js';
import { type SqlDialect } from './dialect.js';
import { countCell, decodeRows, nullableNumber, textCell } from './decode.js';
import {
  type BuiltQuery,
  type MonitoringQueryInput,
  type NumericSubject,
  checkInput,
  numericSubjects,
  withCtes,
} from './query-input.js';
import { baselineRowsCte, windowRowsCte } from './source-rows.js';
import { defaultBins, type BaselineQuantiles } from './bins.js';
import { edgeProbabilities } from '../stats/bins.js';

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
}

const currentQuantileColumn = (index: number): string => `cq_${index + 1}`;
const baselineQuantileColumn = (index: number): string => `bq_${index + 1}`;

/** One quantile of one side: the ranks to read, from that side's count (see subjectDistanceCtes). */
interface QuantileSpec {
  /** Column name of the result. */
  name: string;
  p: number;
  /** 'cc' (window) or 'cb' (baseline): the running count of that side. */
  running: 'cc' | 'cb';
  /** 'm' (window) or 'n' (baseline): that side's count. */
  count: 'm' | 'n';
}

/**
 * One subject's distance, moments and quantiles. Its two samples are sorted once by value (no
 * partition, so the engine sorts one column): at every row, cb and cc count the baseline and
 * window values <= v (a RANGE frame takes every peer of v, whatever order ties came in), so the
 * ECDF gap is right at every row, the KS statistic is its maximum, and summing gap x (next value -
 * value) over the rows integrates |Fb - Fc| (ties add widths of 0), which is Wasserstein-1.
 * Quantiles are quantile_cont's, as DuckDB and numpy define them: h = (count - 1) p, the values of
 * rank floor(h) + 1 and ceil(h) + 1 interpolated linearly, where the value of rank k is the least
 * v whose running count reaches k (a side's running count grows only at its own values). The
 * ranks are worked out once per subject, so each row costs a comparison per quantile. A subject
 * with few distinct values (`grouped`) is counted per value first, so only its distinct values are
 * sorted: the same answers, at a fraction of the cost; with many, counting first costs more.
 */
function subjectDistanceCtes(
  d: SqlDialect,
  { subject, column }: NumericSubject,
  index: number,
  quantiles: readonly QuantileSpec[],
  grouped: boolean,
): { ctes: string[]; result: string } {
  const id = d.ident;
  const values = `distance_values_${index}`;
  const ecdf = `distance_ecdf_${index}`;
  const totals = `distance_totals_${index}`;
  const sums = `distance_sums_${index}`;
  const result = `distance_${index}`;
  const frame = `OVER (ORDER BY ${id('v')} RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)`;
  const rowsFrame = `OVER (ORDER BY ${id('v')} ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)`;
  const gap = `abs(CAST(e.${id('cb')} AS DOUBLE) / t.${id('n')} - CAST(e.${id('cc')} AS DOUBLE) / t.${id('m')})`;
  const sideValue = (b: 0 | 1): string => `(CASE WHEN ${id('b')} = ${b} THEN ${id('v')} END)`;
  const h = (q: QuantileSpec): string => `(CAST(${id(q.count)} - 1 AS DOUBLE) * ${d.double(q.p)})`;
  const rankColumns = quantiles.flatMap((q) => [
    `floor(${h(q)}) + 1 AS ${id(`${q.name}_low`)}`,
    `ceil(${h(q)}) + 1 AS ${id(`${q.name}_high`)}`,
    `${h(q)} - floor(${h(q)}) AS ${id(`${q.name}_weight`)}`,
  ]);
  const rankedValues = (side: QuantileSpec['running']): string[] =>
    quantiles
      .filter((q) => q.running === side)
      .flatMap((q) =>
        (['low', 'high'] as const).map(
          (end) => `min(CASE WHEN e.${id(q.running)} >= t.${id(`${q.name}_${end}`)} THEN e.${id('v')} END) AS ${id(`${q.name}_${end}`)}`,
        ),
      );
  const baselineSorted = `distance_baseline_${index}`;
  const baselineRanks = `distance_baseline_ranks_${index}`;
  const interpolated = quantiles.map((q) => {
    const from = q.running === 'cc' ? 's' : 'br';
    const [low, high] = [`${from}.${id(`${q.name}_low`)}`, `${from}.${id(`${q.name}_high`)}`];
    return `CASE WHEN t.${id(q.count)} > 0 THEN ${low} + (${high} - ${low}) * t.${id(`${q.name}_weight`)} END AS ${id(q.name)}`;
  });
  const both = `t.${id('n')} > 0 AND t.${id('m')} > 0`;
  const indent = (lines: string[]): string => lines.map((line) => `    ${line}`).join(',\n');
  return {
    ctes: [
      `${values} AS (\n  SELECT ${id(column)} AS ${id('v')}, 1 AS ${id('b')} FROM baseline_rows WHERE ${id(column)} IS NOT NULL\n` +
        `  UNION ALL\n  SELECT ${id(column)}, 0 FROM window_rows WHERE ${id('is_valid')} AND ${id(column)} IS NOT NULL\n)`,
      `${totals} AS (\n  SELECT\n    *,\n${indent(rankColumns)}\n  FROM (\n    SELECT\n` +
        `      coalesce(sum(${id('b')}), 0) AS ${id('n')},\n      count(*) - coalesce(sum(${id('b')}), 0) AS ${id('m')},\n` +
        `      avg(${sideValue(1)}) AS ${id('baseline_mean')},\n      ${d.stddevSamp(sideValue(1))} AS ${id('baseline_std')},\n` +
        `      avg(${sideValue(0)}) AS ${id('current_mean')},\n      ${d.stddevSamp(sideValue(0))} AS ${id('current_std')}\n` +
        `    FROM ${values}\n  ) AS counted\n)`,
      grouped
        ? // Few distinct values: count them first and sort the counts (no ties left, so ROWS is exact).
          `${ecdf} AS (\n  SELECT\n    ${id('v')},\n    sum(${id('nb')}) ${rowsFrame} AS ${id('cb')},\n    sum(${id('nc')}) ${rowsFrame} AS ${id('cc')},\n` +
          `    lead(${id('v')}) OVER (ORDER BY ${id('v')}) AS ${id('next_v')}\n  FROM (\n` +
          `    SELECT ${id('v')}, sum(${id('b')}) AS ${id('nb')}, count(*) - sum(${id('b')}) AS ${id('nc')} FROM ${values} GROUP BY ${id('v')}\n  ) AS counted\n)`
        : `${ecdf} AS (\n  SELECT\n    ${id('v')},\n    sum(${id('b')}) ${frame} AS ${id('cb')},\n    sum(1 - ${id('b')}) ${frame} AS ${id('cc')},\n` +
          `    lead(${id('v')}) OVER (ORDER BY ${id('v')}) AS ${id('next_v')}\n  FROM ${values}\n)`,
      // No GROUP BY: one row even when there are no values (then every aggregate is NULL).
      `${sums} AS (\n  SELECT\n${indent([
        `max(${gap}) AS ${id('max_gap')}`,
        `sum(${gap} * coalesce(e.${id('next_v')} - e.${id('v')}, 0)) AS ${id('area')}`,
        ...rankedValues('cc'),
      ])}\n  FROM ${ecdf} AS e\n  CROSS JOIN ${totals} AS t\n)`,
      // The baseline's quantiles from a sort of its own values: fewer rows to compare than the ECDF's.
      `${baselineSorted} AS (\n  SELECT ${id('v')}, row_number() OVER (ORDER BY ${id('v')}) AS ${id('cb')}\n  FROM ${values}\n  WHERE ${id('b')} = 1\n)`,
      `${baselineRanks} AS (\n  SELECT\n${indent(rankedValues('cb'))}\n  FROM ${baselineSorted} AS e\n  CROSS JOIN ${totals} AS t\n)`,
      `${result} AS (\n  SELECT\n${indent([
        `${d.string(subject)} AS ${id('subject')}`,
        `t.${id('n')}`,
        `t.${id('m')}`,
        // No statistic when either sample is empty.
        `CASE WHEN ${both} THEN s.${id('max_gap')} END AS ${id('ks_statistic')}`,
        `CASE WHEN ${both} THEN coalesce(s.${id('area')}, 0) END AS ${id('wasserstein')}`,
        ...['baseline_mean', 'baseline_std', 'current_mean', 'current_std'].map((c) => `t.${id(c)}`),
        ...interpolated,
      ])}\n  FROM ${totals} AS t\n  CROSS JOIN ${sums} AS s\n  CROSS JOIN ${baselineRanks} AS br\n)`,
    ],
    result,
  };
}

function quantileSpecs(bins: number): QuantileSpec[] {
  return [
    ...qualityProbabilities.map((p, i): QuantileSpec => ({ name: currentQuantileColumn(i), p, running: 'cc', count: 'm' })),
    ...edgeProbabilities(bins).map((p, i): QuantileSpec => ({ name: baselineQuantileColumn(i), p, running: 'cb', count: 'n' })),
  ];
}

/**
 * Distances, moments and quantiles per numeric subject; `bins` sets the baseline quantiles (i/B)
 * returned, `grouped` the subjects with few distinct values (see distinctValuesSql).
 */
export function numericDistanceSql(input: MonitoringQueryInput, bins = defaultBins, grouped: ReadonlySet<string> = new Set()): BuiltQuery {
  const checked = checkInput(input);
  const d = checked.dialect;
  const id = d.ident;
  const quantiles = quantileSpecs(bins);
  const subjects = numericSubjects(checked.contract).map((subject, index) =>
    subjectDistanceCtes(d, subject, index, quantiles, grouped.has(subject.subject)),
  );
  const ctes = [windowRowsCte(checked), baselineRowsCte(checked), ...subjects.flatMap((s) => s.ctes)];
  const columns = [
    ...['subject', 'n', 'm', 'ks_statistic', 'wasserstein', 'baseline_mean', 'baseline_std', 'current_mean', 'current_std'],
    ...qualityProbabilities.map((_, i) => currentQuantileColumn(i)),
    ...edgeProbabilities(bins).map((_, i) => baselineQuantileColumn(i)),
  ];
  const body = subjects
    .map((s, position) => `SELECT ${columns.map((c) => id(c)).join(', ')}, ${position} AS ${id('position')} FROM ${s.result}`)
    .join('\nUNION ALL\n');
  return { sql: withCtes(ctes, `SELECT ${columns.map((c) => id(c)).join(', ')}\nFROM (\n${body}\n) AS subjects\nORDER BY ${id('position')}`), label: `distance:${checked.contract.model}` };
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
  }));
}

/** The baseline quantiles the bin edges come from (see edgesFromQuantiles). */
export function baselineQuantilesOf(distances: readonly NumericDistance[]): BaselineQuantiles[] {
  return distances.map((distance) => ({ subject: distance.subject, n: distance.n, quantiles: distance.baselineQuantiles }));
}

/** One row: an estimate of each numeric subject's distinct values in the window, and how many values it has. */
export function distinctValuesSql(input: MonitoringQueryInput): BuiltQuery {
  const checked = checkInput(input);
  const d = checked.dialect;
  const subjects = numericSubjects(checked.contract);
  const columns = subjects.flatMap(({ column }, index) => [
    `${d.approxDistinct(d.ident(column))} AS ${d.ident(`distinct_${index}`)}`,
    `count(${d.ident(column)}) AS ${d.ident(`values_${index}`)}`,
  ]);
  return {
    sql: withCtes([windowRowsCte(checked)], `SELECT\n${columns.map((c) => `  ${c}`).join(',\n')}\nFROM window_rows\nWHERE ${d.ident('is_valid')}`),
    label: `distinct-values:${checked.contract.model}`,
  };
}

/**
 * The subjects worth counting per value before sorting: at most `share` of their window values
 * distinct (estimated). Past about half, counting first costs more than it saves.
 */
export function decodeFewDistinct(rows: readonly Row[], contract: MonitoringQueryInput['contract'], share = 0.5): Set<string> {
  const row = rows[0];
  if (row === undefined) return new Set();
  const at = { label: 'distinct-values', index: 0 };
  return new Set(
    numericSubjects(contract).flatMap(({ subject }, index) => {
      const distinct = countCell(row, `distinct_${index}`, at);
      const values = countCell(row, `values_${index}`, at);
      return values > 0 && distinct <= share * values ? [subject] : [];
    }),
  );
}
