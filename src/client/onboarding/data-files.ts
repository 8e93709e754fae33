// A user's data files (Parquet or CSV, one file or a glob) opened as DuckDB views for onboarding,
// with every problem said in one line naming the flag and the file.
import type { DuckDbWarehouse } from '../../adapters/local/duckdb/duckdb-warehouse.js';
import { fileScanSql } from '../../adapters/local/duckdb/warehouse-sources.js';
import { checkDataFile } from '../drift/file-checks.js';
import { fileSourceOf } from '../drift/file-comparison.js';

export interface DataColumn {
  name: string;
  /** DuckDB's type of the column (CSV columns are read as VARCHAR). */
  type: string;
}

export interface OpenedFile {
  /** The flag that named the file, for messages: "--baseline". */
  flag: string;
  path: string;
  view: string;
  columns: DataColumn[];
}

const globCharacters = /[*?[\]{}]/;

/**
 * Opens `path` as `view`. A glob must match at least one file; a single file gets `vigil drift`'s
 * checks (exists, not empty, UTF-8 CSV with a unique header and rows).
 */
export async function openDataFile(warehouse: DuckDbWarehouse, flag: string, path: string, view: string): Promise<OpenedFile> {
  if (globCharacters.test(path)) await checkGlob(warehouse, flag, path);
  else await checkDataFile(path, flag);
  const source = fileSourceOf(path);
  try {
    await warehouse.execute(`CREATE OR REPLACE VIEW ${view} AS SELECT * FROM ${fileScanSql(source)}`);
  } catch (error) {
    throw new Error(`${flag} ${path}: cannot be read as ${source.format} (${firstLine(error)})`);
  }
  const { rows } = await warehouse.query(`SELECT column_name, column_type FROM (DESCRIBE ${view})`);
  const columns = rows.map((row) => ({ name: String(row.column_name), type: String(row.column_type) }));
  const { rows: counted } = await warehouse.query(`SELECT count(*) AS n FROM ${view}`);
  if (Number(counted[0]?.n ?? 0) === 0) throw new Error(`${flag} ${path}: no rows`);
  return { flag, path, view, columns };
}

async function checkGlob(warehouse: DuckDbWarehouse, flag: string, pattern: string): Promise<void> {
  const { rows } = await warehouse.query(`SELECT count(*) AS n FROM glob(${warehouse.sql.string(pattern)})`);
  if (Number(rows[0]?.n ?? 0) === 0) throw new Error(`${flag} ${pattern}: no file matches`);
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
}

/** The file's column names. */
export function columnNames(file: OpenedFile): string[] {
  return file.columns.map((column) => column.name);
}
