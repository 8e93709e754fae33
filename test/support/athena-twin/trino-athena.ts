// Test infrastructure only: Athena's statements answered by Athena's engine. Every SELECT (and WITH)
// and every CREATE OR REPLACE VIEW runs on a real Trino; the twin keeps only what Athena adds to
// Trino, its catalogue and its UNLOAD:
//   - CREATE EXTERNAL TABLE (Hive DDL) and ALTER TABLE ... ADD PARTITION register a result table and
//     its partitions with the twin, which reads only registered partitions, as Athena reads Glue;
//   - UNLOAD runs on the twin (Trino has no UNLOAD); a table an analysis stages (UNLOAD, then CREATE
//     EXTERNAL TABLE over its files) is copied to Trino as it is declared, and dropped with it;
//   - before a statement runs on Trino, each result table whose rows changed (new objects in S3, a
//     new partition) is copied as one Parquet file under an external table of Trino's, with the
//     declared column types; the source tables are copied once, when the rig defines them.
// Counts say which engine answered what, so a test can show that the SELECTs reached Trino.
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { resultTables, type ResultTable } from '../../../src/domain/sql/tables.js';
import { type TrinoClient } from '../trino/client.js';
import { mirrorToTrino } from '../trino/parquet-tables.js';
import { type AthenaAnswer, type AthenaTwin } from './athena-twin.js';

/** The declared column types as Trino names them. */
const trinoType = { text: 'varchar', double: 'double', bigint: 'bigint', boolean: 'boolean' } as const;

export interface StatementCounts {
  /** SELECT, WITH and CREATE VIEW statements Trino ran. */
  trino: number;
  /** Statements only the twin answered, by their first words (UNLOAD, CREATE EXTERNAL TABLE, ALTER TABLE). */
  twinOnly: Record<string, number>;
}

export class TrinoAthena {
  readonly counts: StatementCounts = { trino: 0, twinOnly: {} };
  private readonly copied = new Map<ResultTable, number>();

  private constructor(
    readonly twin: AthenaTwin,
    private readonly trino: TrinoClient,
    private readonly dir: string,
    private readonly database: string,
  ) {}

  /** Trino's `hive` catalog gets a schema named as the Athena database, the sources copied into it. */
  static async open(twin: AthenaTwin, trino: TrinoClient, options: { dir: string; database: string; sources: readonly string[] }): Promise<TrinoAthena> {
    await mkdir(options.dir, { recursive: true });
    const session = await mirrorToTrino(twin.warehouse, trino, options.sources, { dir: join(options.dir, 'sources'), catalog: 'hive', schema: options.database });
    return new TrinoAthena(twin, session, options.dir, options.database);
  }

  async answer(sql: string): Promise<AthenaAnswer> {
    if (/^\s*(SELECT|WITH)\b/i.test(sql)) return this.onTrino(sql);
    if (/^\s*CREATE\s+(?:OR\s+REPLACE\s+)?VIEW\s/i.test(sql)) {
      // The twin keeps its views too: the training steps and the tests read the same catalogue there.
      await this.twin.answer(sql);
      return this.onTrino(sql);
    }
    const kind = (/^\s*(UNLOAD|CREATE\s+EXTERNAL\s+TABLE|ALTER\s+TABLE|DROP\s+TABLE)\b/i.exec(sql)?.[1] ?? sql.trim().split(/\s+/)[0] ?? '').replace(/\s+/g, ' ').toUpperCase();
    this.counts.twinOnly[kind] = (this.counts.twinOnly[kind] ?? 0) + 1;
    const answer = await this.twin.answer(sql);
    // A staged table (any table but the result tables) is read by the statistics, which run on Trino.
    const staged = /^\s*(?:CREATE\s+EXTERNAL\s+TABLE(?:\s+IF\s+NOT\s+EXISTS)?|DROP\s+TABLE(?:\s+IF\s+EXISTS)?)\s+(\S+)/i.exec(sql)?.[1]?.replace(/[`"]/g, '').split('.').pop();
    if (staged !== undefined && !(staged in resultTables)) {
      if (/^\s*DROP/i.test(sql)) await this.trino.query(`DROP TABLE IF EXISTS "${staged}"`);
      else await mirrorToTrino(this.twin.warehouse, this.trino, [staged], { dir: join(this.dir, 'staged'), catalog: 'hive', schema: this.database });
    }
    return answer;
  }

  private async onTrino(sql: string): Promise<AthenaAnswer> {
    await this.syncResultTables();
    const { columns, rows } = await this.trino.query(sql);
    this.counts.trino += 1;
    // Athena's ColumnInfo names Trino's types without their parameters (varchar, timestamp, decimal).
    return { columns: columns.map((column) => ({ Name: column.name, Type: column.type.replace(/\(.*$/, '') })), rows };
  }

  /** Copies each result table whose rows changed since its last copy (the twin knows which). */
  private async syncResultTables(): Promise<void> {
    await this.twin.refresh();
    for (const [table, version] of this.twin.resultVersions) {
      if (this.copied.get(table) === version) continue;
      const folder = join(this.dir, 'results', table);
      const existed = this.copied.has(table);
      await rm(folder, { recursive: true, force: true });
      await mkdir(folder, { recursive: true });
      // A new file name each time: nothing of Trino's may take the new rows for the old file's.
      await this.twin.warehouse.execute(`COPY (SELECT * FROM "main"."${table}") TO '${join(folder, `v${version}.parquet`)}' (FORMAT PARQUET)`);
      if (!existed) {
        const columns = resultTables[table].columns.map((column) => `"${column.name}" ${trinoType[column.type]}`);
        await this.trino.query(`DROP TABLE IF EXISTS "${table}"`);
        await this.trino.query(`CREATE TABLE "${table}" (${columns.join(', ')}) WITH (external_location = 'local://${folder}', format = 'PARQUET')`);
      }
      this.copied.set(table, version);
    }
  }

}
