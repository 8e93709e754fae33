// Rows of the window that break the contract (a type error, a missing value without default, no
// record id) go to the quarantine table with a reason naming the feature and the value, and the
// raw record as JSON text. All of the window's rows are checked, sampled or not.
import { type FeatureSpec } from '../contract/contract.js';
import { type Row } from './row.js';
import { type SqlDialect } from './dialect.js';
import { countCell, singleRow } from './decode.js';
import { type BuiltQuery, type CheckedInput, type MonitoringQueryInput, checkInput, featureColumn as fc, withCtes } from './query-input.js';
import { defaultLiteral, isStamped, rawSchemaVersion, readableVersionCondition, windowRowsCte } from './source-rows.js';
import { schemaVersionColumn } from '../contract/contract.js';
import { schemaVersionReason } from '../contract/validate-record.js';
import { isoUtc } from './sql-text.js';
import { tableColumns } from './tables.js';
import { streamQuarantineInWindow } from './stream-quarantine.js';

/** Longest raw value quoted in a reason; the whole value is in raw_record. */
const quotedValueLength = 100;

export interface QuarantineStatements {
  /** The key of this window's rows in the quarantine table (what a rerun replaces). */
  key: Row;
  /** SELECT of the rows, with the quarantine table's columns in its order. */
  select: BuiltQuery;
  /** DELETE of the window's earlier rows (engines with DELETE: DuckDB). */
  delete: BuiltQuery;
  /** INSERT ... SELECT of the rows; run after `delete`, or use Warehouse.replaceFromQuery(key, select). */
  insert: BuiltQuery;
}

const typeWords: Record<FeatureSpec['type'], string> = { float: 'a float', int: 'an int', bool: 'a bool', category: 'a category' };

function reasonExpression(d: SqlDialect, input: CheckedInput): string {
  const idMissing = d.string(`${input.contract.columns.record_id}: missing`);
  const parts = [`CASE WHEN ${d.ident('record_id')} IS NULL THEN ${idMissing} END`];
  if (isStamped(input, 'productionLog')) {
    // The same text as the record validator's (schemaVersionReason), around the quoted version.
    const [before, after] = schemaVersionReason(input.contract, '\u0000').split('\u0000') as [string, string];
    const version = d.ident(rawSchemaVersion);
    parts.push(
      `CASE WHEN NOT ${readableVersionCondition(d, input.contract, version)} THEN ${d.string(before)} || substr(${version}, 1, ${quotedValueLength}) || ${d.string(after)} END`,
    );
  }
  for (const feature of input.contract.features) {
    const raw = `substr(${d.ident(fc.raw(feature.name))}, 1, ${quotedValueLength})`;
    parts.push(
      `CASE WHEN ${d.ident(fc.typeError(feature.name))} THEN ` +
        `${d.string(`${feature.name}: "`)} || ${raw} || ${d.string(`" is not ${typeWords[feature.type]}`)} END`,
    );
    if (defaultLiteral(d, feature) === undefined) {
      parts.push(`CASE WHEN ${d.ident(fc.missing(feature.name))} THEN ${d.string(`${feature.name}: missing`)} END`);
    }
  }
  return `concat_ws('; ', ${parts.join(', ')})`;
}

function rawRecordExpression(d: SqlDialect, input: CheckedInput): string {
  const cols = input.contract.columns;
  const entries: [string, string][] = [
    [cols.record_id, d.ident('record_id')],
    [cols.event_time, d.ident('raw_event_time')],
    [cols.prediction, d.ident('raw_prediction')],
    [cols.model_version, d.ident('model_version')],
    ...(isStamped(input, 'productionLog') ? [[schemaVersionColumn, d.ident(rawSchemaVersion)] as [string, string]] : []),
    ...input.contract.features.map((f): [string, string] => [f.name, d.ident(fc.raw(f.name))]),
  ];
  return d.jsonObject(entries);
}

function windowKey(input: CheckedInput): Row {
  return { model: input.contract.model, window_start: input.window.start, window_end: input.window.end };
}

function keyCondition(d: SqlDialect, key: Row): string {
  return Object.entries(key)
    .map(([column, value]) => `${d.ident(column)} = ${d.string(String(value))}`)
    .join(' AND ');
}

export function quarantineSql(
  input: MonitoringQueryInput,
  options: { quarantinedAt: string; table?: string },
): QuarantineStatements {
  const checked = checkInput(input);
  const d = checked.dialect;
  const table = d.table(options.table ?? 'quarantine');
  const key = windowKey(checked);
  const values: Record<string, string> = {
    window_end: d.string(checked.window.end),
    record_id: d.ident('record_id'),
    reason: reasonExpression(d, checked),
    raw_record: rawRecordExpression(d, checked),
    quarantined_at: d.string(isoUtc(options.quarantinedAt, 'quarantined-at time')),
    model: d.string(checked.contract.model),
    window_start: d.string(checked.window.start),
  };
  const columns = tableColumns('quarantine').map((c) => c.name);
  const select = columns.map((c) => `  ${values[c] ?? 'NULL'} AS ${d.ident(c)}`).join(',\n');
  const stream = streamQuarantineInWindow(checked);
  // The stream's entries keep the reason and the record the stream gave them.
  const streamSelect = columns.map((c) => `  ${c === 'record_id' || c === 'reason' || c === 'raw_record' ? d.ident(c) : (values[c] ?? 'NULL')} AS ${d.ident(c)}`).join(',\n');
  const selectSql = withCtes(
    [windowRowsCte(checked)],
    stream === undefined
      ? `SELECT\n${select}\nFROM window_source\nWHERE NOT ${d.ident('is_valid')}\nORDER BY ${d.ident('record_id')}`
      : `SELECT * FROM (\nSELECT\n${select}\nFROM window_source\nWHERE NOT ${d.ident('is_valid')}\nUNION ALL\nSELECT\n${streamSelect}\n${stream}\n) AS quarantined_rows\nORDER BY ${d.ident('record_id')}`,
  );
  const label = `quarantine:${checked.contract.model}`;
  const columnList = columns.map((c) => d.ident(c)).join(', ');
  return {
    key,
    select: { sql: selectSql, label },
    delete: { sql: `DELETE FROM ${table} WHERE ${keyCondition(d, key)}`, label: `${label}:delete` },
    insert: {
      sql: `INSERT INTO ${table} (${columnList})\nSELECT ${columnList} FROM (\n${selectSql}\n) AS quarantined`,
      label: `${label}:insert`,
    },
  };
}

/** Rows the quarantine table holds for the window. */
export function quarantineCountSql(input: MonitoringQueryInput, table = 'quarantine'): BuiltQuery {
  const checked = checkInput(input);
  const d = checked.dialect;
  return {
    sql: `SELECT count(*) AS ${d.ident('quarantined_rows')} FROM ${d.table(table)} WHERE ${keyCondition(d, windowKey(checked))}`,
    label: `quarantine-count:${checked.contract.model}`,
  };
}

export function decodeQuarantineCount(rows: readonly Row[]): number {
  const label = 'quarantine-count';
  return countCell(singleRow(rows, label), 'quarantined_rows', { label, index: 0 });
}
