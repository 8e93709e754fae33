// The only query that returns rows rather than aggregates: valid sampled rows of the window that
// have no prediction (neither logged nor scored), with their features in contract order, one page
// at a time, so the scoring step can send them to the endpoint.
import { type FeatureContract } from '../contract/contract.js';
import { type Row } from './row.js';
import { RowDecodeError, decodeRows, nullableNumber, nullableText, textCell } from './decode.js';
import { type BuiltQuery, type MonitoringQueryInput, checkInput, featureColumn as fc, withCtes } from './query-input.js';
import { windowRowsCte } from './source-rows.js';
import { SqlBuildError } from './sql-text.js';

export type FeatureValue = number | string | boolean | null;

export interface RowToScore {
  recordId: string;
  /** Converted values, defaults applied, keyed by feature name in contract order. */
  features: Record<string, FeatureValue>;
}

export function rowsToScoreSql(input: MonitoringQueryInput, page: { limit: number; afterRecordId?: string }): BuiltQuery {
  const checked = checkInput(input);
  const d = checked.dialect;
  const id = d.ident;
  if (!Number.isSafeInteger(page.limit) || page.limit < 1) throw new SqlBuildError(`page limit ${page.limit} is not a positive integer`);
  const after = page.afterRecordId === undefined ? '' : ` AND ${id('record_id')} > ${d.string(page.afterRecordId)}`;
  const features = checked.contract.features.map((f) => `  ${id(fc.value(f.name))} AS ${id(f.name)}`);
  const body =
    `SELECT\n  ${id('record_id')},\n${features.join(',\n')}\nFROM window_rows\n` +
    `WHERE ${id('is_valid')} AND ${id('prediction')} IS NULL${after}\nORDER BY ${id('record_id')}\nLIMIT ${page.limit}`;
  return { sql: withCtes([windowRowsCte(checked)], body), label: `rows-to-score:${checked.contract.model}` };
}

export function decodeRowsToScore(rows: readonly Row[], contract: FeatureContract): RowToScore[] {
  return decodeRows(rows, 'rows-to-score', (row, at) => {
    const features: Record<string, FeatureValue> = {};
    for (const feature of contract.features) {
      if (feature.type === 'category') features[feature.name] = nullableText(row, feature.name, at);
      else if (feature.type === 'bool') {
        const value = row[feature.name];
        if (value !== null && typeof value !== 'boolean') {
          throw new RowDecodeError(`${at.label} row ${at.index}: column "${feature.name}" should be a boolean, got ${typeof value}`);
        }
        features[feature.name] = value ?? null;
      } else features[feature.name] = nullableNumber(row, feature.name, at);
    }
    return { recordId: textCell(row, 'record_id', at), features };
  });
}
