// Checks of result rows before they are written as Parquet: Hive tables declare no NOT NULL and
// Parquet files carry their own types, so a wrong row would otherwise land on S3 and fail (or
// read as NULL) in every later query. Errors name the table, row, column and value.
import { NonRetryableError } from '../../../domain/errors.js';
import { type ColumnSpec, type TableSpec } from '../../../domain/sql/tables.js';
import type { Cell, Row } from '../../../domain/sql/row.js';

function expected(column: ColumnSpec, value: Exclude<Cell, null>): string | undefined {
  switch (column.type) {
    case 'text':
      return typeof value === 'string' ? undefined : 'text';
    case 'double':
      return typeof value === 'number' ? undefined : 'a number';
    case 'bigint':
      return typeof value === 'number' && Number.isSafeInteger(value) ? undefined : 'an integer';
    case 'boolean':
      return typeof value === 'boolean' ? undefined : 'a boolean';
  }
}

function describe(value: Cell | undefined): string {
  if (value === undefined) return 'nothing';
  return `${value === null ? 'null' : typeof value} ${JSON.stringify(value)}`;
}

/**
 * Throws unless every row has exactly the table's columns, with values of the column types, no
 * null in a NOT NULL column, and the key's values (a replace must not leave rows outside its key).
 */
export function checkResultRows(spec: TableSpec, key: Row, rows: readonly Row[]): void {
  const names = new Set(spec.columns.map((column) => column.name));
  rows.forEach((row, index) => {
    const where = `${spec.name} row ${index}`;
    const unknown = Object.keys(row).filter((name) => !names.has(name));
    if (unknown.length > 0) throw new NonRetryableError(`${where}: unknown column${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}`, 'INVALID_INPUT');
    for (const column of spec.columns) {
      if (!Object.hasOwn(row, column.name)) throw new NonRetryableError(`${where}: column "${column.name}" is missing`, 'INVALID_INPUT');
      const value = row[column.name] ?? null;
      if (value === null) {
        if (!column.nullable) throw new NonRetryableError(`${where}: column "${column.name}" is NOT NULL, got null`, 'INVALID_INPUT');
        continue;
      }
      const needs = expected(column, value);
      if (needs !== undefined) {
        throw new NonRetryableError(`${where}: column "${column.name}" (${column.type}) needs ${needs}, got ${describe(value)}`, 'INVALID_INPUT');
      }
    }
    for (const [column, value] of Object.entries(key)) {
      if (row[column] !== value) {
        throw new NonRetryableError(
          `${where}: column "${column}" is ${describe(row[column])}, outside the key being replaced (${JSON.stringify(value)})`,
          'INVALID_INPUT',
        );
      }
    }
  });
}
