// The rows a pipeline execution trains and evaluates on. Vigil selects them itself, with the builder
// the local pipeline uses (same windows, labels as of, hash split), and Athena UNLOADs them as
// Parquet to the execution's LabelledRowsUri, so the pipeline's steps select nothing and the two
// modes train on the same rows. One row set for both steps, told apart by the `part` column.
import type { FeatureContract } from '../../../../domain/contract/contract.js';
import type { SqlDialect } from '../../../../domain/sql/dialect.js';
import type { BuiltQuery, MonitoringTables } from '../../../../domain/sql/query-input.js';
import { stringLiteral } from '../../../../domain/sql/sql-text.js';
import { trainingRowsSql, type TrainingRowsInput } from '../../../../domain/sql/training-rows.js';
import type { TrainingRequest } from '../../../../ports/training-pipeline.js';
import { PART_COLUMN } from '../../../shared/pipeline-inputs.js';
import { parquetUnloadSql } from '../../athena/result-layout.js';

export interface LabelledRowsExport {
  contract: FeatureContract;
  tables: MonitoringTables;
  request: TrainingRequest;
  dialect: SqlDialect;
  /** `s3://bucket/prefix/`: must hold no objects when the statement runs (UNLOAD refuses otherwise). */
  target: string;
}

/**
 * UNLOAD of the request's labelled rows: record_id, f_<feature> in contract order, label (as
 * trainingRowsSql returns them) and part. A row is in one part only: the training window's rows
 * less the hashed holdout share, and the holdout window's held-out rows.
 */
export function labelledRowsUnloadSql(input: LabelledRowsExport): BuiltQuery {
  const { contract, tables, request, dialect } = input;
  const share = request.holdoutShare ?? 1;
  const part = (name: 'training' | 'holdout', window: { start: string; end: string }): string => {
    const split: TrainingRowsInput['split'] = share >= 1 ? undefined : { holdoutWindow: request.holdoutWindow, share, part: name };
    const built = trainingRowsSql({ contract, tables, window, asOf: request.asOf, dialect, ...(split === undefined ? {} : { split }) });
    return `SELECT ${name}_rows.*, ${stringLiteral(name)} AS ${dialect.ident(PART_COLUMN)}\nFROM (\n${built.sql}\n) AS ${name}_rows`;
  };
  const select = [part('training', request.trainingWindow), 'UNION ALL', part('holdout', request.holdoutWindow)].join('\n');
  return {
    sql: parquetUnloadSql(select, input.target),
    label: `unload:labelled-rows:${contract.model}`,
  };
}
