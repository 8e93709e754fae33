// The worker's part of reading the rows: the warehouse writes the labelled rows of a window straight
// to a Parquet file (DuckDB COPY), so they never pass through the worker's heap; the training
// process reads the file. The query is the one training always used, so the rows and their order
// are the same (an ORDER BY query keeps its order in COPY, whatever preserve_insertion_order says).
import { type FeatureContract } from '../../../domain/contract/contract.js';
import { NonRetryableError } from '../../../domain/errors.js';
import { dialectFor } from '../../../domain/sql/dialect.js';
import { type MonitoringTables } from '../../../domain/sql/query-input.js';
import { trainingRowsSql, type TrainingRowsInput } from '../../../domain/sql/training-rows.js';
import type { Warehouse } from '../../../ports/warehouse.js';

export interface RowsExport {
  contract: FeatureContract;
  tables: MonitoringTables;
  window: { start: string; end: string };
  asOf: string;
  split?: TrainingRowsInput['split'];
  /** Also the serving version and logged prediction of each row (the holdout's champion basis). */
  withServing?: boolean;
}

export async function exportTrainingRows(warehouse: Warehouse, rows: RowsExport, path: string, signal?: AbortSignal): Promise<void> {
  if (warehouse.dialect !== 'duckdb') {
    throw new NonRetryableError(`the local training pipeline exports rows with DuckDB's COPY; the warehouse is ${warehouse.dialect}`, 'INVALID_INPUT');
  }
  const dialect = dialectFor(warehouse.dialect);
  const built = trainingRowsSql({ ...rows, withServing: rows.withServing ?? false, dialect });
  await warehouse.execute(`COPY (\n${built.sql}\n) TO ${dialect.string(path)} (FORMAT parquet)`, {
    label: built.label,
    ...(signal === undefined ? {} : { signal }),
  });
}
