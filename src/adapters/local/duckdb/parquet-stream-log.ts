// The stream log in local mode: each chunk is one Parquet file per day partition in the production
// log's folder (typed by the contract, times as zone-less UTC, as the monitoring reads it fastest) and one in the quarantine's,
// named by the chunk's key. A file is written beside its final name and renamed over it, so a
// reader never sees half a chunk and a chunk written again replaces its files.
import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBAppender, type DuckDBConnection } from '@duckdb/node-api';
import type { FeatureContract, FeatureType } from '../../../domain/contract/contract.js';
import { sequenceColumn, type LogRow, type QuarantineEntry } from '../../../domain/stream/judge-record.js';
import type { StreamChunk } from '../../../domain/stream/stream-batch.js';
import type { StreamLog } from '../../../ports/stream-log.js';
import { duckdbDialect } from '../../../domain/sql/dialect.js';

export interface ParquetStreamLogOptions {
  contract: FeatureContract;
  /** Folder of the production log's day partitions (date=YYYY-MM-DD/*.parquet). */
  productionDir: string;
  /** Folder of the stream quarantine's day partitions. */
  quarantineDir: string;
}

type ColumnType = 'VARCHAR' | 'TIMESTAMP' | 'DOUBLE' | 'BIGINT' | 'BOOLEAN' | 'INTEGER';

interface Column {
  name: string;
  type: ColumnType;
}

const featureColumnType: Record<FeatureType, ColumnType> = { int: 'BIGINT', float: 'DOUBLE', bool: 'BOOLEAN', category: 'VARCHAR' };
const quote = duckdbDialect.ident;

const quarantineColumns: Column[] = [
  { name: 'sequence', type: 'VARCHAR' },
  { name: 'record_id', type: 'VARCHAR' },
  { name: 'event_time', type: 'TIMESTAMP' },
  { name: 'reason', type: 'VARCHAR' },
  { name: 'raw_record', type: 'VARCHAR' },
  { name: 'feature_schema_version', type: 'INTEGER' },
  { name: 'contract_hash', type: 'VARCHAR' },
];

function productionColumns(contract: FeatureContract): Column[] {
  const c = contract.columns;
  return [
    { name: c.record_id, type: 'VARCHAR' },
    { name: c.event_time, type: 'TIMESTAMP' },
    ...contract.features.map((feature): Column => ({ name: feature.name, type: featureColumnType[feature.type] })),
    { name: c.prediction, type: 'DOUBLE' },
    { name: c.model_version, type: 'VARCHAR' },
    { name: 'feature_schema_version', type: 'INTEGER' },
    { name: 'contract_hash', type: 'VARCHAR' },
    { name: sequenceColumn, type: 'VARCHAR' },
  ];
}

function append(appender: DuckDBAppender, type: ColumnType, value: string | number | boolean | null | undefined): void {
  if (value === null || value === undefined) return appender.appendNull();
  switch (type) {
    case 'VARCHAR':
    case 'TIMESTAMP':
      // A time is appended as the ISO text the judge produced and converted while copying.
      return appender.appendVarchar(String(value));
    case 'DOUBLE':
      return appender.appendDouble(Number(value));
    case 'BIGINT':
      return appender.appendBigInt(BigInt(Number(value)));
    case 'INTEGER':
      return appender.appendInteger(Number(value));
    case 'BOOLEAN':
      return appender.appendBoolean(value === true);
  }
}

export class ParquetStreamLog implements StreamLog {
  private readonly production: Column[];
  private connection?: Promise<{ instance: DuckDBInstance; connection: DuckDBConnection }>;
  /** One chunk at a time: the tables are reused. */
  private queue: Promise<unknown> = Promise.resolve();
  private files = 0;

  constructor(private readonly options: ParquetStreamLogOptions) {
    this.production = productionColumns(options.contract);
  }

  private async open(): Promise<DuckDBConnection> {
    this.connection ??= (async () => {
      const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
      const connection = await instance.connect();
      // Times are written as zone-less UTC timestamps, as the monitoring reads them fastest.
      await connection.run(`SET TimeZone = 'UTC'`);
      return { instance, connection };
    })();
    return (await this.connection).connection;
  }

  writeChunk(chunk: StreamChunk): Promise<void> {
    const next = this.queue.then(() => this.write(chunk));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async write(chunk: StreamChunk): Promise<void> {
    for (const { date, rows } of chunk.quarantine) {
      await this.writeFile(quarantineColumns, rows, join(this.options.quarantineDir, `date=${date}`), chunk.key);
    }
    for (const { date, rows } of chunk.valid) {
      await this.writeFile(this.production, rows, join(this.options.productionDir, `date=${date}`), chunk.key);
    }
    // An earlier write of this chunk may have held days this one does not (a delivery cut shorter):
    // its files for them would hold records written again under a later chunk.
    await this.removeStale(this.options.quarantineDir, chunk.key, chunk.quarantine);
    await this.removeStale(this.options.productionDir, chunk.key, chunk.valid);
  }

  private async removeStale(dir: string, key: string, kept: readonly { date: string }[]): Promise<void> {
    const keep = new Set(kept.map(({ date }) => `date=${date}`));
    const folders = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [];
      throw error;
    });
    for (const folder of folders) {
      if (folder.startsWith('date=') && !keep.has(folder)) await rm(join(dir, folder, `${key}.parquet`), { force: true });
    }
  }

  private async writeFile(columns: readonly Column[], rows: readonly (LogRow | QuarantineEntry)[], dir: string, key: string): Promise<void> {
    const connection = await this.open();
    await connection.run(`CREATE OR REPLACE TEMP TABLE chunk (${columns.map((column) => `${quote(column.name)} ${column.type === 'TIMESTAMP' ? 'VARCHAR' : column.type}`).join(', ')})`);
    const appender = await connection.createAppender('chunk');
    for (const row of rows) {
      const values = row as unknown as Record<string, string | number | boolean | null | undefined>;
      for (const column of columns) append(appender, column.type, values[column.name]);
      appender.endRow();
    }
    appender.closeSync();
    await mkdir(dir, { recursive: true });
    this.files += 1;
    const path = join(dir, `${key}.parquet`);
    const temporary = `${path}.${process.pid}.${this.files}.tmp`;
    const select = columns.map((column) => (column.type === 'TIMESTAMP' ? `timezone('UTC', CAST(${quote(column.name)} AS TIMESTAMPTZ)) AS ${quote(column.name)}` : quote(column.name))).join(', ');
    try {
      await connection.run(`COPY (SELECT ${select} FROM chunk) TO ${duckdbDialect.string(temporary)} (FORMAT parquet)`);
      await rename(temporary, path);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
  }

  async close(): Promise<void> {
    await this.queue;
    const opened = await this.connection;
    opened?.connection.closeSync();
    opened?.instance.closeSync();
  }
}
