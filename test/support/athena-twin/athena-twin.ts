// Test infrastructure only: answers Athena statements on DuckDB over the same data, so a test can
// queue each query's real answer in moto (which stores queries but runs none). It keeps Athena's
// catalogue semantics where the adapters depend on them:
//   - CREATE EXTERNAL TABLE records a result table's S3 location; any other table (what an analysis
//     stages) becomes a view over the Parquet objects at its location, and DROP TABLE removes it;
//   - ALTER TABLE ... ADD PARTITION registers a partition: only registered partitions are read,
//     with partition values from the statement, as Athena reads them from Glue;
//   - CREATE OR REPLACE VIEW creates the view over the result tables (bound at creation);
//   - UNLOAD (select) TO 's3://...' runs the select and writes one Parquet file under the prefix;
//   - SELECT runs the Athena text itself through the Trino function macros, reading result tables
//     from the Parquet objects currently in (moto's) S3.
// Source tables are views over local files named as the config's Athena tables.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { DuckDbWarehouse } from '../../../src/adapters/local/duckdb/duckdb-warehouse.js';
import { resultTables, type ResultTable } from '../../../src/domain/sql/tables.js';
import type { Row } from '../../../src/domain/sql/row.js';
import { trinoFunctionMacros } from './trino-functions.js';

export interface AthenaAnswer {
  /** Athena column metadata, as GetQueryResults reports it. */
  columns: { Name: string; Type: string }[];
  rows: Row[];
}

interface Partition {
  values: Record<string, string>;
  location: string;
}

interface CatalogTable {
  location: string;
  partitions: Map<string, Partition>;
}

export interface AthenaTwinOptions {
  s3: S3Client;
  /** Local copies of the S3 objects the result tables read. */
  mirrorDir: string;
  /** The Athena database the statements run in (tables may be qualified with it). */
  database: string;
}

const unqualified = (name: string): string => name.replace(/[`"]/g, '').split('.').pop() ?? name;

function parseS3(uri: string): { bucket: string; prefix: string } {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
  if (match === null) throw new Error(`not an s3:// URI: ${uri}`);
  return { bucket: match[1] ?? '', prefix: match[2] ?? '' };
}

const duckType = { text: 'VARCHAR', double: 'DOUBLE', bigint: 'BIGINT', boolean: 'BOOLEAN' } as const;
const hiveToDuck: Readonly<Record<string, string>> = { string: 'VARCHAR', double: 'DOUBLE', bigint: 'BIGINT', boolean: 'BOOLEAN', timestamp: 'TIMESTAMP' };

export class AthenaTwin {
  private readonly catalog = new Map<string, CatalogTable>();
  private readonly etags = new Map<string, string>();
  private readonly bodies = new Map<string, string>();
  private unloads = 0;
  /** Per result table, a number that grows whenever its rows may have changed (for copies elsewhere). */
  readonly resultVersions = new Map<ResultTable, number>();

  private constructor(
    readonly warehouse: DuckDbWarehouse,
    private readonly options: AthenaTwinOptions,
  ) {}

  static async open(options: AthenaTwinOptions): Promise<AthenaTwin> {
    const warehouse = await DuckDbWarehouse.open();
    for (const macro of trinoFunctionMacros) await warehouse.execute(macro);
    await warehouse.execute(`CREATE SCHEMA IF NOT EXISTS "${options.database}"`);
    return new AthenaTwin(warehouse, options);
  }

  /** Makes `name` (and `database.name`) read from `sourceSql`, e.g. a view over local Parquet files. */
  async defineSource(name: string, selectSql: string): Promise<void> {
    await this.warehouse.execute(`CREATE OR REPLACE VIEW "main"."${name}" AS ${selectSql}`);
    await this.warehouse.execute(`CREATE OR REPLACE VIEW "${this.options.database}"."${name}" AS SELECT * FROM "main"."${name}"`);
  }

  /** What Athena would answer; DDL and UNLOAD answer no rows. Throws what Athena would fail with. */
  async answer(sql: string): Promise<AthenaAnswer> {
    const create = /^\s*CREATE\s+EXTERNAL\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?(\S+)[\s\S]*LOCATION\s+'([^']+)'/i.exec(sql);
    if (create !== null) {
      const name = unqualified(create[1] ?? '');
      if (!(name in resultTables)) {
        await this.defineStaged(name, sql, create[2] ?? '');
        return { columns: [], rows: [] };
      }
      if (!this.catalog.has(name)) this.catalog.set(name, { location: create[2] ?? '', partitions: new Map() });
      return { columns: [], rows: [] };
    }
    const drop = /^\s*DROP\s+TABLE\s+(?:IF\s+EXISTS\s+)?(\S+)\s*$/i.exec(sql);
    if (drop !== null) {
      const name = unqualified(drop[1] ?? '');
      if (name in resultTables) throw new Error(`the twin does not drop result tables (${name})`);
      for (const schema of ['main', this.options.database]) await this.warehouse.execute(`DROP VIEW IF EXISTS "${schema}"."${name}"`);
      return { columns: [], rows: [] };
    }
    const alter = /^\s*ALTER\s+TABLE\s+(\S+)\s+ADD\s+(?:IF\s+NOT\s+EXISTS\s+)?([\s\S]*)$/i.exec(sql);
    if (alter !== null) {
      this.addPartitions(unqualified(alter[1] ?? ''), alter[2] ?? '');
      return { columns: [], rows: [] };
    }
    if (/^\s*CREATE\s+(?:OR\s+REPLACE\s+)?VIEW\s/i.test(sql)) {
      // Athena binds a view when it is created: the tables it reads must exist.
      await this.refresh();
      await this.warehouse.execute(sql);
      return { columns: [], rows: [] };
    }
    const unload = /^\s*UNLOAD\s*\(([\s\S]*)\)\s*TO\s*'([^']+)'\s*WITH\s*\(([\s\S]*)\)\s*$/i.exec(sql);
    if (unload !== null) {
      await this.unload(unload[1] ?? '', unload[2] ?? '');
      return { columns: [], rows: [] };
    }
    await this.refresh();
    const { rows } = await this.warehouse.query(sql);
    // DESCRIBE names and types the columns even of an empty answer (describe() reads a LIMIT 0).
    const described = await this.warehouse.query(`DESCRIBE ${sql}`);
    const columns = described.rows.map((row) => ({ Name: String(row['column_name']), Type: athenaType(String(row['column_type'])) }));
    return { columns, rows };
  }

  async close(): Promise<void> {
    await this.warehouse.close();
  }

  private addPartitions(table: string, clauses: string): void {
    const entry = this.catalog.get(table);
    if (entry === undefined) throw new Error(`TABLE_NOT_FOUND: ${table} (ALTER TABLE before CREATE)`);
    for (const match of clauses.matchAll(/PARTITION\s*\(((?:[^)']|'(?:[^']|'')*')*)\)\s*LOCATION\s*'([^']+)'/gi)) {
      const values: Record<string, string> = {};
      for (const pair of (match[1] ?? '').matchAll(/`?(\w+)`?\s*=\s*'((?:[^']|'')*)'/g)) values[pair[1] ?? ''] = (pair[2] ?? '').replaceAll("''", "'");
      const location = match[2] ?? '';
      const key = JSON.stringify(values);
      if (!entry.partitions.has(key)) entry.partitions.set(key, { values, location });
    }
  }

  private async unload(select: string, target: string): Promise<void> {
    await this.refresh();
    const { bucket, prefix } = parseS3(target);
    const existing = await this.options.s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
    if ((existing.KeyCount ?? 0) > 0) throw new Error(`HIVE_PATH_ALREADY_EXISTS: UNLOAD target ${target} is not empty`);
    this.unloads += 1;
    const file = join(this.options.mirrorDir, 'unload', `${this.unloads}.parquet`);
    await mkdir(dirname(file), { recursive: true });
    await this.warehouse.execute(`COPY (${select}) TO '${file.replaceAll("'", "''")}' (FORMAT PARQUET)`);
    const key = `${prefix.replace(/\/?$/, '/')}${this.unloads.toString().padStart(5, '0')}_0.parquet`;
    await this.options.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: await readFile(file) }));
    await rm(file, { force: true });
  }

  /**
   * A table other than the result tables (one an analysis staged): a view over the Parquet objects
   * at its location as they are now, its columns cast to the declared types.
   */
  private async defineStaged(name: string, ddl: string, location: string): Promise<void> {
    const declared = /\(([\s\S]*)\)\s*STORED\s+AS\s+PARQUET/i.exec(ddl)?.[1] ?? '';
    const columns = [...declared.matchAll(/`(\w+)`\s+(\w+)/g)].map(([, column, type]) => {
      const duck = hiveToDuck[(type ?? '').toLowerCase()];
      if (duck === undefined) throw new Error(`staged table ${name}: no DuckDB type for ${type ?? ''}`);
      return `CAST("${column ?? ''}" AS ${duck}) AS "${column ?? ''}"`;
    });
    const { files } = await this.mirror(location);
    if (files.length === 0) throw new Error(`staged table ${name}: no files at ${location}`);
    const list = files.map((file) => `'${file.replaceAll("'", "''")}'`).join(', ');
    await this.warehouse.execute(`CREATE OR REPLACE VIEW "main"."${name}" AS SELECT ${columns.join(', ')} FROM read_parquet([${list}])`);
    await this.warehouse.execute(`CREATE OR REPLACE VIEW "${this.options.database}"."${name}" AS SELECT * FROM "main"."${name}"`);
  }

  /** Result tables as views over the Parquet objects of their registered partitions. */
  async refresh(): Promise<void> {
    for (const [name, entry] of this.catalog) {
      const spec = resultTables[name as ResultTable] as (typeof resultTables)[ResultTable] | undefined;
      if (spec === undefined) continue;
      const partitions = spec.partitionKeys.length === 0 ? [{ values: {}, location: entry.location }] : [...entry.partitions.values()];
      const selects: string[] = [];
      let fetched = false;
      for (const partition of partitions) {
        const { files, changed } = await this.mirror(partition.location);
        fetched ||= changed;
        if (files.length === 0) continue;
        const list = files.map((file) => `'${file.replaceAll("'", "''")}'`).join(', ');
        const columns = spec.columns.map((c) =>
          spec.partitionKeys.includes(c.name)
            ? `CAST('${(partition.values[c.name] ?? '').replaceAll("'", "''")}' AS VARCHAR) AS "${c.name}"`
            : `CAST("${c.name}" AS ${duckType[c.type]}) AS "${c.name}"`,
        );
        selects.push(`SELECT ${columns.join(', ')} FROM read_parquet([${list}], union_by_name = true)`);
      }
      const empty = `SELECT ${spec.columns.map((c) => `CAST(NULL AS ${duckType[c.type]}) AS "${c.name}"`).join(', ')} WHERE false`;
      const body = selects.length === 0 ? empty : selects.join('\nUNION ALL\n');
      if (fetched || this.bodies.get(name) !== body) this.resultVersions.set(name as ResultTable, (this.resultVersions.get(name as ResultTable) ?? 0) + 1);
      this.bodies.set(name, body);
      await this.warehouse.execute(`CREATE OR REPLACE VIEW "main"."${name}" AS ${body}`);
      await this.warehouse.execute(`CREATE OR REPLACE VIEW "${this.options.database}"."${name}" AS SELECT * FROM "main"."${name}"`);
    }
  }

  /** Downloads the objects under an S3 prefix that changed since the last look; returns local paths. */
  private async mirror(location: string): Promise<{ files: string[]; changed: boolean }> {
    const { bucket, prefix } = parseS3(location);
    const files: string[] = [];
    let changed = false;
    let token: string | undefined;
    do {
      const page = await this.options.s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix.replace(/\/?$/, '/'), ContinuationToken: token }));
      for (const object of page.Contents ?? []) {
        const key = object.Key ?? '';
        if (!key.endsWith('.parquet') && !/\/\d+_\d+(\.\w+)?$/.test(key)) continue;
        const local = join(this.options.mirrorDir, bucket, key);
        const tag = `${object.ETag ?? ''}:${String(object.LastModified?.getTime())}`;
        if (this.etags.get(local) !== tag) {
          const body = await this.options.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
          await mkdir(dirname(local), { recursive: true });
          await writeFile(local, await (body.Body?.transformToByteArray() ?? Promise.resolve(new Uint8Array())));
          this.etags.set(local, tag);
          changed = true;
        }
        files.push(local);
      }
      token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
    return { files, changed };
  }
}

/** Athena's name for a DuckDB column type (the adapter decodes every numeric type alike). */
function athenaType(duckdb: string): string {
  const type = duckdb.toUpperCase();
  if (type === 'BOOLEAN') return 'boolean';
  if (/^(DOUBLE|FLOAT|REAL|DECIMAL)/.test(type)) return 'double';
  if (/^(U?(TINY|SMALL|BIG|HUGE)?INT(EGER)?)$/.test(type)) return 'bigint';
  if (type.startsWith('TIMESTAMP')) return 'timestamp';
  return 'varchar';
}
