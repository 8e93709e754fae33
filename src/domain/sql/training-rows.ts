// Labelled rows for (re)training and holdout evaluation: the window's valid production rows, their
// features converted with defaults applied (contract order), joined with the labels known as of a
// time. Unlike the monitoring queries this returns rows, not aggregates; the local trainer reads
// them into Node (a SageMaker Pipeline reads the same rows from Athena in its own step).
import { type FeatureContract, type FeatureSpec } from '../contract/contract.js';
import { type FeatureValue } from '../model/coerce.js';
import { type Row } from './row.js';
import { type SqlDialect } from './dialect.js';
import { type CellSource, RowDecodeError, decodeRows, nullableNumber, nullableText, numberCell, textCell } from './decode.js';
import { type BuiltQuery, type MonitoringTables, checkInput, featureColumn as fc, withCtes } from './query-input.js';
import { labelsAsOfCte, windowRowsCte } from './source-rows.js';
import { SqlBuildError, normaliseWindow } from './sql-text.js';

export interface TrainingRowsInput {
  contract: FeatureContract;
  tables: MonitoringTables;
  /** [start, end): the training or the holdout window. */
  window: { start: string; end: string };
  /** Labels that arrived up to this instant are used. */
  asOf: string;
  dialect: SqlDialect;
  /**
   * A hash split of the holdout window: its rows whose record-id hash falls below `share` are the
   * holdout; `part` picks them ('holdout') or leaves them out of training ('training').
   */
  split?: { holdoutWindow: { start: string; end: string }; share: number; part: 'training' | 'holdout' };
  /**
   * Also the version that served each row and the prediction it logged (not one Vigil scored
   * later): a champion with no artifact at hand is judged by its own predictions.
   */
  withServing?: boolean;
}

export interface TrainingRow {
  recordId: string;
  /** Converted values, defaults applied, in contract order. */
  features: FeatureValue[];
  label: number;
  /** With `withServing`: the version that served the row and the prediction it logged. */
  served?: { version: string | null; prediction: number | null };
}

/**
 * Output columns: record_id, then each feature as f_{name} (the prefix keeps a feature called
 * "label" or "record_id" apart from the fixed columns), then label.
 */
export function trainingRowsSql(input: TrainingRowsInput): BuiltQuery {
  // Every row of the window: a sample would make the training set depend on the sample rate.
  const checked = checkInput({ contract: input.contract, tables: input.tables, window: input.window, dialect: input.dialect, sampleRate: 1 });
  const d = checked.dialect;
  const id = d.ident;
  const w = (name: string): string => `wr.${id(name)}`;
  const serving =
    input.withServing === true
      ? [`${w('model_version')} AS ${id('served_by')}`, `CASE WHEN ${w('prediction_from_scoring')} THEN NULL ELSE ${w('prediction')} END AS ${id('logged_prediction')}`]
      : [];
  const columns = [w('record_id'), ...checked.contract.features.map((f) => w(fc.value(f.name))), `la.${id('label')}`, ...serving];
  const body = [
    `SELECT`,
    columns.map((column) => `  ${column}`).join(',\n'),
    `FROM window_rows AS wr`,
    `JOIN labels_as_of AS la ON la.${id('record_id')} = ${w('record_id')}`,
    `WHERE ${w('is_valid')}${splitCondition(d, input.split)}`,
    // event_time breaks ties between duplicate record ids, so the row order never depends on a scan.
    `ORDER BY ${w('record_id')}, ${w('event_time')}`,
  ].join('\n');
  return {
    sql: withCtes([windowRowsCte(checked), labelsAsOfCte(checked, input.asOf)], body),
    label: `training-rows:${checked.contract.model}`,
  };
}

function splitCondition(d: SqlDialect, split: TrainingRowsInput['split']): string {
  if (split === undefined || split.share >= 1) return '';
  if (!(split.share > 0)) throw new SqlBuildError(`holdout share ${split.share} is not in (0, 1]`);
  const { start, end } = normaliseWindow(split.holdoutWindow);
  const time = `wr.${d.ident('event_time')}`;
  const held = `(${time} >= ${d.timestampLiteral(start)} AND ${time} < ${d.timestampLiteral(end)} AND wr.${d.ident('sample_u')} < ${d.double(split.share)})`;
  return split.part === 'holdout' ? ` AND ${held}` : ` AND NOT ${held}`;
}

function featureCell(row: Row, feature: FeatureSpec, at: CellSource): FeatureValue {
  const column = fc.value(feature.name);
  switch (feature.type) {
    case 'category':
      return nullableText(row, column, at);
    case 'bool': {
      if (!Object.hasOwn(row, column)) throw new RowDecodeError(`${at.label} row ${at.index}: column "${column}" is missing`);
      const value = row[column] ?? null;
      if (value !== null && typeof value !== 'boolean') {
        throw new RowDecodeError(`${at.label} row ${at.index}: column "${column}" should be a boolean or null, got ${typeof value} ${JSON.stringify(value)}`);
      }
      return value;
    }
    case 'int':
    case 'float':
      return nullableNumber(row, column, at);
  }
}

export function decodeTrainingRows(rows: readonly Row[], contract: FeatureContract): TrainingRow[] {
  return decodeRows(rows, 'training-rows', (row, at) => ({
    recordId: textCell(row, 'record_id', at),
    features: contract.features.map((feature) => featureCell(row, feature, at)),
    label: numberCell(row, 'label', at),
    ...(Object.hasOwn(row, 'served_by')
      ? { served: { version: nullableText(row, 'served_by', at), prediction: nullableNumber(row, 'logged_prediction', at) } }
      : {}),
  }));
}
