// Where the Athena result tables keep their rows on S3. Athena tables have no DELETE, so every
// replaceable key maps to S3 objects a rerun can overwrite or remove:
//   <root>/<table>/<col>=<value>/.../k-<hash of key>.parquet    rows written for a key
//   <root>/<table>/<col>=<value>/.../k-<hash of key>-<name>     rows Athena unloaded for a key
//   <root>/<table>/<col>=<value>/.../<name>                     rows Athena unloaded for the partition
//   <root>/<table>/<col>=<value>/.../a-<hash of rows>.parquet   appended rows
// Pure: names, paths, checks, and the statements that point Athena at them.
import { createHash } from 'node:crypto';
import { NonRetryableError } from '../../../domain/errors.js';
import { athenaDialect } from '../../../domain/sql/dialect.js';
import { stringLiteral } from '../../../domain/sql/sql-text.js';
import { type ColumnSpec, type ResultTable, type TableSpec, resultTableNames, resultTables } from '../../../domain/sql/tables.js';
import type { Cell, Row } from '../../../domain/sql/row.js';

/** Partition column names and values, in the table's partition order. */
export type PartitionValues = readonly (readonly [column: string, value: string])[];

/** Hex digits of a hash kept in object names: 128 bits. */
const hashLength = 32;

export function resultTableSpec(table: string): TableSpec {
  if (!(resultTableNames as readonly string[]).includes(table)) {
    throw new NonRetryableError(`${table} is not a result table (${resultTableNames.join(', ')}): Athena writes only those`, 'NOT_FOUND');
  }
  return resultTables[table as ResultTable];
}

export function dataColumns(spec: TableSpec): ColumnSpec[] {
  return spec.columns.filter((column) => !spec.partitionKeys.includes(column.name));
}

// Hive's FileUtils.escapePathName set: what a partition folder name cannot hold as is.
const hiveEscaped = new Set(['"', '#', '%', "'", '*', '/', ':', '=', '?', '\\', '\u007f', '{', '[', ']', '^']);

/** A partition value as Hive spells it in a folder name ("00:00" -> "00%3A00"), so MSCK REPAIR reads it back. */
export function hiveEscape(value: string): string {
  let escaped = '';
  for (const char of value) {
    const code = char.charCodeAt(0);
    escaped += (code >= 0x01 && code <= 0x1f) || hiveEscaped.has(char) ? `%${code.toString(16).toUpperCase().padStart(2, '0')}` : char;
  }
  return escaped;
}

/** "model=demand/window_start=2024-05-01T00%3A00%3A00.000Z/", or "" for an unpartitioned table. */
export function partitionPath(values: PartitionValues): string {
  return values.map(([column, value]) => `${column}=${hiveEscape(value)}/`).join('');
}

function partitionValue(spec: TableSpec, column: string, value: Cell | undefined, where: string): string {
  // Quotes and backslashes could not be written safely in the Hive DDL that registers the partition.
  if (typeof value !== 'string' || value === '' || [...value].some((char) => char === "'" || char === '\\' || char.charCodeAt(0) < 0x20)) {
    throw new NonRetryableError(
      `${spec.name} ${where}: partition column "${column}" needs non-empty text without quotes, backslashes or control characters, got ${JSON.stringify(value ?? null)}`,
      'INVALID_INPUT',
    );
  }
  return value;
}

/** Every key column must be a column of the table. */
export function checkKey(spec: TableSpec, key: Row): void {
  const names = new Set(spec.columns.map((column) => column.name));
  for (const column of Object.keys(key)) {
    if (!names.has(column)) throw new NonRetryableError(`${spec.name} has no key column "${column}"`, 'INVALID_INPUT');
  }
}

/** Whether the key names exactly the table's partition columns: replacing it replaces the whole partition. */
export function isWholePartition(spec: TableSpec, key: Row): boolean {
  const columns = Object.keys(key);
  return columns.length === spec.partitionKeys.length && spec.partitionKeys.every((column) => Object.hasOwn(key, column));
}

/** The partition of one row (appends). */
export function rowPartition(spec: TableSpec, row: Row, index: number): PartitionValues {
  return spec.partitionKeys.map((column) => [column, partitionValue(spec, column, row[column], `row ${index}`)] as const);
}

/**
 * The partition a replace writes to: each partition column from the key, or else from the rows,
 * which must then agree. Undefined when neither says (a key without partition columns and no
 * rows): the key's objects may then be in any partition.
 */
export function replacePartition(spec: TableSpec, key: Row, rows: readonly Row[]): PartitionValues | undefined {
  const values: [string, string][] = [];
  for (const column of spec.partitionKeys) {
    if (Object.hasOwn(key, column)) {
      values.push([column, partitionValue(spec, column, key[column], 'key')]);
      continue;
    }
    if (rows.length === 0) return undefined;
    const seen = new Set(rows.map((row) => row[column]));
    if (seen.size > 1) {
      throw new NonRetryableError(
        `${spec.name}: the rows span several values of partition column "${column}" (${[...seen].map((v) => JSON.stringify(v)).join(', ')}); put "${column}" in the key`,
        'INVALID_INPUT',
      );
    }
    values.push([column, partitionValue(spec, column, rows[0]?.[column], 'rows')]);
  }
  return values;
}

/** The partition named by a key that must hold every partition column (replaceFromQuery). */
export function keyPartition(spec: TableSpec, key: Row): PartitionValues {
  const missing = spec.partitionKeys.filter((column) => !Object.hasOwn(key, column));
  if (missing.length > 0) {
    throw new NonRetryableError(
      `${spec.name}: a replace from a query needs the partition column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} in its key, got ${JSON.stringify(key)}`,
      'INVALID_INPUT',
    );
  }
  const values = replacePartition(spec, key, []);
  if (values === undefined) throw new Error('unreachable: every partition column is in the key');
  return values;
}

function hash(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, hashLength);
}

/** Stem of the objects holding a key's rows: "k-" and a hash of the key (column order does not matter). */
export function keyObjectStem(key: Row): string {
  const entries = Object.keys(key)
    .sort()
    .map((column) => [column, key[column]]);
  return `k-${hash(entries)}`;
}

/** Name of an appended object: a hash of its rows, so a retried append rewrites the same object. */
export function appendObjectName(spec: TableSpec, rows: readonly Row[]): string {
  const columns = spec.columns.map((column) => column.name);
  return `a-${hash(rows.map((row) => columns.map((column) => row[column] ?? null)))}.parquet`;
}

/** Object keys of the result tables under one s3:// root. */
export class ResultLayout {
  readonly bucket: string;
  /** Key prefix of the root: "" or ending with "/". */
  readonly root: string;

  constructor(readonly location: string) {
    const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(location);
    if (match === null || match[1] === undefined) {
      throw new NonRetryableError(`Athena results location ${JSON.stringify(location)} is not an s3:// URL`, 'INVALID_INPUT');
    }
    this.bucket = match[1];
    const prefix = (match[2] ?? '').replace(/\/+$/, '');
    this.root = prefix === '' ? '' : `${prefix}/`;
  }

  tablePrefix(table: string): string {
    return `${this.root}${table}/`;
  }

  partitionPrefix(table: string, values: PartitionValues): string {
    return `${this.tablePrefix(table)}${partitionPath(values)}`;
  }

  /**
   * Where an UNLOAD for a key narrower than its partition lands before its files join the
   * partition: outside every table's folder, so Athena never reads it.
   */
  stagingPrefix(table: string, stem: string): string {
    return `${this.root}_unload/${table}/${stem}/`;
  }

  /** Where the staged tables' files live (see AthenaWarehouse.stage): outside every result table's folder. */
  get stagedTablesRoot(): string {
    return `${this.root}_staged/`;
  }

  stagedTablePrefix(table: string): string {
    return `${this.stagedTablesRoot}${table}/`;
  }

  url(key: string): string {
    return `s3://${this.bucket}/${key}`;
  }
}

/** Registers a partition's folder with the table (Hive DDL). */
export function addPartitionSql(database: string, table: string, values: PartitionValues, locationUrl: string): string {
  const d = athenaDialect;
  const spec = values.map(([column, value]) => `${d.ddlIdent(column)} = ${stringLiteral(value)}`).join(', ');
  return `ALTER TABLE ${d.ddlIdent(database)}.${d.ddlIdent(table)} ADD IF NOT EXISTS PARTITION (${spec}) LOCATION ${stringLiteral(locationUrl)}`;
}

const castTypes = { text: 'VARCHAR', double: 'DOUBLE', bigint: 'BIGINT', boolean: 'BOOLEAN' } as const;

function keyCondition(spec: TableSpec, column: string, value: Cell): string {
  const d = athenaDialect;
  if (value === null) return `${d.ident(column)} IS NULL`;
  if (typeof value === 'string') return `${d.ident(column)} = ${d.string(value)}`;
  if (typeof value === 'boolean') return `${d.ident(column)} = ${value ? 'TRUE' : 'FALSE'}`;
  if (!Number.isFinite(value)) throw new NonRetryableError(`${spec.name}: key column "${column}" is ${value}, not a finite number`, 'INVALID_INPUT');
  return `${d.ident(column)} = ${d.double(value)}`;
}

/**
 * UNLOAD of the data columns (cast to the table's types, so every file has the same schema) of
 * the query's rows within the key; the partition columns live in the folder names, not the files.
 */
export function unloadSql(spec: TableSpec, selectSql: string, key: Row, targetUrl: string): string {
  const d = athenaDialect;
  const columns = dataColumns(spec).map((column) => `  CAST(${d.ident(column.name)} AS ${castTypes[column.type]}) AS ${d.ident(column.name)}`);
  const conditions = Object.entries(key).map(([column, value]) => keyCondition(spec, column, value));
  const select = [
    `SELECT\n${columns.join(',\n')}`,
    `FROM (\n${selectSql}\n) AS replacement`,
    ...(conditions.length > 0 ? [`WHERE ${conditions.join(' AND ')}`] : []),
  ].join('\n');
  return parquetUnloadSql(select, targetUrl);
}

/** Athena's UNLOAD of a query's rows as Snappy Parquet files under an (empty) S3 prefix. */
export function parquetUnloadSql(selectSql: string, targetUrl: string): string {
  return `UNLOAD (\n${selectSql}\n) TO ${stringLiteral(targetUrl)} WITH (format = 'PARQUET', compression = 'SNAPPY')`;
}
