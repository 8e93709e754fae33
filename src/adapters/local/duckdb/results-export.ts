// Snapshots of the local result tables as Parquet files, <dataDir>/results/<table>.parquet, and the
// read-only queries over them (`vigil query`). They exist because DuckDB lets no other process open
// the database file while the worker holds it read-write; a Parquet file anyone may read any time.
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { type DuckDBConnection, DuckDBInstance, type DuckDBPreparedStatement, StatementType } from '@duckdb/node-api';
import { messageOf, NonRetryableError, RetryableError } from '../../../domain/errors.js';
import { createBiViewsSql } from '../../../domain/dashboard/bi-views.js';
import { duckdbDialect } from '../../../domain/sql/dialect.js';
import { type Row } from '../../../domain/sql/row.js';
import { type ResultTable } from '../../../domain/sql/tables.js';
import { readerRows } from './warehouse-cells.js';
import { pathExists } from '../../shared/path-exists.js';

/**
 * The tables worth reading while the worker runs. scored_predictions is left out: it is training's
 * input, grows with every scored record and is appended a batch at a time, so re-exporting it
 * whole after each batch would cost more as it grows, for no reader.
 */
export const snapshotTables = ['monitoring_metrics', 'performance_history', 'monitoring_runs', 'quarantine', 'deployments', 'audit_events'] as const satisfies readonly ResultTable[];
export type SnapshotTable = (typeof snapshotTables)[number];

export function resultsSnapshotDir(dataDir: string): string {
  return join(dataDir, 'results');
}

export function snapshotPath(dir: string, table: SnapshotTable): string {
  return join(dir, `${table}.parquet`);
}

export function isSnapshotTable(table: string): table is SnapshotTable {
  return (snapshotTables as readonly string[]).includes(table);
}

/**
 * Writes `table` to <dir>/<table>.parquet through a temporary file in the same folder renamed over
 * it, so a reader opens either the previous snapshot or the new one, never part of one. Run it on
 * the warehouse's connection after the write commits. Retryable: the writes that call it replace
 * idempotently, so a retried step exports again (a full disk may clear).
 */
export async function exportSnapshot(connection: DuckDBConnection, dir: string, table: SnapshotTable): Promise<void> {
  const target = snapshotPath(dir, table);
  // Hidden and without the .parquet ending, so no reader's glob picks up a file being written.
  const temporary = join(dir, `.${table}.${process.pid}.parquet-tmp`);
  try {
    await mkdir(dir, { recursive: true });
    const sql = duckdbDialect;
    await connection.run(`COPY (SELECT * FROM ${sql.ident(table)}) TO ${sql.string(temporary)} (FORMAT parquet)`);
    await rename(temporary, target);
  } catch (error) {
    // The export's failure is the one to report, not a cleanup's (the folder may be unusable).
    await rm(temporary, { force: true }).catch(() => undefined);
    throw new RetryableError(`exporting ${table} to ${target} failed: ${messageOf(error)}`, 'RESULTS_EXPORT', { cause: error });
  }
}

/** The snapshot files present in `dir`, by table. */
export async function existingSnapshots(dir: string): Promise<Map<SnapshotTable, string>> {
  const found = new Map<SnapshotTable, string>();
  for (const table of snapshotTables) {
    const path = snapshotPath(dir, table);
    if (await pathExists(path)) found.set(table, path);
  }
  return found;
}

export interface SnapshotQueryResult {
  columns: string[];
  rows: Row[];
}

/**
 * Runs one read statement over the snapshots, each a view named after its table, in a new
 * in-memory database. Failures are NonRetryableErrors carrying DuckDB's message alone (no cause),
 * so the command's error line is that message.
 */
export async function querySnapshots(snapshots: ReadonlyMap<SnapshotTable, string>, sql: string): Promise<SnapshotQueryResult> {
  if (withoutLeadingComments(sql) === '') throw new NonRetryableError('give a SQL statement, e.g. "SELECT * FROM monitoring_runs"', 'INVALID_INPUT');
  const instance = await DuckDBInstance.create(':memory:');
  try {
    const connection = await instance.connect();
    const views = createBiViewsSql(duckdbDialect, snapshots.keys());
    try {
      await connection.run(`SET TimeZone = 'UTC'`);
      for (const [table, path] of snapshots) {
        await connection.run(`CREATE VIEW ${duckdbDialect.ident(table)} AS SELECT * FROM read_parquet(${duckdbDialect.string(path)})`);
      }
      for (const { sql: ddl } of views) await connection.run(ddl);
      const statement = await readStatement(connection, sql);
      try {
        const reader = await statement.runAndReadAll();
        return { columns: reader.columnNames(), rows: readerRows(reader) };
      } finally {
        statement.destroySync();
      }
    } catch (error) {
      throw error instanceof NonRetryableError ? error : new NonRetryableError(sqlErrorLine(error, [...snapshots.keys()], views.map((view) => view.view)), 'SQL_ERROR');
    } finally {
      connection.closeSync();
    }
  } finally {
    instance.closeSync();
  }
}

/**
 * The statement prepared, when `sql` is one statement that only reads. The database is in memory
 * and its tables are views over files, so a write could not reach the results anyway; refusing
 * keeps the command to what it is for, and keeps COPY ... TO and ATTACH from touching other files.
 */
async function readStatement(connection: DuckDBConnection, sql: string): Promise<DuckDBPreparedStatement> {
  const statements = await connection.extractStatements(sql);
  if (statements.count !== 1) {
    throw new NonRetryableError(`vigil query runs one statement at a time; got ${statements.count}`, 'INVALID_INPUT');
  }
  // Before preparing: DuckDB binds as it prepares, and a write on a view fails there with a
  // message about views rather than this refusal.
  checkLeadingKeyword(sql);
  const statement = await statements.prepare(0);
  try {
    await checkStatementType(connection, statement.statementType, sql);
    return statement;
  } catch (error) {
    statement.destroySync();
    throw error;
  }
}

const readKeywords = new Set(['SELECT', 'WITH', 'FROM', 'VALUES', 'TABLE', 'SHOW', 'DESCRIBE', 'SUMMARIZE', 'EXPLAIN']);

function refuse(what: string): never {
  throw new NonRetryableError(`vigil query only reads: ${what} is refused (use SELECT, WITH, SHOW, DESCRIBE, SUMMARIZE or EXPLAIN)`, 'READ_ONLY');
}

function withoutLeadingComments(sql: string): string {
  return sql.replace(/^(?:\s+|--[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/)*/, '');
}

/** What an EXPLAIN statement explains: the text after EXPLAIN and its ANALYZE or (options). */
function explainedStatement(sql: string): string {
  return withoutLeadingComments(sql).replace(/^explain\s+(?:analy[sz]e\s+|\([^)]*\)\s*)?/i, '');
}

function checkLeadingKeyword(sql: string): void {
  const keyword = /^[A-Za-z_]+/.exec(withoutLeadingComments(sql).replace(/^\(+\s*/, ''))?.[0].toUpperCase();
  if (keyword === undefined || !readKeywords.has(keyword)) refuse(keyword ?? 'this statement');
  if (keyword === 'EXPLAIN') checkLeadingKeyword(explainedStatement(sql));
}

/** The parser's word on what the prepared statement does (WITH ... INSERT starts like a read). */
async function checkStatementType(connection: DuckDBConnection, type: StatementType, sql: string): Promise<void> {
  // SHOW, DESCRIBE, SUMMARIZE, FROM-first and WITH ... SELECT all parse as SELECT.
  if (type === StatementType.SELECT) return;
  if (type !== StatementType.EXPLAIN) refuse(StatementType[type]);
  // EXPLAIN ANALYZE runs what it explains: that must read too.
  const explained = explainedStatement(sql);
  const statement = await (await connection.extractStatements(explained)).prepare(0);
  try {
    await checkStatementType(connection, statement.statementType, explained);
  } finally {
    statement.destroySync();
  }
}

/**
 * DuckDB's message on one line: without the node binding's wrapper or the LINE/caret excerpt, and
 * for an unknown table the tables there are (DuckDB's guess comes from its system catalog).
 */
function sqlErrorLine(error: unknown, tables: readonly string[], views: readonly string[]): string {
  const text = messageOf(error)
    .replace(/^Failed to (?:extract statements|prepare statement|execute prepared statement): /, '')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !/^LINE \d+:/.test(line) && !/^\^$/.test(line))
    .join(' ');
  const unknownTable = /^(Catalog Error: Table with name \S+ does not exist!)/.exec(text);
  if (unknownTable === null) return text;
  return `${unknownTable[1]} (the result tables: ${tables.join(', ')}${views.length === 0 ? '' : `; views: ${views.join(', ')}`})`;
}

