// Writes of the Athena result tables. Hive tables have no DELETE, so rows become Parquet objects in
// the table's partition folders, named so that a rerun overwrites or removes exactly its key's
// objects (see athena-result-layout.ts); each partition is then registered with the table, once
// per process. Nothing here is atomic: a step that fails midway is completed by its retry.
import { randomUUID } from 'node:crypto';
import { posix } from 'node:path';
import type { TableSpec } from '../../../domain/sql/tables.js';
import type { StoredObject } from '../../../ports/object-store.js';
import type { Row } from '../../../domain/sql/row.js';
import type { QueryOptions, QueryResult } from '../../../ports/warehouse.js';
import {
  type PartitionValues,
  type ResultLayout,
  addPartitionSql,
  appendObjectName,
  checkKey,
  dataColumns,
  isWholePartition,
  keyObjectStem,
  keyPartition,
  partitionPath,
  replacePartition,
  resultTableSpec,
  rowPartition,
  unloadSql,
} from './result-layout.js';
import { checkResultRows } from './result-rows.js';
import type { ParquetEncoder } from './parquet-encoder.js';
import type { S3ObjectStore } from '../s3/s3-object-store.js';

/** The S3 calls the writer makes. */
export type ResultObjects = Pick<S3ObjectStore, 'put' | 'list' | 'deleteKeys' | 'deletePrefix' | 'copy'>;

export interface AthenaResultWriterOptions {
  layout: ResultLayout;
  objects: ResultObjects;
  encoder: Pick<ParquetEncoder, 'encode'>;
  database: string;
  /** Runs a statement through Athena for its effect. */
  execute: (sql: string, options: QueryOptions) => Promise<QueryResult>;
}

const parquetContentType = 'application/vnd.apache.parquet';

export class AthenaResultWriter {
  /** Partition prefixes already registered by this process. */
  private readonly registered = new Set<string>();

  constructor(private readonly options: AthenaResultWriterOptions) {}

  async replaceRows(table: string, key: Row, rows: readonly Row[]): Promise<void> {
    const spec = resultTableSpec(table);
    checkKey(spec, key);
    checkResultRows(spec, key, rows);
    const { layout, objects } = this.options;
    const stem = keyObjectStem(key);
    const what = `replace of ${table} ${JSON.stringify(key)}`;
    const partition = replacePartition(spec, key, rows);
    if (partition === undefined) {
      // An empty replace whose key leaves the partition open: the key's objects may be in any.
      const all = await objects.list(layout.tablePrefix(table));
      await objects.deleteKeys(keysOf(all).filter((name) => posix.basename(name).startsWith(stem)), what);
      return;
    }
    const prefix = layout.partitionPrefix(table, partition);
    const target = `${prefix}${stem}.parquet`;
    // The target itself is overwritten by the put, so a rerun never leaves the key without rows.
    const stale = keysOf(await objects.list(isWholePartition(spec, key) ? prefix : `${prefix}${stem}`));
    await objects.deleteKeys(rows.length === 0 ? stale : stale.filter((name) => name !== target), what);
    if (rows.length === 0) return;
    await objects.put(target, await this.encode(spec, rows), parquetContentType);
    await this.register(spec, partition);
  }

  async replaceFromQuery(table: string, key: Row, selectSql: string, options: QueryOptions = {}): Promise<QueryResult> {
    const spec = resultTableSpec(table);
    checkKey(spec, key);
    const partition = keyPartition(spec, key);
    const { layout, objects, execute } = this.options;
    const prefix = layout.partitionPrefix(table, partition);
    const what = `replace of ${table} ${JSON.stringify(key)}`;
    const run = (target: string): Promise<QueryResult> =>
      execute(unloadSql(spec, selectSql, key, layout.url(target)), { ...options, label: options.label ?? `unload:${table}` });
    // UNLOAD writes to a folder of its own call, then its files move in under the key. Athena runs
    // a query to its end whoever waits for it, so an UNLOAD of an earlier attempt whose worker died
    // may still be writing: into its own folder, never into this call's (UNLOAD refuses a target
    // that holds objects) nor into the table (where its rows would count twice). What earlier
    // attempts left under the key's staging folder is deleted first.
    const stem = keyObjectStem(key);
    const keyStaging = layout.stagingPrefix(table, stem);
    await objects.deletePrefix(keyStaging);
    const staging = `${keyStaging}${randomUUID()}/`;
    const result = await run(staging);
    const unloaded = keysOf(await objects.list(staging));
    // A whole partition is the key's alone; a narrower key shares its partition with other keys'
    // rows, so only its own objects (named by its stem) are replaced.
    const whole = isWholePartition(spec, key);
    await objects.deletePrefix(whole ? prefix : `${prefix}${stem}`);
    for (const name of unloaded) await objects.copy(name, whole ? `${prefix}${posix.basename(name)}` : `${prefix}${stem}-${posix.basename(name)}`);
    await objects.deleteKeys(unloaded, what);
    await this.register(spec, partition);
    return result;
  }

  async appendRows(table: string, rows: readonly Row[]): Promise<void> {
    if (rows.length === 0) return;
    const spec = resultTableSpec(table);
    checkResultRows(spec, {}, rows);
    const groups = new Map<string, { partition: PartitionValues; rows: Row[] }>();
    rows.forEach((row, index) => {
      const partition = rowPartition(spec, row, index);
      const path = partitionPath(partition);
      const group = groups.get(path) ?? { partition, rows: [] };
      group.rows.push(row);
      groups.set(path, group);
    });
    const { layout, objects } = this.options;
    for (const group of groups.values()) {
      const name = `${layout.partitionPrefix(table, group.partition)}${appendObjectName(spec, group.rows)}`;
      await objects.put(name, await this.encode(spec, group.rows), parquetContentType);
      await this.register(spec, group.partition);
    }
  }

  private encode(spec: TableSpec, rows: readonly Row[]): Promise<Uint8Array> {
    const columns = dataColumns(spec);
    return this.options.encoder.encode(
      columns,
      rows.map((row) => columns.map((column) => row[column.name] ?? null)),
      spec.name,
    );
  }

  private async register(spec: TableSpec, partition: PartitionValues): Promise<void> {
    if (partition.length === 0) return;
    const { layout, database, execute } = this.options;
    const prefix = layout.partitionPrefix(spec.name, partition);
    if (this.registered.has(prefix)) return;
    await execute(addPartitionSql(database, spec.name, partition, layout.url(prefix)), { label: `partition:${spec.name}` });
    this.registered.add(prefix);
  }
}

function keysOf(objects: readonly StoredObject[]): string[] {
  return objects.map((object) => object.key);
}
