// The Warehouse port on an embedded DuckDB database (local mode): the same monitoring SQL as Athena,
// run in-process over a database file and local Parquet/CSV files. A few connections share the one
// database (and its memory_limit), so one model's query need not wait for another's to end; writes
// to the result tables take turns, so two replaces never conflict and snapshots are written in order.
// Staged rows live in an in-memory database attached once, which every connection sees (a TEMP
// table would be visible to its own connection only) and which never reaches the database file.
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { type DuckDBConnection, DuckDBInstance, type DuckDBResultReader } from '@duckdb/node-api';
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
import { createBiViewsSql, type BiViewOptions } from '../../../domain/dashboard/bi-views.js';
import { createResultTablesSql, resultTableNames } from '../../../domain/sql/tables.js';
import { type Cell, type Row } from '../../../domain/sql/row.js';
import { type QueryOptions, type QueryResult, type StagedTable, type Warehouse } from '../../../ports/warehouse.js';
import { type ColumnType, appendRow, bindRow, checkKey, rowValues } from './warehouse-bind.js';
import { exportSnapshot, isSnapshotTable, type SnapshotTable, snapshotTables } from './results-export.js';
import { readerRows } from './warehouse-cells.js';
import { ConnectionPool, SerialQueue } from './connection-pool.js';
import { type FileSource, type FileSources, sourceViewSql } from './warehouse-sources.js';
import { streamQuarantineColumns } from '../../../domain/sql/stream-quarantine.js';
import { tableNameParts } from '../../../domain/sql/sql-text.js';
import { hasSchemaVersion } from '../../../domain/sql/source-columns.js';

/** The attached in-memory database holding staged rows; on every connection's search path. */
const stagedDatabase = 'vigil_staged';

export interface DuckDbWarehouseOptions {
  /** Database file; ':memory:' (the default) keeps everything in memory. */
  path?: string;
  /** DuckDB settings applied at open ("threads", "memory_limit", ...). */
  settings?: Record<string, string>;
  /**
   * Connections sharing the database (default 1): up to this many statements run at once. DuckDB's
   * threads and memory_limit belong to the database, so they are shared, not multiplied.
   */
  connections?: number;
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
  private readonly writes = new SerialQueue();
  private readonly pendingExports = new Map<SnapshotTable, Promise<void>>();
  /** Writes under way, from their column lookup to their snapshot: close waits for them. */
  private readonly writing = new Set<Promise<unknown>>();
  /**
   * The columns of the tables written to, read once: every window records into the same five
   * tables, and asking the catalogue each time cost more than some of the writes. Forgotten when
   * a statement that may change a schema runs (execute, ensureResultTables).
   */
  private readonly writtenColumns = new Map<string, ColumnType[]>();
  private closed = false;
  // Query ids must not repeat across restarts of a persistent database: prefix the opening time.
  private readonly idPrefix = `duckdb-${Date.now().toString(36)}`;

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly pool: ConnectionPool,
    private readonly progressIntervalMs: number,
    private readonly resultsExportDir: string | undefined,
  ) {}

  static async open(options: DuckDbWarehouseOptions = {}): Promise<DuckDbWarehouse> {
    const path = options.path ?? ':memory:';
    // A fresh data folder is created on first use rather than failing with "Cannot open file".
    if (path !== ':memory:') await mkdir(dirname(path), { recursive: true });
    const count = options.connections ?? 1;
    if (!(Number.isInteger(count) && count >= 1)) throw new NonRetryableError(`DuckDB connections must be a whole number >= 1, not ${count}`, 'INVALID_INPUT');
    const instance = await DuckDBInstance.create(path, options.settings);
    const connections: DuckDBConnection[] = [];
    try {
      for (let i = 0; i < count; i += 1) {
        const connection = await instance.connect();
        connections.push(connection);
        if (i === 0) await connection.run(`ATTACH ':memory:' AS ${duckdbDialect.ident(stagedDatabase)}`);
        // Session settings, so on every connection. Zone-less timestamps are read as UTC, whatever
        // the machine's zone (see the dialect); staged tables are found by their bare names.
        await connection.run(`SET TimeZone = 'UTC'`);
        await connection.run(`SET search_path = 'main,${stagedDatabase}.main'`);
      }
      return new DuckDbWarehouse(instance, new ConnectionPool(connections), options.progressIntervalMs ?? 1000, options.resultsExportDir);
    } catch (error) {
      for (const connection of connections) connection.closeSync();
      instance.closeSync();
      throw error;
    }
  }

  /** How many statements can run at once. */
  get connections(): number {
    return this.pool.connections.length;
  }

  async query(sql: string, options: QueryOptions = {}): Promise<QueryResult> {
    return this.withConnection(async (connection) => {
      const queryId = this.nextQueryId();
      const reader = await this.interruptible(connection, queryId, options, () => connection.runAndReadAll(sql));
      return { rows: readerRows(reader), queryId };
    }, options);
  }

  async execute(sql: string, options: QueryOptions = {}): Promise<QueryResult> {
    this.writtenColumns.clear();
    return this.query(sql, options);
  }

  replaceRows(table: string, key: Row, rows: Row[]): Promise<void> {
    return this.whole(async () => {
      const columns = await this.requireColumns(table);
      const values = rowValues(table, columns, key, rows);
      await this.write(async (connection) => {
        await this.transaction(connection, async () => {
          await this.deleteKey(connection, table, columns, key);
          await this.insertRows(connection, table, columns, values);
        });
      });
      await this.exportAfterWrite(table);
    });
  }

  appendRows(table: string, rows: Row[]): Promise<void> {
    return this.whole(async () => {
      const columns = await this.requireColumns(table);
      const values = rowValues(table, columns, {}, rows);
      await this.write((connection) => this.transaction(connection, () => this.insertRows(connection, table, columns, values)));
      await this.exportAfterWrite(table);
    });
  }

  replaceFromQuery(table: string, key: Row, selectSql: string, options: QueryOptions = {}): Promise<QueryResult> {
    return this.whole(() => this.replaceFromQueryNow(table, key, selectSql, options));
  }

  private async replaceFromQueryNow(table: string, key: Row, selectSql: string, options: QueryOptions): Promise<QueryResult> {
    const columns = await this.requireColumns(table);
    checkKey(table, columns, key);
    const replaced = await this.write((connection) =>
      this.transaction(connection, async () => {
        const queryId = this.nextQueryId();
        await this.deleteKey(connection, table, columns, key);
        const names = columns.map((c) => this.sql.ident(c.name)).join(', ');
        const insert = `INSERT INTO ${this.sql.table(table)} (${names})\nSELECT ${names} FROM (\n${selectSql}\n) AS replacement`;
        const result = await this.interruptible(connection, queryId, options, () => connection.run(insert));
        const inserted = result.rowsChanged;
        // Rows outside the key would survive the next replace: refuse them.
        const filter = this.keyFilter(columns, key);
        const counted = await this.runBound(connection, `SELECT count(*) AS n FROM ${this.sql.table(table)} WHERE ${filter.where}`, filter, `${table} key`);
        const matching = Number(readerRows(counted)[0]?.['n'] ?? 0);
        if (matching !== inserted) {
          throw new NonRetryableError(
            `replace of ${table}: the query returned ${inserted - matching} row(s) outside the key ${JSON.stringify(key)}`,
            'INVALID_INPUT',
          );
        }
        return { rows: [{ inserted_rows: inserted }], queryId };
      }),
      options,
    );
    await this.exportAfterWrite(table);
    return replaced;
  }

  async stage(selectSql: string, options: QueryOptions = {}): Promise<StagedTable> {
    return this.withConnection(async (connection) => {
      const queryId = this.nextQueryId();
      // Named after the query id, which no other staged table of this warehouse shares.
      const table = `staged_${queryId.replace(/[^a-z0-9]/gi, '_')}`;
      await this.interruptible(connection, queryId, options, () => connection.run(`CREATE TABLE ${this.stagedTable(table)} AS\n${selectSql}`));
      return { table };
    }, options);
  }

  async unstage(table: string): Promise<void> {
    // A staged table is none of the tables written to: the columns known of those stay known.
    await this.query(`DROP TABLE IF EXISTS ${this.stagedTable(table)}`, { label: `unstage:${table}` });
  }

  /** The staged tables now held, by the names stage() returned. */
  async stagedTables(): Promise<string[]> {
    const { rows } = await this.query(
      `SELECT table_name FROM duckdb_tables() WHERE database_name = ${this.sql.string(stagedDatabase)} ORDER BY table_name`,
      { label: 'staged tables' },
    );
    return rows.map((row) => String(row['table_name']));
  }

  private stagedTable(table: string): string {
    return `${this.sql.ident(stagedDatabase)}.main.${this.sql.ident(table)}`;
  }

  async describe(table: string): Promise<string[] | undefined> {
    return (await this.columnTypes(table))?.map((c) => c.name);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // Writes already asked for are made, snapshots included; then whatever still runs or waits.
    while (this.writing.size > 0) await Promise.allSettled([...this.writing]);
    await this.pool.settled();
    for (const connection of this.pool.connections) connection.closeSync();
    this.instance.closeSync();
  }

  /** Creates the result tables (monitoring_metrics, monitoring_runs, ...) when absent, and the BI views over them. */
  async ensureResultTables(views: BiViewOptions = {}): Promise<void> {
    for (const ddl of createResultTablesSql(this.sql)) await this.execute(ddl, { label: 'ddl' });
    for (const { view, sql } of createBiViewsSql(this.sql, resultTableNames, views)) await this.execute(sql, { label: `ddl:${view}` });
    // Snapshots missing (results written before they existed) or left by an older database file
    // are right from the start, not from the next write.
    const dir = this.resultsExportDir;
    if (dir === undefined) return;
    await this.write(async (connection) => {
      for (const table of snapshotTables) await exportSnapshot(connection, dir, table);
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
    const stamped: ('productionLog' | 'baseline')[] = [];
    for (const name of ['productionLog', 'labels', 'baseline'] as const satisfies readonly SourceName[]) {
      const present = await this.registerSource(sourceDescriptions[name], tables[name], sources[name], required[name]);
      if (name !== 'labels' && hasSchemaVersion(present)) stamped.push(name);
    }
    return stamped.length === 0 ? tables : { ...tables, stampedSources: stamped };
  }

  /**
   * The view {model}_stream_quarantine over the stream path's quarantine files, checked for the
   * columns the monitoring reads; undefined while no file matches yet.
   */
  async registerStreamQuarantine(model: string, source: FileSource): Promise<string | undefined> {
    const { rows } = await this.query(`SELECT count(*) AS files FROM glob(${this.sql.string(source.path)})`, { label: `source-files:${model}` });
    if (Number(rows[0]?.['files'] ?? 0) === 0) return undefined;
    const view = `${model}_stream_quarantine`;
    await this.registerSource('stream quarantine', view, source, streamQuarantineColumns);
    return view;
  }

  /** Creates the view and checks its columns; returns the columns it has. */
  private async registerSource(description: string, view: string, source: FileSource, required: readonly string[]): Promise<string[]> {
    const what = `${description} source "${view}" (${source.format} ${source.path})`;
    try {
      await this.execute(sourceViewSql(view, source), { label: `source:${view}` });
    } catch (error) {
      throw new NonRetryableError(`${what} cannot be read: ${messageOf(error)}`, 'SOURCE_UNREADABLE', { cause: error });
    }
    const present = (await this.describe(view)) ?? [];
    const missing = missingColumns(required, present);
    if (missing.length > 0) {
      const list = missing.map((column) => `"${column}"`).join(', ');
      throw new NonRetryableError(`${what} is missing column${missing.length > 1 ? 's' : ''} ${list}`, 'SOURCE_COLUMNS');
    }
    return present;
  }

  /**
   * Rewrites the table's snapshot after a committed write, in the writes' turn. Writes that commit
   * while an export of their table still waits for its turn share that export, which reads the
   * table after all of them: many models recording at once rewrite a snapshot once, not each time.
   */
  private exportAfterWrite(table: string): Promise<void> {
    const dir = this.resultsExportDir;
    if (dir === undefined || !isSnapshotTable(table)) return Promise.resolve();
    const waiting = this.pendingExports.get(table);
    if (waiting !== undefined) return waiting;
    const exported = this.writes.run(() => {
      // From here on the table is read: a write committed later needs an export of its own.
      this.pendingExports.delete(table);
      return this.pool.use((connection) => exportSnapshot(connection, dir, table));
    });
    this.pendingExports.set(table, exported);
    return exported;
  }

  private async requireColumns(table: string): Promise<ColumnType[]> {
    const known = this.writtenColumns.get(table);
    if (known !== undefined) return known;
    const columns = await this.columnTypes(table);
    if (columns === undefined) throw new NonRetryableError(`table ${table} does not exist`, 'NOT_FOUND');
    this.writtenColumns.set(table, columns);
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

  private async runBound(connection: DuckDBConnection, sql: string, filter: KeyFilter, where: string): Promise<DuckDBResultReader> {
    const statement = await connection.prepare(sql);
    try {
      bindRow(statement, filter.bound, filter.values, where);
      return await statement.runAndReadAll();
    } finally {
      statement.destroySync();
    }
  }

  private async deleteKey(connection: DuckDBConnection, table: string, columns: readonly ColumnType[], key: Row): Promise<void> {
    const filter = this.keyFilter(columns, key);
    await this.runBound(connection, `DELETE FROM ${this.sql.table(table)} WHERE ${filter.where}`, filter, `${table} key`);
  }

  /** Appends the rows in the connection's transaction (a failure rolls them back with it). */
  private async insertRows(connection: DuckDBConnection, table: string, columns: readonly ColumnType[], values: readonly Cell[][]): Promise<void> {
    if (values.length === 0) return;
    const parts = tableNameParts(table);
    const [schema, name] = parts.length === 2 ? parts : [null, parts[0] ?? table];
    const appender = await connection.createAppender(name, schema);
    try {
      for (const [index, row] of values.entries()) appendRow(appender, columns, row, `${table} row ${index}`);
      appender.flushSync();
    } finally {
      appender.closeSync();
    }
  }

  private async transaction<T>(connection: DuckDBConnection, work: () => Promise<T>): Promise<T> {
    await connection.run('BEGIN TRANSACTION');
    try {
      const result = await work();
      await connection.run('COMMIT');
      return result;
    } catch (error) {
      try {
        await connection.run('ROLLBACK');
      } catch {
        // The failure that got us here is the one worth reporting.
      }
      throw isClassified(error) ? error : classify('transaction', error);
    }
  }

  /** Runs a whole write (its lookups, the write, its snapshot) as one unit close waits for. */
  private whole<T>(operation: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new NonRetryableError('the DuckDB warehouse is closed', 'CLOSED'));
    const running = operation();
    this.writing.add(running);
    const forget = (): void => {
      this.writing.delete(running);
    };
    running.then(forget, forget);
    return running;
  }

  /** Runs `task` on a connection of its own: one statement (or transaction) at a time on each. */
  private async withConnection<T>(task: (connection: DuckDBConnection) => Promise<T>, options: QueryOptions = {}): Promise<T> {
    if (this.closed) throw new NonRetryableError('the DuckDB warehouse is closed', 'CLOSED');
    return this.whileWaiting(options, (started) => this.pool.use((connection) => started(task, connection)));
  }

  /**
   * A write to the result tables, after every earlier write has finished: concurrent transactions
   * deleting rows of one table could conflict, and a snapshot must not be rewritten by two at once.
   */
  private async write<T>(task: (connection: DuckDBConnection) => Promise<T>, options: QueryOptions = {}): Promise<T> {
    if (this.closed) throw new NonRetryableError('the DuckDB warehouse is closed', 'CLOSED');
    return this.whileWaiting(options, (started) => this.writes.run(() => this.pool.use((connection) => started(task, connection))));
  }

  /**
   * Reports "waiting" to onProgress until the task has its connection: behind many other models'
   * queries the wait can be long, and a caller that heartbeats from onProgress must go on doing so.
   */
  private async whileWaiting<T>(
    options: QueryOptions,
    queue: (started: (task: (connection: DuckDBConnection) => Promise<T>, connection: DuckDBConnection) => Promise<T>) => Promise<T>,
  ): Promise<T> {
    const { onProgress, label } = options;
    const timer = onProgress === undefined ? undefined : setInterval(() => onProgress({ label, state: 'waiting for a connection' }), this.progressIntervalMs);
    timer?.unref();
    try {
      return await queue((task, connection) => {
        clearInterval(timer);
        return task(connection);
      });
    } finally {
      clearInterval(timer);
    }
  }

  private nextQueryId(): string {
    this.queryCount += 1;
    return `${this.idPrefix}-${this.queryCount}`;
  }

  /** Runs one statement with cancellation (interrupt) and progress reports; classifies failures. */
  private async interruptible<T>(
    connection: DuckDBConnection,
    queryId: string,
    options: QueryOptions,
    run: () => Promise<T>,
  ): Promise<T> {
    const { signal, onProgress, label } = options;
    const name = `${label ?? 'query'} (${queryId})`;
    if (isAborted(signal)) throw new QueryCancelledError(`${name} was cancelled before it started`, { cause: signal?.reason });
    const interrupt = (): void => connection.interrupt();
    signal?.addEventListener('abort', interrupt, { once: true });
    const timer =
      onProgress === undefined
        ? undefined
        : setInterval(() => onProgress({ label, state: `running ${Math.max(0, connection.progress.percentage)}%` }), this.progressIntervalMs);
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
