// What the monitoring job needs from a warehouse: run SQL built by src/domain/sql, read small
// aggregate results, and replace result rows idempotently. DuckDB locally, Athena on AWS.
import type { Row } from '../domain/sql/row.js';

export type { Cell, Row } from '../domain/sql/row.js';

export interface QueryResult {
  rows: Row[];
  /** The engine's id for the query (Athena QueryExecutionId; a local counter for DuckDB): provenance. */
  queryId: string;
  /** Bytes the engine read for the query, where it bills by them (Athena); absent elsewhere. */
  bytesScanned?: number;
}

export interface QueryOptions {
  /** Short label for progress and provenance ("ks:feature_x"). */
  label?: string;
  /** Called while a long query runs, so an activity can heartbeat. */
  onProgress?: (detail: { label?: string; state: string }) => void;
  /** Cancels the query (StopQueryExecution on Athena, interrupt on DuckDB). */
  signal?: AbortSignal;
}

export interface StageOptions extends QueryOptions {
  /**
   * The names and types of the rows' columns, for engines that declare a table before writing its
   * files (Athena, which then requires them); others take them from the query.
   */
  columns?: readonly { name: string; type: 'text' | 'double' | 'boolean' | 'timestamp' }[];
}

export interface StagedTable {
  /** The name queries read it by (unqualified: it is in the warehouse's own database). */
  table: string;
  /** Bytes the engine read to make it, where it bills by them (Athena). */
  bytesScanned?: number;
}

export interface Warehouse {
  readonly dialect: 'duckdb' | 'athena';
  /** Runs a statement that returns rows. */
  query(sql: string, options?: QueryOptions): Promise<QueryResult>;
  /** Runs a statement for its effect (DDL, INSERT, DELETE). */
  execute(sql: string, options?: QueryOptions): Promise<QueryResult>;
  /**
   * Replaces, as one unit, every row of `table` matching `key` with `rows`: rerunning a window
   * leaves exactly one set of rows. Rows must all have the table's columns.
   */
  replaceRows(table: string, key: Row, rows: Row[]): Promise<void>;
  /**
   * Like replaceRows, but the new rows are those `selectSql` returns (matched to the table's
   * columns by name), so they never travel through Node: the quarantine of a window. Athena
   * tables have no DELETE, which is why this is one call rather than a DELETE and an INSERT.
   */
  replaceFromQuery(table: string, key: Row, selectSql: string, options?: QueryOptions): Promise<QueryResult>;
  /**
   * Appends rows to `table` in one transaction. For tables whose readers pick one row per key
   * (scored_predictions keeps the latest score of a record), so a repeated append is harmless.
   */
  appendRows(table: string, rows: Row[]): Promise<void>;
  /**
   * Keeps the rows `selectSql` returns in a table of their own (DuckDB: a temporary table of this
   * warehouse; Athena: a Parquet table under the results location) and returns its name, for the
   * queries of one analysis to read; drop it with unstage. Engines that cannot stage leave it out,
   * and queries build their rows from the sources instead.
   */
  stage?(selectSql: string, options?: StageOptions): Promise<StagedTable>;
  unstage?(table: string): Promise<void>;
  /** Column names of a table or view, or undefined when it does not exist. */
  describe(table: string): Promise<string[] | undefined>;
  close(): Promise<void>;
}
