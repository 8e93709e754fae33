// Test infrastructure only: the same rows in both engines. DuckDB writes each table as a Parquet
// file, and Trino's Hive catalog gets an external table over its folder: the way Athena reads the
// production log, labels and baseline from S3.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type DuckDbWarehouse } from '../../../src/adapters/local/duckdb/duckdb-warehouse.js';
import { type TrinoClient } from './client.js';

/** DuckDB's column types as the Hive connector names them; the tests' tables use only these. */
const trinoTypes: Readonly<Record<string, string>> = {
  VARCHAR: 'varchar',
  DOUBLE: 'double',
  BIGINT: 'bigint',
  INTEGER: 'integer',
  BOOLEAN: 'boolean',
  // Athena's tables name it so too; the Hive connector reads it at millisecond precision.
  TIMESTAMP: 'timestamp',
  // Hive tables (Athena's too) have no zoned timestamps: Parquet's UTC instants read as UTC.
  'TIMESTAMP WITH TIME ZONE': 'timestamp',
  DATE: 'date',
};

/**
 * Copies DuckDB's `tables` into `dir` as Parquet and creates them in Trino's `catalog.schema` as
 * external tables (dropped first, so a rerun replaces them). Returns a client defaulting to that schema.
 */
export async function mirrorToTrino(
  duck: DuckDbWarehouse,
  trino: TrinoClient,
  tables: readonly string[],
  target: { dir: string; catalog: string; schema: string },
): Promise<TrinoClient> {
  const { catalog, schema } = target;
  await trino.query(`CREATE SCHEMA IF NOT EXISTS ${catalog}.${schema}`);
  for (const table of tables) {
    const folder = join(target.dir, table);
    await mkdir(folder, { recursive: true });
    await duck.execute(`COPY (SELECT * FROM "${table}") TO '${join(folder, 'data.parquet')}' (FORMAT PARQUET)`);
    const { rows } = await duck.query(
      `SELECT column_name, data_type FROM information_schema.columns WHERE table_name = '${table}' AND table_schema = current_schema() ORDER BY ordinal_position`,
    );
    const columns = rows.map((row) => {
      const type = trinoTypes[String(row['data_type'])];
      if (type === undefined) throw new Error(`${table}.${String(row['column_name'])}: no Trino type for DuckDB's ${String(row['data_type'])}`);
      return `"${String(row['column_name'])}" ${type}`;
    });
    // local:// is the native local file system's scheme; a file:// location reads as empty.
    await trino.query(`DROP TABLE IF EXISTS ${catalog}.${schema}."${table}"`);
    await trino.query(
      `CREATE TABLE ${catalog}.${schema}."${table}" (${columns.join(', ')}) WITH (external_location = 'local://${folder}', format = 'PARQUET')`,
    );
  }
  return trino.withSession({ catalog, schema });
}
