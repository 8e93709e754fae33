// Local input files as DuckDB views: the production log, delayed labels and baseline of a model,
// read in place (globs allowed). CSV is read as text throughout so a malformed value reaches the
// contract checks (and the quarantine) instead of failing the whole read or being guessed away.
import { type FeatureContract } from '../../../domain/contract/contract.js';
import { duckdbDialect } from '../../../domain/sql/dialect.js';

export interface FileSource {
  /** A file path or glob ("data/demand/log/*.parquet"). */
  path: string;
  format: 'parquet' | 'csv';
}

export interface FileSources {
  contract: FeatureContract;
  productionLog: FileSource;
  labels: FileSource;
  baseline: FileSource;
}

export function fileScanSql(source: FileSource): string {
  const path = duckdbDialect.string(source.path);
  return source.format === 'csv'
    ? `read_csv(${path}, header = true, all_varchar = true, union_by_name = true)`
    : `read_parquet(${path}, union_by_name = true)`;
}

export function sourceViewSql(view: string, source: FileSource): string {
  return `CREATE OR REPLACE VIEW ${duckdbDialect.table(view)} AS SELECT * FROM ${fileScanSql(source)}`;
}
