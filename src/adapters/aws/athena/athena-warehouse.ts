// The Warehouse port on Amazon Athena: each statement is a query execution in a workgroup, polled
// until it ends, whose results are paged back and decoded by column type. The result tables are
// Hive tables of Parquet objects under the `results` location: writes put and remove those objects
// on S3 (Athena has no DELETE) and register partitions, through athena-result-writer.ts.
import { setTimeout as sleep } from 'node:timers/promises';
import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
  type AthenaClientConfig,
  type ColumnInfo,
  type EncryptionConfiguration,
  type Row as AthenaRow,
} from '@aws-sdk/client-athena';
import type { S3Client, S3ClientConfig } from '@aws-sdk/client-s3';
import { NonRetryableError } from '../../../domain/errors.js';
import { athenaDialect, type SqlDialect } from '../../../domain/sql/dialect.js';
import { createBiViewsSql, type BiViewOptions } from '../../../domain/dashboard/bi-views.js';
import { createResultTablesSql, resultTableNames } from '../../../domain/sql/tables.js';
import type { Row } from '../../../domain/sql/row.js';
import type { QueryOptions, QueryResult, StageOptions, StagedTable, Warehouse } from '../../../ports/warehouse.js';
import { ResultLayout, parquetUnloadSql } from './result-layout.js';
import { createStagedTableSql } from '../../../domain/sql/staged-columns.js';
import { isStagedTableName, stagedTableName, stagedTableTime } from './staged-table-name.js';
import { AthenaResultWriter } from './result-writer.js';
import { decodeAthenaRows, isHeaderRow, queryFailureError } from './results.js';
import { AWS_MAX_ATTEMPTS, classifyAwsError } from '../errors.js';
import { ParquetEncoder } from './parquet-encoder.js';
import { S3ObjectStore } from '../s3/s3-object-store.js';

/** Longest wait between two GetQueryExecution calls. */
export const MAX_POLL_INTERVAL_MS = 5000;
const pollBackoff = 1.5;
/** GetQueryResults returns at most 1,000 rows per page. */
const pageSize = 1000;
/**
 * A staged table this old is a leftover (its worker died before dropping it, or kept it for an
 * analysis that ran elsewhere): far older than any analysis. Sweeps run at most this often.
 */
const stagedTableLifetimeMs = 24 * 60 * 60 * 1000;
const stagedTableSweepEveryMs = 60 * 60 * 1000;

export type AthenaEncryption = { option: 'SSE_S3' } | { option: 'SSE_KMS'; kmsKey: string };

/** Where the result tables keep their objects, and how to reach them. */
export interface AthenaResultsOptions {
  /** `s3://bucket/prefix/`: each result table's LOCATION is `<location><table>/`. */
  location: string;
  /** A ready S3 client (close() leaves it open); otherwise one is built from clientConfig. */
  client?: S3Client;
  clientConfig?: S3ClientConfig;
}

export interface AthenaWarehouseOptions {
  /** A ready client (its own retry settings apply, and close() leaves it open); otherwise one is built. */
  client?: AthenaClient;
  clientConfig?: AthenaClientConfig;
  workgroup: string;
  database: string;
  /** Where Athena writes result files: `s3://bucket/prefix/`. */
  outputLocation: string;
  /** First wait between status checks (default 500 ms), growing x1.5 up to 5 s. */
  pollIntervalMs?: number;
  /** Encryption of query result files and of the result tables' objects; default SSE_S3. */
  encryption?: AthenaEncryption;
  /** The result tables' S3 location; without it the warehouse only reads (writes are refused). */
  results?: AthenaResultsOptions;
  /**
   * Applied to every statement, besides what the call passes: `progress` on each status check
   * (where a worker heartbeats, so a query longer than the heartbeat timeout does not look like a
   * dead worker), `signal` for cancellation when the call gives none (a cancelled activity stops
   * its query instead of leaving it running while a retry starts another).
   */
  everyQuery?: { progress?: QueryOptions['onProgress']; signal?: () => AbortSignal | undefined };
}

export interface AthenaQueryOptions extends QueryOptions {
  /** Idempotency token (32..128 characters): a retried start with the same token reuses the query. */
  clientRequestToken?: string;
}

/** Thrown when a query is cancelled through its AbortSignal (same name as the DuckDB one). */
export class AthenaQueryCancelledError extends Error {
  constructor(
    message: string,
    readonly queryId: string | undefined,
    options: { cause?: unknown } = {},
  ) {
    super(message, options);
    this.name = 'AbortError';
  }
}

/** What writing the result tables takes; present when the results option is given. */
interface ResultWriting {
  layout: ResultLayout;
  objects: S3ObjectStore;
  encoder: ParquetEncoder;
  writer: AthenaResultWriter;
}

interface Finished {
  statementType: string | undefined;
  /** What Athena bills the query for (Statistics.DataScannedInBytes). */
  bytesScanned?: number;
}

function scanned(finished: Pick<Finished, 'bytesScanned'>): Pick<QueryResult, 'bytesScanned'> {
  return finished.bytesScanned === undefined ? {} : { bytesScanned: finished.bytesScanned };
}

interface ResultPages {
  rows: Row[];
  columns: ColumnInfo[];
}

export class AthenaWarehouse implements Warehouse {
  readonly dialect = 'athena' as const;
  readonly sql: SqlDialect = athenaDialect;
  readonly workgroup: string;
  readonly database: string;
  readonly outputLocation: string;
  private readonly client: AthenaClient;
  private readonly ownsClient: boolean;
  private readonly pollIntervalMs: number;
  private readonly everyQuery: AthenaWarehouseOptions['everyQuery'];
  private readonly encryption: EncryptionConfiguration;
  private readonly results: ResultWriting | undefined;
  /**
   * Present only with the results option: a staged table's files live under its location. Without
   * them the analysis builds its rows from the sources instead (see staged-sources.ts).
   */
  readonly stage?: (selectSql: string, options?: StageOptions) => Promise<StagedTable>;
  readonly unstage?: (table: string) => Promise<void>;
  private lastStagedSweep = Number.NEGATIVE_INFINITY;

  constructor(options: AthenaWarehouseOptions) {
    if (!/^s3:\/\/[^/]+/.test(options.outputLocation)) {
      throw new NonRetryableError(`Athena output location ${JSON.stringify(options.outputLocation)} is not an s3:// URL`, 'INVALID_INPUT');
    }
    const encryption = options.encryption ?? { option: 'SSE_S3' };
    if (encryption.option === 'SSE_KMS' && encryption.kmsKey === '') {
      throw new NonRetryableError('Athena SSE_KMS encryption needs a KMS key', 'INVALID_INPUT');
    }
    this.workgroup = options.workgroup;
    this.database = options.database;
    this.outputLocation = options.outputLocation;
    this.pollIntervalMs = Math.max(1, options.pollIntervalMs ?? 500);
    this.everyQuery = options.everyQuery;
    this.encryption =
      encryption.option === 'SSE_KMS' ? { EncryptionOption: 'SSE_KMS', KmsKey: encryption.kmsKey } : { EncryptionOption: 'SSE_S3' };
    this.ownsClient = options.client === undefined;
    // The SDK's standard retry strategy retries throttling, 5xx and network errors with backoff.
    this.client = options.client ?? new AthenaClient({ maxAttempts: AWS_MAX_ATTEMPTS, ...options.clientConfig });
    this.results = options.results === undefined ? undefined : this.resultWriting(options.results, encryption);
    const results = this.results;
    if (results !== undefined) {
      this.stage = (selectSql, stageOptions) => this.stageRows(results, selectSql, stageOptions);
      this.unstage = (table) => this.unstageRows(results, table);
    }
  }

  /**
   * The rows UNLOADed as Parquet under the results location, then declared as an external table
   * over those files (a CTAS would do both, but may not name its location in a workgroup that
   * enforces its own settings, as Vigil's does, and then leaves files this call could not find).
   * Every statistic of the analysis then reads the converted columns instead of the sources: the
   * sources are read once per analysis.
   */
  private async stageRows(results: ResultWriting, selectSql: string, options: StageOptions = {}): Promise<StagedTable> {
    const columns = options.columns ?? [];
    const label = options.label ?? 'stage';
    if (columns.length === 0) throw new NonRetryableError(`Athena staging ${label} needs the staged columns' names and types`, 'INVALID_INPUT');
    const now = new Date();
    await this.sweepStagedTables(results, now);
    const table = stagedTableName(now);
    const prefix = results.layout.stagedTablePrefix(table);
    const { columns: _columns, ...queryOptions } = options;
    const select = `SELECT ${columns.map((column) => this.sql.ident(column.name)).join(', ')}\nFROM (\n${selectSql}\n) AS staged`;
    try {
      const unloaded = await this.execute(parquetUnloadSql(select, results.layout.url(prefix)), { ...queryOptions, label });
      await this.execute(createStagedTableSql(this.database, table, columns, results.layout.url(prefix)), { label: `ddl:${table}` });
      return { table, ...scanned(unloaded) };
    } catch (error) {
      // Whatever was made is removed; the error is what the caller sees.
      await this.unstageRows(results, table).catch(() => undefined);
      throw error;
    }
  }

  /**
   * Drops the staged tables older than their lifetime, found by their files (a name tells its
   * age). Best effort, at most hourly: a leftover costs storage, never a wrong answer, since every
   * analysis reads only the tables it staged. (A leftover of no rows has no files; its catalogue
   * entry stays, costing nothing.)
   */
  private async sweepStagedTables(results: ResultWriting, now: Date): Promise<void> {
    if (now.getTime() - this.lastStagedSweep < stagedTableSweepEveryMs) return;
    this.lastStagedSweep = now.getTime();
    try {
      const root = results.layout.stagedTablesRoot;
      const names = new Set((await results.objects.list(root)).map((object) => object.key.slice(root.length).split('/')[0] ?? ''));
      for (const name of names) {
        const madeAt = stagedTableTime(name);
        if (madeAt !== undefined && now.getTime() - madeAt.getTime() > stagedTableLifetimeMs) await this.unstageRows(results, name);
      }
    } catch {
      // The next sweep tries again; staging goes on.
    }
  }

  private async unstageRows(results: ResultWriting, table: string): Promise<void> {
    if (!isStagedTableName(table)) throw new NonRetryableError(`Athena unstage: ${JSON.stringify(table)} is not a staged table's name`, 'INVALID_INPUT');
    await this.execute(`DROP TABLE IF EXISTS \`${this.database}\`.\`${table}\``, { label: `unstage:${table}` });
    await results.objects.deletePrefix(results.layout.stagedTablePrefix(table));
  }

  private resultWriting(results: AthenaResultsOptions, encryption: AthenaEncryption): ResultWriting {
    const layout = new ResultLayout(results.location);
    const objects = new S3ObjectStore({
      bucket: layout.bucket,
      ...(results.client === undefined ? {} : { client: results.client }),
      ...(results.clientConfig === undefined ? {} : { clientConfig: results.clientConfig }),
      encryption: encryption.option === 'SSE_KMS' ? { type: 'SSE_KMS', kmsKeyId: encryption.kmsKey } : { type: 'SSE_S3' },
    });
    const encoder = new ParquetEncoder();
    const writer = new AthenaResultWriter({
      layout,
      objects,
      encoder,
      database: this.database,
      execute: (sql, options) => this.execute(sql, options),
    });
    return { layout, objects, encoder, writer };
  }

  async query(sql: string, options: AthenaQueryOptions = {}): Promise<QueryResult> {
    const { queryId, finished } = await this.run(sql, options);
    const { rows } = await this.readResults(queryId, options.label ?? 'query', finished);
    return { rows, queryId, ...scanned(finished) };
  }

  async execute(sql: string, options: AthenaQueryOptions = {}): Promise<QueryResult> {
    const { queryId, finished } = await this.run(sql, options);
    return { rows: [], queryId, ...scanned(finished) };
  }

  /** Column names from the metadata of an empty SELECT; undefined when Athena says the table is missing. */
  async describe(table: string): Promise<string[] | undefined> {
    const label = `describe:${table}`;
    try {
      const { queryId, finished } = await this.run(`SELECT * FROM ${this.sql.table(table)} LIMIT 0`, { label });
      const { columns } = await this.readResults(queryId, label, finished);
      return columns.map((column, i) => column.Name ?? `_col${i}`);
    } catch (error) {
      if (error instanceof NonRetryableError && error.code === 'NOT_FOUND') return undefined;
      throw error;
    }
  }

  /**
   * Creates the result tables (CREATE EXTERNAL TABLE IF NOT EXISTS) at the results location, and
   * the BI views over them (CREATE OR REPLACE VIEW: a newer Vigil updates them in place).
   */
  async ensureResultTables(views: BiViewOptions = {}): Promise<void> {
    const { layout } = this.writing('ensureResultTables');
    const statements = createResultTablesSql(this.sql, { database: this.database, location: layout.location });
    for (const [i, ddl] of statements.entries()) await this.execute(ddl, { label: `ddl:${resultTableNames[i] ?? i}` });
    for (const { view, sql } of createBiViewsSql(this.sql, resultTableNames, { ...views, database: this.database })) await this.execute(sql, { label: `ddl:${view}` });
  }

  /**
   * Writes the rows as one Parquet object named by the key in the rows' partition, after removing
   * the key's earlier objects (the whole partition's when the key is the partition).
   */
  async replaceRows(table: string, key: Row, rows: Row[]): Promise<void> {
    await this.writing(`replaceRows(${table})`).writer.replaceRows(table, key, rows);
  }

  /**
   * Empties the key's partition and UNLOADs the query's rows into it, so they never pass through
   * Node. The key must hold every partition column (see AthenaResultWriter for narrower keys).
   */
  async replaceFromQuery(table: string, key: Row, selectSql: string, options: QueryOptions = {}): Promise<QueryResult> {
    return this.writing(`replaceFromQuery(${table})`).writer.replaceFromQuery(table, key, selectSql, options);
  }

  /** One Parquet object per partition, named by a hash of its rows, so a retried append adds nothing. */
  async appendRows(table: string, rows: Row[]): Promise<void> {
    await this.writing(`appendRows(${table})`).writer.appendRows(table, rows);
  }

  async close(): Promise<void> {
    if (this.ownsClient) this.client.destroy();
    this.results?.objects.close();
    await this.results?.encoder.close();
  }

  private writing(what: string): ResultWriting {
    if (this.results === undefined) {
      throw new NonRetryableError(`AthenaWarehouse.${what} needs the results option (the s3:// location of the result tables)`, 'NOT_CONFIGURED');
    }
    return this.results;
  }

  private withDefaults(options: AthenaQueryOptions): AthenaQueryOptions {
    const every = this.everyQuery;
    if (every === undefined) return options;
    const signal = options.signal ?? every.signal?.();
    const progress = every.progress;
    const own = options.onProgress;
    return {
      ...options,
      ...(signal === undefined ? {} : { signal }),
      ...(progress === undefined
        ? {}
        : {
            onProgress: (detail) => {
              own?.(detail);
              progress(detail);
            },
          }),
    };
  }

  /** Starts the statement and waits for it to succeed; throws for FAILED, CANCELLED or abort. */
  private async run(sql: string, given: AthenaQueryOptions): Promise<{ queryId: string; finished: Finished }> {
    const options = this.withDefaults(given);
    const label = options.label ?? 'query';
    const token = options.clientRequestToken;
    if (token !== undefined && (token.length < 32 || token.length > 128)) {
      throw new NonRetryableError(`Athena query ${label}: client request token must have 32..128 characters`, 'INVALID_INPUT');
    }
    if (options.signal?.aborted === true) {
      throw new AthenaQueryCancelledError(`Athena query ${label} cancelled before it started`, undefined, { cause: options.signal.reason });
    }
    let queryId: string | undefined;
    try {
      const started = await this.client.send(
        new StartQueryExecutionCommand({
          QueryString: sql,
          QueryExecutionContext: { Database: this.database },
          WorkGroup: this.workgroup,
          ResultConfiguration: { OutputLocation: this.outputLocation, EncryptionConfiguration: this.encryption },
          ClientRequestToken: token,
        }),
      );
      queryId = started.QueryExecutionId;
    } catch (error) {
      throw classifyAwsError(error, `StartQueryExecution ${label} in workgroup ${this.workgroup}`);
    }
    if (queryId === undefined) throw new NonRetryableError(`StartQueryExecution ${label} returned no QueryExecutionId`, 'INVALID_RESULT');
    return { queryId, finished: await this.waitFor(queryId, label, options) };
  }

  private async waitFor(queryId: string, label: string, options: QueryOptions): Promise<Finished> {
    let delay = this.pollIntervalMs;
    for (;;) {
      if (aborted(options.signal)) return this.cancel(queryId, label, options.signal);
      let execution;
      try {
        execution = (await this.client.send(new GetQueryExecutionCommand({ QueryExecutionId: queryId }))).QueryExecution;
      } catch (error) {
        throw classifyAwsError(error, `GetQueryExecution ${label} (${queryId})`);
      }
      const state = execution?.Status?.State ?? 'QUEUED';
      options.onProgress?.({ label, state });
      if (state === 'SUCCEEDED') {
        const bytes = execution?.Statistics?.DataScannedInBytes;
        return { statementType: execution?.StatementType, ...(bytes === undefined ? {} : { bytesScanned: bytes }) };
      }
      if (state === 'FAILED' || state === 'CANCELLED') {
        throw queryFailureError(label, queryId, state, execution?.Status?.StateChangeReason, execution?.Status?.AthenaError);
      }
      try {
        await sleep(delay, undefined, { signal: options.signal });
      } catch (error) {
        if (aborted(options.signal)) return this.cancel(queryId, label, options.signal);
        throw error;
      }
      delay = Math.min(delay * pollBackoff, MAX_POLL_INTERVAL_MS);
    }
  }

  private async cancel(queryId: string, label: string, signal: AbortSignal): Promise<never> {
    try {
      await this.client.send(new StopQueryExecutionCommand({ QueryExecutionId: queryId }));
    } catch (error) {
      // The caller asked to stop waiting either way; say that Athena may still be running it.
      throw new AthenaQueryCancelledError(`Athena query ${label} (${queryId}) abandoned; StopQueryExecution failed`, queryId, {
        cause: classifyAwsError(error, `StopQueryExecution ${label} (${queryId})`),
      });
    }
    throw new AthenaQueryCancelledError(`Athena query ${label} (${queryId}) cancelled`, queryId, { cause: signal.reason });
  }

  private async readResults(queryId: string, label: string, finished: Finished): Promise<ResultPages> {
    const rows: Row[] = [];
    let columns: ColumnInfo[] = [];
    let nextToken: string | undefined;
    let first = true;
    do {
      let page;
      try {
        page = await this.client.send(new GetQueryResultsCommand({ QueryExecutionId: queryId, NextToken: nextToken, MaxResults: pageSize }));
      } catch (error) {
        throw classifyAwsError(error, `GetQueryResults ${label} (${queryId})`);
      }
      if (columns.length === 0) columns = page.ResultSet?.ResultSetMetadata?.ColumnInfo ?? [];
      let pageRows: AthenaRow[] = page.ResultSet?.Rows ?? [];
      // A SELECT's first row repeats the column names; DDL and utility statements have none.
      if (first && finished.statementType === 'DML' && isHeaderRow(pageRows[0], columns)) pageRows = pageRows.slice(1);
      rows.push(...decodeAthenaRows(pageRows, columns, label, rows.length));
      nextToken = page.NextToken;
      first = false;
    } while (nextToken !== undefined && nextToken !== '');
    return { rows, columns };
  }
}

// A function rather than an inline check, so TypeScript does not keep `aborted` narrowed across awaits.
function aborted(signal: AbortSignal | undefined): signal is AbortSignal {
  return signal?.aborted === true;
}
