// The Warehouse port on an embedded DuckDB database (local mode): the same monitoring SQL as Athena,
// run in-process over a database file and local Parquet/CSV files. One connection serves every call
// in turn, so a replace's transaction never interleaves with another statement.
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { type DuckDBConnection, DuckDBInstance, type DuckDBPreparedStatement, type DuckDBResultReader } from '@duckdb/node-api';
import { messageOf, NonRetryableError, RetryableError } from '../../../domain/errors.js';
import { duckdbDialect, type SqlDialect } from '../../../domain/sql/dialect.js';
import { type MonitoringTables } from '../../../domain/sql/query-input.js';
import {
  type SourceName,
  missingColumns,
  sourceColumns,
  sourceDescriptions,
  sourceTableNames,
} from '../../../domain/sql/source-columns.js';
import { createResultTablesSql } from '../../../domain/sql/tables.js';
import { type Cell, type Row } from '../../../domain/sql/row.js';
import { type QueryOptions, type QueryResult, type Warehouse } from '../../../ports/warehouse.js';
import { type ColumnType, bindRow, checkKey, rowValues } from './warehouse-bind.js';
import { exportSnapshot, isSnapshotTable, snapshotTables } from './results-export.js';
import { readerRows } from './warehouse-cells.js';
import { type FileSource, type FileSources, sourceViewSql } from './warehouse-sources.js';

/** Bound parameters per INSERT statement: rows are batched up to this many values. */
const maxParameters = 2000;

export interface DuckDbWarehouseOptions {
  /** Database file; ':memory:' (the default) keeps everything in memory. */
  path?: string;
  /** DuckDB settings applied at open ("threads", "memory_limit", ...). */
  settings?: Record<string, string>;
  /** How often a running query reports progress to onProgress (default 1 s). */
  progressIntervalMs?: number;
  /**
   * Where to keep a Parquet snapshot of each result table (see results-export.ts), rewritten after
   * every write to it, so other processes can read results while this one holds the file.
   */
  resultsExportDir?: string;
}

/** Thrown when a query is cancelled through its AbortSignal. */
export class QueryCancelledError extends Error {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, options);
    this.name = 'AbortError';
  }
}

export class DuckDbWarehouse implements Warehouse {
  readonly dialect = 'duckdb' as const;
  readonly sql: SqlDialect = duckdbDialect;
  private queryCount = 0;
  private queue: Promise<void> = Promise.resolve();
  private closed = false;
  // Query ids must not repeat across restarts of a persistent database: prefix the opening time.
  private readonly idPrefix = `duckdb-${Date.now().toString(36)}`;

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    private readonly progressIntervalMs: number,
    private readonly resultsExportDir: string | undefined,
  ) {}

  static async open(options: DuckDbWarehouseOptions = {}): Promise<DuckDbWarehouse> {
    const path = options.path ?? ':memory:';
    // A fresh data folder is created on first use rather than failing with "Cannot open file".
    if (path !== ':memory:') await mkdir(dirname(path), { recursive: true });
    const instance = await DuckDBInstance.create(path, options.settings);
    try {
      const connection = await instance.connect();
      // Zone-less timestamps are read as UTC, whatever the machine's zone (see the dialect).
      await connection.run(`SET TimeZone = 'UTC'`);
      return new DuckDbWarehouse(instance, connection, options.progressIntervalMs ?? 1000, options.resultsExportDir);
    } catch (error) {
      instance.closeSync();
      throw error;
    }
  }

  async query(sql: string, options: QueryOptions = {}): Promise<QueryResult> {
    return this.exclusive(async () => {
      const queryId = this.nextQueryId();
      const reader = await this.interruptible(queryId, options, () => this.connection.runAndReadAll(sql));
      return { rows: readerRows(reader), queryId };
    });
  }

  async execute(sql: string, options: QueryOptions = {}): Promise<QueryResult> {
    return this.query(sql, options);
  }

  async replaceRows(table: string, key: Row, rows: Row[]): Promise<void> {
    const columns = await this.requireColumns(table);
    const values = rowValues(table, columns, key, rows);
    await this.exclusive(async () => {
      await this.transaction(async () => {
        await this.deleteKey(table, columns, key);
        await this.insertRows(table, columns, values);
      });
      await this.exportResults(table);
    });
  }

  async appendRows(table: string, rows: Row[]): Promise<void> {
    const columns = await this.requireColumns(table);
    const values = rowValues(table, columns, {}, rows);
    await this.exclusive(async () => {
      await this.transaction(() => this.insertRows(table, columns, values));
      await this.exportResults(table);
    });
  }

  async replaceFromQuery(table: string, key: Row, selectSql: string, options: QueryOptions = {}): Promise<QueryResult> {
    const columns = await this.requireColumns(table);
    checkKey(table, columns, key);
    return this.exclusive(async () => {
      const replaced = await this.transaction(async () => {
        const queryId = this.nextQueryId();
        await this.deleteKey(table, columns, key);
        const names = columns.map((c) => this.sql.ident(c.name)).join(', ');
        const insert = `INSERT INTO ${this.sql.table(table)} (${names})\nSELECT ${names} FROM (\n${selectSql}\n) AS replacement`;
        const result = await this.interruptible(queryId, options, () => this.connection.run(insert));
        const inserted = result.rowsChanged;
        // Rows outside the key would survive the next replace: refuse them.
        const filter = this.keyFilter(columns, key);
        const counted = await this.runBound(`SELECT count(*) AS n FROM ${this.sql.table(table)} WHERE ${filter.where}`, filter, `${table} key`);
        const matching = Number(readerRows(counted)[0]?.['n'] ?? 0);
        if (matching !== inserted) {
          throw new NonRetryableError(
            `replace of ${table}: the query returned ${inserted - matching} row(s) outside the key ${JSON.stringify(key)}`,
            'INVALID_INPUT',
          );
        }
        return { rows: [{ inserted_rows: inserted }], queryId };
      });
      await this.exportResults(table);
      return replaced;
    });
  }

  async stage(selectSql: string, options: QueryOptions = {}): Promise<string> {
    return this.exclusive(async () => {
      const queryId = this.nextQueryId();
      // Named after the query id, which no other staged table of this connection shares.
      const table = `staged_${queryId.replace(/[^a-z0-9]/gi, '_')}`;
      await this.interruptible(queryId, options, () => this.connection.run(`CREATE TEMP TABLE ${this.sql.ident(table)} AS\n${selectSql}`));
      return table;
    });
  }

  async unstage(table: string): Promise<void> {
    await this.execute(`DROP TABLE IF EXISTS temp.${this.sql.ident(table)}`, { label: `unstage:${table}` });
  }

  async describe(table: string): Promise<string[] | undefined> {
    return (await this.columnTypes(table))?.map((c) => c.name);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.queue;
    this.connection.closeSync();
    this.instance.closeSync();
  }

  /** Creates the result tables (monitoring_metrics, monitoring_runs, ...) when absent. */
  async ensureResultTables(): Promise<void> {
    for (const ddl of createResultTablesSql(this.sql)) await this.execute(ddl, { label: 'ddl' });
    // Snapshots missing (results written before they existed) or left by an older database file
    // are right from the start, not from the next write.
    await this.exclusive(async () => {
      for (const table of snapshotTables) await this.exportResults(table);
    });
  }

  /**
   * Creates the views {model}_production_log, {model}_labels and {model}_baseline over local files
   * and checks each has the columns the contract needs. Returns the tables to query, which include
   * scored_predictions: run ensureResultTables before querying.
   */
  async registerFileSources(sources: FileSources): Promise<MonitoringTables> {
    const tables = sourceTableNames(sources.contract.model);
    const required = sourceColumns(sources.contract);
    for (const name of ['productionLog', 'labels', 'baseline'] as const satisfies readonly SourceName[]) {
      await this.registerSource(name, tables[name], sources[name], required[name]);
    }
    return tables;
  }

  private async registerSource(name: SourceName, view: string, source: FileSource, required: string[]): Promise<void> {
    const what = `${sourceDescriptions[name]} source "${view}" (${source.format} ${source.path})`;
    try {
      await this.execute(sourceViewSql(view, source), { label: `source:${view}` });
    } catch (error) {
      throw new NonRetryableError(`${what} cannot be read: ${messageOf(error)}`, 'SOURCE_UNREADABLE', { cause: error });
    }
    const missing = missingColumns(required, (await this.describe(view)) ?? []);
    if (missing.length > 0) {
      const list = missing.map((column) => `"${column}"`).join(', ');
      throw new NonRetryableError(`${what} is missing column${missing.length > 1 ? 's' : ''} ${list}`, 'SOURCE_COLUMNS');
    }
  }

  /** Rewrites the table's snapshot after a committed write; call inside exclusive. */
  private async exportResults(table: string): Promise<void> {
    if (this.resultsExportDir !== undefined && isSnapshotTable(table)) await exportSnapshot(this.connection, this.resultsExportDir, table);
  }

  private async requireColumns(table: string): Promise<ColumnType[]> {
    const columns = await this.columnTypes(table);
    if (columns === undefined) throw new NonRetryableError(`table ${table} does not exist`, 'NOT_FOUND');
    return columns;
  }

  private async columnTypes(table: string): Promise<ColumnType[] | undefined> {
    const parts = table.split('.');
    const [schema, name] = parts.length === 2 ? parts : [undefined, parts[0]];
    const { rows } = await this.query(
      `SELECT column_name, data_type FROM information_schema.columns
       WHERE table_name = ${this.sql.string(name ?? '')}
         AND table_schema = ${schema === undefined ? 'current_schema()' : this.sql.string(schema)}
       ORDER BY ordinal_position`,
      { label: `describe:${table}` },
    );
    if (rows.length === 0) return undefined;
    return rows.map((row) => ({ name: String(row['column_name']), type: String(row['data_type']) }));
  }

  /** WHERE text matching `key` ($1..$n for its non-null values) and what to bind to it. */
  private keyFilter(columns: readonly ColumnType[], key: Row): KeyFilter {
    const bound: ColumnType[] = [];
    const values: Cell[] = [];
    const conditions = Object.entries(key).map(([name, value]) => {
      if (value === null) return `${this.sql.ident(name)} IS NULL`;
      bound.push(columns.find((c) => c.name === name) ?? { name, type: 'VARCHAR' });
      values.push(value);
      return `${this.sql.ident(name)} = $${values.length}`;
    });
    return { where: conditions.length === 0 ? 'TRUE' : conditions.join(' AND '), bound, values };
  }

  private async runBound(sql: string, filter: KeyFilter, where: string): Promise<DuckDBResultReader> {
    const statement = await this.connection.prepare(sql);
    try {
      bindRow(statement, filter.bound, filter.values, where);
      return await statement.runAndReadAll();
    } finally {
      statement.destroySync();
    }
  }

  private async deleteKey(table: string, columns: readonly ColumnType[], key: Row): Promise<void> {
    const filter = this.keyFilter(columns, key);
    await this.runBound(`DELETE FROM ${this.sql.table(table)} WHERE ${filter.where}`, filter, `${table} key`);
  }

  /** Multi-row INSERTs with bound parameters, a batch per statement. */
  private async insertRows(table: string, columns: readonly ColumnType[], values: readonly Cell[][]): Promise<void> {
    const names = columns.map((c) => this.sql.ident(c.name)).join(', ');
    const batch = Math.max(1, Math.floor(maxParameters / Math.max(1, columns.length)));
    const statements = new Map<number, DuckDBPreparedStatement>();
    try {
      for (let start = 0; start < values.length; start += batch) {
        const rows = values.slice(start, start + batch);
        let insert = statements.get(rows.length);
        if (insert === undefined) {
          const tuples = rows.map((_, r) => `(${columns.map((_c, i) => `$${r * columns.length + i + 1}`).join(', ')})`);
          insert = await this.connection.prepare(`INSERT INTO ${this.sql.table(table)} (${names}) VALUES ${tuples.join(', ')}`);
          statements.set(rows.length, insert);
        }
        for (const [r, row] of rows.entries()) bindRow(insert, columns, row, `${table} row ${start + r}`, r * columns.length);
        await insert.run();
      }
    } finally {
      for (const statement of statements.values()) statement.destroySync();
    }
  }

  private async transaction<T>(work: () => Promise<T>): Promise<T> {
    await this.connection.run('BEGIN TRANSACTION');
    try {
      const result = await work();
      await this.connection.run('COMMIT');
      return result;
    } catch (error) {
      try {
        await this.connection.run('ROLLBACK');
      } catch {
        // The failure that got us here is the one worth reporting.
      }
      throw isClassified(error) ? error : classify('transaction', error);
    }
  }

  /** Runs `task` after every earlier call has finished: one statement at a time on the connection. */
  private async exclusive<T>(task: () => Promise<T>): Promise<T> {
    if (this.closed) throw new NonRetryableError('the DuckDB warehouse is closed', 'CLOSED');
    const previous = this.queue;
    let release = (): void => undefined;
    this.queue = new Promise<void>((resolve) => {
      release = resolve;
    });
    try {
      await previous;
      return await task();
    } finally {
      release();
    }
  }

  private nextQueryId(): string {
    this.queryCount += 1;
    return `${this.idPrefix}-${this.queryCount}`;
  }

  /** Runs one statement with cancellation (interrupt) and progress reports; classifies failures. */
  private async interruptible<T>(
    queryId: string,
    options: QueryOptions,
    run: () => Promise<T>,
  ): Promise<T> {
    const { signal, onProgress, label } = options;
    const name = `${label ?? 'query'} (${queryId})`;
    if (isAborted(signal)) throw new QueryCancelledError(`${name} was cancelled before it started`, { cause: signal?.reason });
    const interrupt = (): void => this.connection.interrupt();
    signal?.addEventListener('abort', interrupt, { once: true });
    const timer =
      onProgress === undefined
        ? undefined
        : setInterval(() => onProgress({ label, state: `running ${Math.max(0, this.connection.progress.percentage)}%` }), this.progressIntervalMs);
    timer?.unref();
    onProgress?.({ label, state: 'running' });
    try {
      const result = await run();
      onProgress?.({ label, state: 'succeeded' });
      return result;
    } catch (error) {
      onProgress?.({ label, state: 'failed' });
      if (isAborted(signal)) throw new QueryCancelledError(`${name} was cancelled`, { cause: error });
      throw classify(name, error);
    } finally {
      clearInterval(timer);
      signal?.removeEventListener('abort', interrupt);
    }
  }
}

// A function, not an inline check: the signal's state changes while the query runs.
function isAborted(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}

interface KeyFilter {
  where: string;
  bound: ColumnType[];
  values: Cell[];
}

function isClassified(error: unknown): boolean {
  return error instanceof NonRetryableError || error instanceof RetryableError || error instanceof QueryCancelledError;
}

/** A lock held by another process may clear; anything else in an embedded engine will not. */
function classify(name: string, error: unknown): Error {
  const message = `DuckDB ${name} failed: ${messageOf(error)}`;
  if (/could not set lock|conflicting lock/i.test(messageOf(error))) return new RetryableError(message, 'LOCKED', { cause: error });
  return new NonRetryableError(message, 'SQL_ERROR', { cause: error });
}
