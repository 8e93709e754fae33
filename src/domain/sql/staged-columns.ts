// The columns of the staged tables, named once: staging.ts writes them and source-rows.ts reads
// them back, so both sides list the same columns in the same order.
import { type FeatureContract, type FeatureSpec } from '../contract/contract.js';
import { type SqlDialect } from './dialect.js';
import { featureColumn as fc } from './query-input.js';
import { assertIdentifier } from './sql-text.js';

/** The raw text of a row's stamped contract version (a column of the *_raw CTEs of stamped sources). */
export const rawSchemaVersion = 'raw_schema_version';

/** A staged column's type, for engines that declare a table's columns before its files (Athena). */
export type StagedType = 'text' | 'double' | 'boolean' | 'timestamp';

/**
 * A staged column: `time` holds a parsed timestamp (stored as the engine can keep it), `raw` a
 * source text kept for quarantined rows only (the only ones that quote it), `plain` anything else.
 */
export interface StagedColumn {
  name: string;
  kind: 'time' | 'raw' | 'plain';
  type: StagedType;
}

const plain = (name: string, type: StagedType): StagedColumn => ({ name, kind: 'plain', type });
const raw = (name: string): StagedColumn => ({ name, kind: 'raw', type: 'text' });
const time = (name: string): StagedColumn => ({ name, kind: 'time', type: 'timestamp' });

/** The type of a feature's converted value (ints are compared as doubles, as the statistics read them). */
function valueType(feature: FeatureSpec): StagedType {
  switch (feature.type) {
    case 'float':
    case 'int':
      return 'double';
    case 'bool':
      return 'boolean';
    case 'category':
      return 'text';
  }
}

/** window_source's columns as staged; sample_u only where the input samples, since window_rows alone reads it. */
export function stagedWindowColumns(contract: FeatureContract, options: { stamped: boolean; sampled: boolean }): StagedColumn[] {
  return [
    plain('record_id', 'text'),
    time('event_time'),
    raw('raw_event_time'),
    raw('raw_prediction'),
    ...(options.stamped ? [raw(rawSchemaVersion)] : []),
    plain('model_version', 'text'),
    plain('prediction', 'double'),
    plain('prediction_from_scoring', 'boolean'),
    ...contract.features.flatMap((f) => [
      raw(fc.raw(f.name)),
      plain(fc.missing(f.name), 'boolean'),
      plain(fc.typeError(f.name), 'boolean'),
      plain(fc.value(f.name), valueType(f)),
    ]),
    plain('is_valid', 'boolean'),
    ...(options.sampled ? [plain('sample_u', 'double')] : []),
  ];
}

/** baseline_rows' columns as staged: what the statistics read of it. */
export function stagedBaselineColumns(contract: FeatureContract): StagedColumn[] {
  return [time('event_time'), plain('prediction', 'double'), plain('label', 'double'), ...contract.features.map((f) => plain(fc.value(f.name), valueType(f)))];
}

/** labels_as_of's columns: one label per record. */
export const stagedLabelColumns: readonly StagedColumn[] = [plain('record_id', 'text'), plain('label', 'double')];

/** The select list that reads a staged table's columns back as the CTE they were staged from had them. */
export function readStagedColumns(d: SqlDialect, columns: readonly StagedColumn[]): string {
  return columns.map((column) => (column.kind === 'time' ? `${d.readStoredTimestamp(d.ident(column.name))} AS ${d.ident(column.name)}` : d.ident(column.name))).join(', ');
}

const hiveTypes: Record<StagedType, string> = { text: 'string', double: 'double', boolean: 'boolean', timestamp: 'timestamp' };

/**
 * Athena's DDL of a staged table over the Parquet files an UNLOAD of its rows wrote at `location`:
 * an external table whose columns, read by name, have the types the staging query gives them.
 */
export function createStagedTableSql(database: string, table: string, columns: readonly Pick<StagedColumn, 'name' | 'type'>[], location: string): string {
  const name = (part: string): string => `\`${assertIdentifier(part, 'staged table')}\``;
  const list = columns.map((column) => `  \`${assertIdentifier(column.name, 'staged column')}\` ${hiveTypes[column.type]}`).join(',\n');
  return `CREATE EXTERNAL TABLE ${name(database)}.${name(table)} (\n${list}\n)\nSTORED AS PARQUET\nLOCATION '${location.replaceAll("'", "''")}'`;
}
