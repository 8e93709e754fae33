// What a column's values are when read as text: numbers, timestamps, or plain text. Shared by
// `vigil drift` (which compares text columns) and `vigil contract infer` (which types features),
// so both commands call the same column the same kind.
import type { DuckDbWarehouse } from '../../adapters/local/duckdb/duckdb-warehouse.js';

export type ValueKind = 'numeric' | 'timestamp' | 'text';

// Case matters: "userId" and "order_ID" name ids, "paid", "valid" and "humid" do not.
const idName = /^(id|ID|Id|uuid|UUID|guid|GUID)$|_(id|ID)$|[a-z0-9](Id|ID)$/;

/** A column named like an identifier: compared as a distribution it only ever "drifts". */
export function looksLikeIdName(name: string): boolean {
  return idName.test(name);
}

/** Counts over the non-empty values of one column across one or more views. */
export interface TextValueCounts {
  /** Non-empty values. */
  filled: number;
  /** Non-empty values that do not parse as a number. */
  nonNumeric: number;
  /** Non-empty values that do not parse as a timestamp. */
  nonTimestamp: number;
}

/** The column as trimmed text, NULL when empty. */
export function textOf(warehouse: DuckDbWarehouse, column: string): string {
  return `NULLIF(trim(CAST(${warehouse.sql.ident(column)} AS VARCHAR)), '')`;
}

export async function countTextValues(warehouse: DuckDbWarehouse, views: readonly string[], column: string): Promise<TextValueCounts> {
  const text = textOf(warehouse, column);
  const count = (condition: string): string =>
    views.map((view) => `(SELECT count(*) FROM ${view} WHERE ${text} IS NOT NULL AND ${condition})`).join(' + ');
  const { rows } = await warehouse.query(
    `SELECT ${count(`TRY_CAST(${text} AS DOUBLE) IS NULL`)} AS non_numeric, ${count(`TRY_CAST(${text} AS TIMESTAMP) IS NULL`)} AS non_time, ` +
      `${count('true')} AS filled`,
  );
  const [nonNumeric, nonTimestamp, filled] = [rows[0]?.non_numeric, rows[0]?.non_time, rows[0]?.filled].map((value) => Number(value ?? 1));
  return { filled: filled ?? 1, nonNumeric: nonNumeric ?? 1, nonTimestamp: nonTimestamp ?? 1 };
}

/**
 * Numeric when every non-empty value parses as a number; timestamps when they all parse as
 * timestamps (and some are not plain numbers); text otherwise.
 */
export function valueKind(counts: TextValueCounts): ValueKind {
  if (counts.nonNumeric === 0) return 'numeric';
  if (counts.nonTimestamp === 0 && counts.filled > 0) return 'timestamp';
  return 'text';
}
