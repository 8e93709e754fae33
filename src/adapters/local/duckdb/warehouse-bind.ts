// Binding port cells to prepared-statement parameters by the target column's type, strictly: a
// value that does not fit its column is an error naming the column, never a silent cast
// (3.7 into a BIGINT, a number into a text column).
import { type DuckDBPreparedStatement } from '@duckdb/node-api';
import { NonRetryableError } from '../../../domain/errors.js';
import { type Cell, type Row } from '../../../domain/sql/row.js';

export interface ColumnType {
  name: string;
  /** DuckDB's data_type text: "VARCHAR", "DOUBLE", "BIGINT", "DECIMAL(18,3)", "TIMESTAMP", ... */
  type: string;
}

type Binder = (statement: DuckDBPreparedStatement, index: number, value: Exclude<Cell, null>) => string | undefined;

const integerTypes = new Set(['TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'HUGEINT', 'UTINYINT', 'USMALLINT', 'UINTEGER', 'UBIGINT']);

function binderFor(type: string): Binder {
  const base = type.replace(/\(.*$/, '').trim().toUpperCase();
  if (integerTypes.has(base)) {
    return (s, i, v) => {
      if (typeof v !== 'number' || !Number.isSafeInteger(v)) return 'an integer';
      s.bindBigInt(i, BigInt(v));
      return undefined;
    };
  }
  if (base === 'DOUBLE' || base === 'FLOAT' || base === 'REAL' || base === 'DECIMAL') {
    return (s, i, v) => {
      if (typeof v !== 'number') return 'a number';
      s.bindDouble(i, v);
      return undefined;
    };
  }
  if (base === 'BOOLEAN') {
    return (s, i, v) => {
      if (typeof v !== 'boolean') return 'a boolean';
      s.bindBoolean(i, v);
      return undefined;
    };
  }
  // VARCHAR, and DATE/TIMESTAMP columns, which DuckDB parses from ISO text on insert.
  return (s, i, v) => {
    if (typeof v !== 'string') return 'text';
    s.bindVarchar(i, v);
    return undefined;
  };
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
  columns.forEach((column, index) => {
    const value = values[index] ?? null;
    const parameter = offset + index + 1;
    if (value === null) {
      statement.bindNull(parameter);
      return;
    }
    const expected = binderFor(column.type)(statement, parameter, value);
    if (expected !== undefined) {
      throw new NonRetryableError(
        `${where}: column "${column.name}" (${column.type}) needs ${expected}, got ${typeof value} ${JSON.stringify(value)}`,
        'INVALID_INPUT',
      );
    }
  });
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
