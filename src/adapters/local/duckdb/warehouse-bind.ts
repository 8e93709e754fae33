// Binding port cells to prepared-statement parameters by the target column's type, strictly: a
// value that does not fit its column is an error naming the column, never a silent cast
// (3.7 into a BIGINT, a number into a text column).
import { type DuckDBAppender, type DuckDBPreparedStatement } from '@duckdb/node-api';
import { NonRetryableError } from '../../../domain/errors.js';
import { type Cell, type Row } from '../../../domain/sql/row.js';

export interface ColumnType {
  name: string;
  /** DuckDB's data_type text: "VARCHAR", "DOUBLE", "BIGINT", "DECIMAL(18,3)", "TIMESTAMP", ... */
  type: string;
}

/** A cell checked against its column's type, as DuckDB is to receive it. */
type TypedCell =
  | { kind: 'null' }
  | { kind: 'bigint'; value: bigint }
  | { kind: 'double'; value: number }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'text'; value: string };

const integerTypes = new Set(['TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'HUGEINT', 'UTINYINT', 'USMALLINT', 'UINTEGER', 'UBIGINT']);

/** `value` as its column takes it, or what the column expected instead. */
function typedCell(type: string, value: Exclude<Cell, null>): TypedCell | { expected: string } {
  const base = type.replace(/\(.*$/, '').trim().toUpperCase();
  if (integerTypes.has(base)) return typeof value === 'number' && Number.isSafeInteger(value) ? { kind: 'bigint', value: BigInt(value) } : { expected: 'an integer' };
  if (base === 'DOUBLE' || base === 'FLOAT' || base === 'REAL' || base === 'DECIMAL') return typeof value === 'number' ? { kind: 'double', value } : { expected: 'a number' };
  if (base === 'BOOLEAN') return typeof value === 'boolean' ? { kind: 'boolean', value } : { expected: 'a boolean' };
  // VARCHAR, and DATE/TIMESTAMP columns, which DuckDB parses from ISO text on insert.
  return typeof value === 'string' ? { kind: 'text', value } : { expected: 'text' };
}

/** `values` (in `columns` order) checked, all of them before any is written; throws naming the column on a mismatch. */
function typedRow(columns: readonly ColumnType[], values: readonly Cell[], where: string): TypedCell[] {
  return columns.map((column, index) => {
    const value = values[index] ?? null;
    if (value === null) return { kind: 'null' };
    const cell = typedCell(column.type, value);
    if ('expected' in cell) {
      throw new NonRetryableError(`${where}: column "${column.name}" (${column.type}) needs ${cell.expected}, got ${typeof value} ${JSON.stringify(value)}`, 'INVALID_INPUT');
    }
    return cell;
  });
}

/**
 * Binds `values` (in `columns` order) to parameters $offset+1..$offset+n; throws naming the column
 * on a mismatch.
 */
export function bindRow(
  statement: DuckDBPreparedStatement,
  columns: readonly ColumnType[],
  values: readonly Cell[],
  where: string,
  offset = 0,
): void {
  typedRow(columns, values, where).forEach((cell, index) => {
    const parameter = offset + index + 1;
    if (cell.kind === 'null') statement.bindNull(parameter);
    else if (cell.kind === 'bigint') statement.bindBigInt(parameter, cell.value);
    else if (cell.kind === 'double') statement.bindDouble(parameter, cell.value);
    else if (cell.kind === 'boolean') statement.bindBoolean(parameter, cell.value);
    else statement.bindVarchar(parameter, cell.value);
  });
}

/**
 * Appends one row of `values` (in the table's column order); throws naming the column on a
 * mismatch, with nothing of the row appended. An appender writes rows several times faster than
 * bound multi-row INSERTs (100 metric rows: ~7 ms against ~21 ms).
 */
export function appendRow(appender: DuckDBAppender, columns: readonly ColumnType[], values: readonly Cell[], where: string): void {
  for (const cell of typedRow(columns, values, where)) {
    if (cell.kind === 'null') appender.appendNull();
    else if (cell.kind === 'bigint') appender.appendBigInt(cell.value);
    else if (cell.kind === 'double') appender.appendDouble(cell.value);
    else if (cell.kind === 'boolean') appender.appendBoolean(cell.value);
    else appender.appendVarchar(cell.value);
  }
  appender.endRow();
}

/** Every key column must be a column of the table. */
export function checkKey(table: string, columns: readonly ColumnType[], key: Row): void {
  const names = new Set(columns.map((c) => c.name));
  for (const column of Object.keys(key)) {
    if (!names.has(column)) throw new NonRetryableError(`${table} has no key column "${column}"`, 'INVALID_INPUT');
  }
}

/**
 * Checks that every row has exactly the table's columns and carries the key's values, so a replace
 * cannot leave rows outside its key behind. Returns each row's values in column order.
 */
export function rowValues(table: string, columns: readonly ColumnType[], key: Row, rows: readonly Row[]): Cell[][] {
  checkKey(table, columns, key);
  const names = new Set(columns.map((c) => c.name));
  return rows.map((row, index) => {
    const extra = Object.keys(row).filter((name) => !names.has(name));
    const missing = columns.filter((c) => !Object.hasOwn(row, c.name)).map((c) => c.name);
    if (extra.length > 0 || missing.length > 0) {
      const parts = [
        ...(missing.length > 0 ? [`missing ${missing.join(', ')}`] : []),
        ...(extra.length > 0 ? [`unknown ${extra.join(', ')}`] : []),
      ];
      throw new NonRetryableError(`${table} row ${index}: columns do not match the table (${parts.join('; ')})`, 'INVALID_INPUT');
    }
    for (const [column, value] of Object.entries(key)) {
      if (row[column] !== value) {
        throw new NonRetryableError(
          `${table} row ${index}: ${column} is ${JSON.stringify(row[column])}, outside the key being replaced (${JSON.stringify(value)})`,
          'INVALID_INPUT',
        );
      }
    }
    return columns.map((c) => row[c.name] ?? null);
  });
}
