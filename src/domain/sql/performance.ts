// Regression performance from delayed labels: the window's valid scored rows joined with the labels
// known as of a timestamp, and the baseline with its own label column, reduced to the sums that
// src/domain/stats/regression-performance.ts turns into RMSE, MAE, MAPE, R² and bias.
import { type Row } from './row.js';
import { type RegressionSums } from '../stats/regression-performance.js';
import { type SqlDialect } from './dialect.js';
import { RowDecodeError, countCell, decodeRows, nullableNumber, textCell } from './decode.js';
import { type BuiltQuery, type MonitoringQueryInput, checkInput, withCtes } from './query-input.js';
import { baselineRowsCte, labelsAsOfCte, windowRowsCte } from './source-rows.js';

export const performanceScopes = ['window', 'baseline'] as const;
export type PerformanceScope = (typeof performanceScopes)[number];

export interface PerformanceSums {
  scope: PerformanceScope;
  /** Valid rows, with or without a prediction. */
  validRows: number;
  /** windowRows: valid rows with a prediction; the sums run over those that also have a label. */
  sums: RegressionSums;
  /** Σ prediction over labelled rows. */
  sumPrediction: number | null;
}

/** pairs(scope, prediction, label, err): err is prediction - label where both are known. */
export function labelledPairsCte(d: SqlDialect): string {
  const id = d.ident;
  return (
    `pairs AS (\n  SELECT\n    ${id('scope')},\n    ${id('prediction')},\n    ${id('label')},\n` +
    `    ${id('prediction')} - ${id('label')} AS ${id('err')}\n  FROM (\n` +
    `    SELECT 'window' AS ${id('scope')}, wr.${id('prediction')}, la.${id('label')}\n` +
    `    FROM window_rows AS wr\n    LEFT JOIN labels_as_of AS la ON la.${id('record_id')} = wr.${id('record_id')}\n` +
    `    WHERE wr.${id('is_valid')}\n    UNION ALL\n` +
    `    SELECT 'baseline', ${id('prediction')}, ${id('label')} FROM baseline_rows\n  ) AS joined\n)`
  );
}

export function performanceSql(input: MonitoringQueryInput, options: { asOf: string }): BuiltQuery {
  const checked = checkInput(input);
  const d = checked.dialect;
  const id = d.ident;
  const p = (name: string): string => `p.${id(name)}`;
  const count = (condition: string): string => `coalesce(sum(CASE WHEN ${condition} THEN 1 ELSE 0 END), 0)`;
  const labelled = `${p('err')} IS NOT NULL`;
  const ctes = [
    windowRowsCte(checked),
    baselineRowsCte(checked),
    labelsAsOfCte(checked, options.asOf),
    labelledPairsCte(d),
    `scopes AS (\n  SELECT 'window' AS ${id('scope')}, 0 AS ${id('position')}\n  UNION ALL\n  SELECT 'baseline', 1\n)`,
  ];
  const body = [
    `SELECT`,
    `  s.${id('scope')},`,
    `  count(${p('scope')}) AS ${id('valid_rows')},`,
    `  ${count(`${p('prediction')} IS NOT NULL`)} AS ${id('prediction_rows')},`,
    `  ${count(labelled)} AS ${id('labelled_rows')},`,
    `  sum(${p('err')}) AS ${id('sum_error')},`,
    `  sum(abs(${p('err')})) AS ${id('sum_abs_error')},`,
    `  sum(${p('err')} * ${p('err')}) AS ${id('sum_squared_error')},`,
    `  sum(CASE WHEN ${labelled} THEN ${p('label')} END) AS ${id('sum_label')},`,
    `  sum(CASE WHEN ${labelled} THEN ${p('label')} * ${p('label')} END) AS ${id('sum_label_squared')},`,
    `  sum(CASE WHEN ${labelled} THEN ${p('prediction')} END) AS ${id('sum_prediction')},`,
    `  ${count(`${labelled} AND ${p('label')} <> 0`)} AS ${id('mape_rows')},`,
    `  sum(CASE WHEN ${labelled} AND ${p('label')} <> 0 THEN abs(${p('err')}) / abs(${p('label')}) END) AS ${id('sum_abs_percent_error')}`,
    `FROM scopes AS s`,
    `LEFT JOIN pairs AS p ON ${p('scope')} = s.${id('scope')}`,
    `GROUP BY s.${id('scope')}, s.${id('position')}`,
    `ORDER BY s.${id('position')}`,
  ].join('\n');
  return { sql: withCtes(ctes, body), label: `performance:${checked.contract.model}` };
}

function scopeOf(value: string, label: string, index: number): PerformanceScope {
  const found = performanceScopes.find((scope) => scope === value);
  if (found === undefined) throw new RowDecodeError(`${label} row ${index}: unknown scope "${value}"`);
  return found;
}

export function decodePerformance(rows: readonly Row[]): PerformanceSums[] {
  return decodeRows(rows, 'performance', (row, at) => ({
    scope: scopeOf(textCell(row, 'scope', at), at.label, at.index),
    validRows: countCell(row, 'valid_rows', at),
    sums: {
      windowRows: countCell(row, 'prediction_rows', at),
      labelledRows: countCell(row, 'labelled_rows', at),
      sumError: nullableNumber(row, 'sum_error', at),
      sumAbsError: nullableNumber(row, 'sum_abs_error', at),
      sumSquaredError: nullableNumber(row, 'sum_squared_error', at),
      sumLabel: nullableNumber(row, 'sum_label', at),
      sumLabelSquared: nullableNumber(row, 'sum_label_squared', at),
      mapeRows: countCell(row, 'mape_rows', at),
      sumAbsPercentError: nullableNumber(row, 'sum_abs_percent_error', at),
    },
    sumPrediction: nullableNumber(row, 'sum_prediction', at),
  }));
}
