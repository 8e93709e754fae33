// Decoding DuckDB results into the Warehouse port's cells: every integer and DECIMAL width becomes a
// number, timestamps ISO-8601 UTC text, nested values JSON text. Types with no faithful cell
// (INTERVAL, TIME, BLOB, ...) are refused with the column's name, so the SQL can cast them.
import { type DuckDBResultReader, DuckDBTypeId, type JS } from '@duckdb/node-api';
import { type Cell, type Row } from '../../../domain/sql/row.js';

export class UnsupportedCellError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedCellError';
  }
}

type CellKind = 'boolean' | 'number' | 'text' | 'date' | 'timestamp' | 'nested' | 'null';

const kinds = new Map<DuckDBTypeId, CellKind>([
  [DuckDBTypeId.BOOLEAN, 'boolean'],
  ...[
    DuckDBTypeId.TINYINT,
    DuckDBTypeId.SMALLINT,
    DuckDBTypeId.INTEGER,
    DuckDBTypeId.BIGINT,
    DuckDBTypeId.UTINYINT,
    DuckDBTypeId.USMALLINT,
    DuckDBTypeId.UINTEGER,
    DuckDBTypeId.UBIGINT,
    DuckDBTypeId.HUGEINT,
    DuckDBTypeId.UHUGEINT,
    DuckDBTypeId.BIGNUM,
    DuckDBTypeId.FLOAT,
    DuckDBTypeId.DOUBLE,
    DuckDBTypeId.DECIMAL,
  ].map((id): [DuckDBTypeId, CellKind] => [id, 'number']),
  ...[DuckDBTypeId.VARCHAR, DuckDBTypeId.ENUM, DuckDBTypeId.UUID].map((id): [DuckDBTypeId, CellKind] => [id, 'text']),
  [DuckDBTypeId.DATE, 'date'],
  ...[
    DuckDBTypeId.TIMESTAMP,
    DuckDBTypeId.TIMESTAMP_S,
    DuckDBTypeId.TIMESTAMP_MS,
    DuckDBTypeId.TIMESTAMP_NS,
    DuckDBTypeId.TIMESTAMP_TZ,
  ].map((id): [DuckDBTypeId, CellKind] => [id, 'timestamp']),
  ...[DuckDBTypeId.LIST, DuckDBTypeId.STRUCT, DuckDBTypeId.MAP, DuckDBTypeId.ARRAY].map(
    (id): [DuckDBTypeId, CellKind] => [id, 'nested'],
  ),
  [DuckDBTypeId.SQLNULL, 'null'],
]);

function isoOf(value: Date, column: string): string {
  if (Number.isNaN(value.getTime())) throw new UnsupportedCellError(`column "${column}" holds a timestamp outside JavaScript's range`);
  return value.toISOString();
}

function nestedJson(value: JS, column: string): string {
  return JSON.stringify(value, (_key, item: unknown) => {
    if (typeof item === 'bigint') return Number(item);
    if (item instanceof Uint8Array) throw new UnsupportedCellError(`column "${column}" nests binary data, which has no JSON form`);
    return item;
  });
}

function toCell(value: JS | undefined, kind: CellKind, column: string): Cell {
  if (value === null || value === undefined) return null;
  switch (kind) {
    case 'boolean':
    case 'text':
      if (typeof value === 'boolean' || typeof value === 'string') return value;
      break;
    case 'number':
      if (typeof value === 'number') return value;
      // BIGINT and HUGEINT sums past 2^53 lose their last digits here; aggregates stay far below.
      if (typeof value === 'bigint') return Number(value);
      break;
    case 'date':
      if (value instanceof Date) return isoOf(value, column).slice(0, 10);
      break;
    case 'timestamp':
      if (value instanceof Date) return isoOf(value, column);
      break;
    case 'nested':
      return nestedJson(value, column);
    case 'null':
      return null;
  }
  throw new UnsupportedCellError(`column "${column}" decoded to an unexpected ${typeof value}`);
}

/** All rows of a fully read result, keyed by column name. */
export function readerRows(reader: DuckDBResultReader): Row[] {
  const names = reader.columnNames();
  const seen = new Set<string>();
  const columnKinds = names.map((name, index) => {
    if (seen.has(name)) throw new UnsupportedCellError(`the query returns column "${name}" twice; give each column its own name`);
    seen.add(name);
    const type = reader.columnType(index);
    const kind = kinds.get(reader.columnTypeId(index));
    if (kind === undefined) {
      throw new UnsupportedCellError(`column "${name}" has type ${type.toString()}, which has no warehouse cell; cast it in the SQL`);
    }
    return kind;
  });
  return reader.getRowsJS().map((values) => {
    const row: Row = {};
    names.forEach((name, index) => {
      row[name] = toCell(values[index], columnKinds[index] ?? 'null', name);
    });
    return row;
  });
}
