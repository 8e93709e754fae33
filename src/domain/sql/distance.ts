// Exact two-sample distances between the baseline and the window, per numeric feature and for the
// prediction, computed in the warehouse from per-distinct-value counts: both ECDFs come from
// running sums, KS = max |Fb - Fc| and Wasserstein-1 = Σ |Fb - Fc| · (next value - value), which
// is exactly scipy.stats.ks_2samp's statistic and scipy.stats.wasserstein_distance.
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
}

/**
 * One subject's distance and moments. Its two samples, sorted once by value (no partition, so the
 * engine sorts one column): at every row, cb and cc count the baseline and window values <= v
 * (a RANGE frame takes every peer of v, whatever order ties came in), so the ECDF gap is right at
 * every row, the KS statistic is its maximum, and summing gap x (next value - value) over the rows
 * integrates |Fb - Fc| (ties add widths of 0), which is Wasserstein-1.
 */
function subjectDistanceCtes(d: SqlDialect, { subject, column }: NumericSubject, index: number): { ctes: string[]; result: string } {
  const id = d.ident;
  const values = `distance_values_${index}`;
  const ecdf = `distance_ecdf_${index}`;
  const result = `distance_${index}`;
  const frame = `OVER (ORDER BY ${id('v')} RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)`;
  const gap = `abs(CAST(e.${id('cb')} AS DOUBLE) / t.${id('n')} - CAST(e.${id('cc')} AS DOUBLE) / t.${id('m')})`;
  const sideValue = (b: 0 | 1): string => `(CASE WHEN ${id('b')} = ${b} THEN ${id('v')} END)`;
  return {
    ctes: [
      `${values} AS (\n  SELECT ${id(column)} AS ${id('v')}, 1 AS ${id('b')} FROM baseline_rows WHERE ${id(column)} IS NOT NULL\n` +
        `  UNION ALL\n  SELECT ${id(column)}, 0 FROM window_rows WHERE ${id('is_valid')} AND ${id(column)} IS NOT NULL\n)`,
      `${result}_totals AS (\n  SELECT\n    coalesce(sum(${id('b')}), 0) AS ${id('n')},\n    count(*) - coalesce(sum(${id('b')}), 0) AS ${id('m')},\n` +
        `    avg(${sideValue(1)}) AS ${id('baseline_mean')},\n    ${d.stddevSamp(sideValue(1))} AS ${id('baseline_std')},\n` +
        `    avg(${sideValue(0)}) AS ${id('current_mean')},\n    ${d.stddevSamp(sideValue(0))} AS ${id('current_std')}\n  FROM ${values}\n)`,
      `${ecdf} AS (\n  SELECT\n    ${id('v')},\n    sum(${id('b')}) ${frame} AS ${id('cb')},\n    sum(1 - ${id('b')}) ${frame} AS ${id('cc')},\n` +
        `    lead(${id('v')}) OVER (ORDER BY ${id('v')}) AS ${id('next_v')}\n  FROM ${values}\n)`,
      `${result} AS (\n  SELECT\n    ${d.string(subject)} AS ${id('subject')},\n    t.${id('n')},\n    t.${id('m')},\n` +
        // NULL (no statistic) when either sample is empty.
        `    CASE WHEN t.${id('n')} > 0 AND t.${id('m')} > 0 THEN max(${gap}) END AS ${id('ks_statistic')},\n` +
        `    CASE WHEN t.${id('n')} > 0 AND t.${id('m')} > 0 THEN coalesce(sum(${gap} * coalesce(e.${id('next_v')} - e.${id('v')}, 0)), 0) END AS ${id('wasserstein')},\n` +
        `    t.${id('baseline_mean')},\n    t.${id('baseline_std')},\n    t.${id('current_mean')},\n    t.${id('current_std')}\n` +
        `  FROM ${result}_totals AS t\n  LEFT JOIN ${ecdf} AS e ON t.${id('n')} > 0 AND t.${id('m')} > 0\n` +
        `  GROUP BY t.${id('n')}, t.${id('m')}, t.${id('baseline_mean')}, t.${id('baseline_std')}, t.${id('current_mean')}, t.${id('current_std')}\n)`,
    ],
    result,
  };
}

export function numericDistanceSql(input: MonitoringQueryInput): BuiltQuery {
  const checked = checkInput(input);
  const d = checked.dialect;
  const id = d.ident;
  const subjects = numericSubjects(checked.contract).map((subject, index) => subjectDistanceCtes(d, subject, index));
  const ctes = [windowRowsCte(checked), baselineRowsCte(checked), ...subjects.flatMap((s) => s.ctes)];
  const columns = ['subject', 'n', 'm', 'ks_statistic', 'wasserstein', 'baseline_mean', 'baseline_std', 'current_mean', 'current_std'];
  const body = subjects
    .map((s, position) => `SELECT ${columns.map((c) => id(c)).join(', ')}, ${position} AS ${id('position')} FROM ${s.result}`)
    .join('\nUNION ALL\n');
  return { sql: withCtes(ctes, `SELECT ${columns.map((c) => id(c)).join(', ')}\nFROM (\n${body}\n) AS subjects\nORDER BY ${id('position')}`), label: `distance:${checked.contract.model}` };
}

export function decodeNumericDistance(rows: readonly Row[]): NumericDistance[] {
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
  }));
}
