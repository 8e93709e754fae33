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

/** Long form (subject, side, value) of both samples: 'b' baseline, 'c' current window. */
export function sideValuesCte(d: SqlDialect, name: string, subjects: readonly NumericSubject[]): string {
  const id = d.ident;
  const selects = subjects.flatMap(({ subject, column }) => [
    `  SELECT ${d.string(subject)} AS ${id('subject')}, 'b' AS ${id('side')}, ${id(column)} AS ${id('v')}\n` +
      `  FROM baseline_rows WHERE ${id(column)} IS NOT NULL`,
    `  SELECT ${d.string(subject)}, 'c', ${id(column)}\n  FROM window_rows WHERE ${id('is_valid')} AND ${id(column)} IS NOT NULL`,
  ]);
  return `${name} AS (\n${selects.join('\n  UNION ALL\n')}\n)`;
}

/** subjects(subject, position): every subject gets a result row, even with no data. */
export function subjectsCte(d: SqlDialect, subjects: readonly string[]): string {
  const rows = subjects.map(
    (subject, index) => `  SELECT ${d.string(subject)} AS ${d.ident('subject')}, ${index} AS ${d.ident('position')}`,
  );
  return `subjects AS (\n${rows.join('\n  UNION ALL\n')}\n)`;
}

export function numericDistanceSql(input: MonitoringQueryInput): BuiltQuery {
  const checked = checkInput(input);
  const d = checked.dialect;
  const id = d.ident;
  const subjects = numericSubjects(checked.contract);
  const side = (s: 'b' | 'c'): string => `coalesce(sum(CASE WHEN ${id('side')} = '${s}' THEN 1 ELSE 0 END), 0)`;
  const share = (count: string, total: string): string =>
    `CAST(${id(count)} AS DOUBLE) / NULLIF(CAST(${id(total)} AS DOUBLE), 0)`;
  const running = (count: string): string =>
    `sum(${id(count)}) OVER (PARTITION BY ${id('subject')} ORDER BY ${id('v')} ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)`;
  const sideValue = (s: 'b' | 'c'): string => `(CASE WHEN ${id('side')} = '${s}' THEN ${id('v')} END)`;
  const ctes = [
    windowRowsCte(checked),
    baselineRowsCte(checked),
    sideValuesCte(d, 'distance_values', subjects),
    `value_counts AS (\n  SELECT ${id('subject')}, ${id('v')}, ${side('b')} AS ${id('nb')}, ${side('c')} AS ${id('nc')}\n` +
      `  FROM distance_values\n  GROUP BY ${id('subject')}, ${id('v')}\n)`,
    `ecdf AS (\n  SELECT\n    ${id('subject')},\n    ${id('v')},\n` +
      `    ${running('nb')} AS ${id('cb')},\n    ${running('nc')} AS ${id('cc')},\n` +
      `    sum(${id('nb')}) OVER (PARTITION BY ${id('subject')}) AS ${id('n')},\n` +
      `    sum(${id('nc')}) OVER (PARTITION BY ${id('subject')}) AS ${id('m')},\n` +
      `    lead(${id('v')}) OVER (PARTITION BY ${id('subject')} ORDER BY ${id('v')}) AS ${id('next_v')}\n  FROM value_counts\n)`,
    `gaps AS (\n  SELECT\n    ${id('subject')},\n    ${id('n')},\n    ${id('m')},\n` +
      `    abs(${share('cb', 'n')} - ${share('cc', 'm')}) AS ${id('gap')},\n` +
      `    coalesce(${id('next_v')} - ${id('v')}, 0) AS ${id('width')}\n  FROM ecdf\n)`,
    `distance AS (\n  SELECT ${id('subject')}, max(${id('n')}) AS ${id('n')}, max(${id('m')}) AS ${id('m')}, ` +
      `max(${id('gap')}) AS ${id('ks_statistic')}, sum(${id('gap')} * ${id('width')}) AS ${id('wasserstein')}\n` +
      `  FROM gaps\n  GROUP BY ${id('subject')}\n)`,
    `moments AS (\n  SELECT\n    ${id('subject')},\n` +
      `    avg(${sideValue('b')}) AS ${id('baseline_mean')},\n    ${d.stddevSamp(sideValue('b'))} AS ${id('baseline_std')},\n` +
      `    avg(${sideValue('c')}) AS ${id('current_mean')},\n    ${d.stddevSamp(sideValue('c'))} AS ${id('current_std')}\n` +
      `  FROM distance_values\n  GROUP BY ${id('subject')}\n)`,
    subjectsCte(
      d,
      subjects.map((s) => s.subject),
    ),
  ];
  const body = [
    `SELECT`,
    `  s.${id('subject')},`,
    `  coalesce(dist.${id('n')}, 0) AS ${id('n')},`,
    `  coalesce(dist.${id('m')}, 0) AS ${id('m')},`,
    `  dist.${id('ks_statistic')},`,
    `  dist.${id('wasserstein')},`,
    `  mo.${id('baseline_mean')},`,
    `  mo.${id('baseline_std')},`,
    `  mo.${id('current_mean')},`,
    `  mo.${id('current_std')}`,
    `FROM subjects AS s`,
    `LEFT JOIN distance AS dist ON dist.${id('subject')} = s.${id('subject')}`,
    `LEFT JOIN moments AS mo ON mo.${id('subject')} = s.${id('subject')}`,
    `ORDER BY s.${id('position')}`,
  ].join('\n');
  return { sql: withCtes(ctes, body), label: `distance:${checked.contract.model}` };
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
