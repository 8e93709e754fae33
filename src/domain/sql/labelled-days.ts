// Labelled valid rows per UTC day of a window, with the labels known at a time: how far back a
// training window must reach for every weekday to have labels (the newest days have few yet).
import { type Row } from './row.js';
import { countCell, decodeRows, textCell } from './decode.js';
import { type BuiltQuery, type MonitoringQueryInput, checkInput, withCtes } from './query-input.js';
import { labelsAsOfCte, windowRowsCte } from './source-rows.js';

export interface LabelledDay {
  /** YYYY-MM-DD (UTC). */
  day: string;
  rows: number;
}

export function labelledDaysSql(input: MonitoringQueryInput & { asOf: string }): BuiltQuery {
  // Every row: a sample would make the count depend on the sample rate.
  const checked = checkInput({ ...input, sampleRate: 1 });
  const id = checked.dialect.ident;
  const day = `CAST(CAST(wr.${id('event_time')} AS DATE) AS VARCHAR)`;
  const body = [
    `SELECT ${day} AS ${id('day')}, count(*) AS ${id('labelled_rows')}`,
    `FROM window_rows AS wr`,
    `JOIN labels_as_of AS la ON la.${id('record_id')} = wr.${id('record_id')}`,
    `WHERE wr.${id('is_valid')}`,
    `GROUP BY ${day}`,
    `ORDER BY ${day}`,
  ].join('\n');
  return { sql: withCtes([windowRowsCte(checked), labelsAsOfCte(checked, input.asOf)], body), label: `labelled-days:${checked.contract.model}` };
}

export function decodeLabelledDays(rows: readonly Row[]): LabelledDay[] {
  return decodeRows(rows, 'labelled-days', (row, at) => ({ day: textCell(row, 'day', at), rows: countCell(row, 'labelled_rows', at) }));
}
