// What an analysis's staged window and baseline hold, in one small row: each table's row count and
// a fingerprint of every staged column. Equal fingerprints from the same staging SQL mean the same
// rows, so whatever depends on them alone (drift, quality) need not be computed again.
import { countCell, nullableText, singleRow } from './decode.js';
import { type Row } from './row.js';
import { type BuiltQuery, checkInput, type MonitoringQueryInput } from './query-input.js';
import { type StagedColumn } from './staged-columns.js';
import { SqlBuildError } from './sql-text.js';

export interface StagedFingerprint {
  windowRows: number;
  window: string;
  baselineRows: number;
  baseline: string;
}

/**
 * The fingerprints of the staged window (every row of its span) and, where given its columns, the
 * staged baseline (otherwise 0 rows and an empty fingerprint).
 */
export function stagedFingerprintSql(input: MonitoringQueryInput, columns: { window: readonly StagedColumn[]; baseline?: readonly StagedColumn[] }): BuiltQuery {
  const { dialect: d, contract, staged } = checkInput(input);
  const windowTable = staged?.windowSource;
  const baselineTable = staged?.baselineRows;
  if (windowTable === undefined) throw new SqlBuildError('a fingerprint reads the staged window: stage it first');
  if (columns.baseline !== undefined && baselineTable === undefined) throw new SqlBuildError('a baseline fingerprint reads the staged baseline: stage it first');
  const side = (table: string, stagedColumns: readonly StagedColumn[]): string =>
    `SELECT count(*) AS ${d.ident('row_count')}, ${d.rowsFingerprint(stagedColumns.map((column) => d.ident(column.name)))} AS ${d.ident('fingerprint')} FROM ${d.ident(table)}`;
  const windowSide = `w.${d.ident('row_count')} AS ${d.ident('window_rows')}, w.${d.ident('fingerprint')} AS ${d.ident('window_fingerprint')}`;
  const sql =
    columns.baseline === undefined || baselineTable === undefined
      ? `SELECT ${windowSide},
  0 AS ${d.ident('baseline_rows')}, CAST(NULL AS VARCHAR) AS ${d.ident('baseline_fingerprint')}
FROM (${side(windowTable, columns.window)}) AS w`
      : `SELECT ${windowSide},
  b.${d.ident('row_count')} AS ${d.ident('baseline_rows')}, b.${d.ident('fingerprint')} AS ${d.ident('baseline_fingerprint')}
` +
        `FROM (${side(windowTable, columns.window)}) AS w
CROSS JOIN (${side(baselineTable, columns.baseline)}) AS b`;
  return { sql, label: `fingerprint:${contract.model}` };
}

export function decodeStagedFingerprint(rows: readonly Row[]): StagedFingerprint {
  const label = 'fingerprint';
  const row = singleRow(rows, label);
  const at = { label, index: 0 };
  return {
    windowRows: countCell(row, 'window_rows', at),
    // An empty table's fingerprint is NULL.
    window: nullableText(row, 'window_fingerprint', at) ?? '',
    baselineRows: countCell(row, 'baseline_rows', at),
    baseline: nullableText(row, 'baseline_fingerprint', at) ?? '',
  };
}
