// Row counts of a window for the run record: how many rows it had, how many broke the contract,
// how many the sample kept, and where their predictions came from.
import { type Row } from './row.js';
import { countCell, singleRow } from './decode.js';
import { type BuiltQuery, type MonitoringQueryInput, checkInput, withCtes } from './query-input.js';
import { inSample, windowRowsCte } from './source-rows.js';
import { streamQuarantineInWindow } from './stream-quarantine.js';

export interface WindowSummary {
  /** Rows of the window in the production log (before sampling), and records the stream quarantined. */
  totalRows: number;
  /** Of those, rows that break the contract (quarantined here or by the stream). */
  invalidRows: number;
  /** Rows the sample kept (all when there is no sampling), valid or not. */
  sampledRows: number;
  sampledValidRows: number;
  /** Sampled valid rows with a prediction, and those whose prediction came from the scoring table. */
  predictionRows: number;
  scoredPredictionRows: number;
  /** Sampled valid rows with no prediction at all (to be scored). */
  missingPredictionRows: number;
  /** Distinct UTC days of the window that hold at least one row (valid or not). */
  coveredDays: number;
}

export function windowSummarySql(input: MonitoringQueryInput): BuiltQuery {
  const checked = checkInput(input);
  const id = checked.dialect.ident;
  const count = (condition: string): string => `coalesce(sum(CASE WHEN ${condition} THEN 1 ELSE 0 END), 0)`;
  const valid = id('is_valid');
  const stream = streamQuarantineInWindow(checked);
  // Records the stream refused are rows of the window too (never sampled: they have no features).
  const plusStream = stream === undefined ? '' : ` + (SELECT count(*) ${stream})`;
  // Every count from one read of window_source: window_rows is its sample, so the sampled counts
  // are those of rows the sample keeps (Trino would convert the window once per read).
  const sampled = inSample(checked);
  const inSampled = (condition: string): string => count(sampled === undefined ? condition : `${sampled} AND ${condition}`);
  const body = [
    `SELECT`,
    `  t.${id('total_rows')}${plusStream} AS ${id('total_rows')}, t.${id('invalid_rows')}${plusStream} AS ${id('invalid_rows')}, t.${id('covered_days')},`,
    `  t.${id('sampled_rows')}, t.${id('sampled_valid_rows')}, t.${id('prediction_rows')},`,
    `  t.${id('scored_prediction_rows')}, t.${id('missing_prediction_rows')}`,
    `FROM (`,
    `  SELECT count(*) AS ${id('total_rows')}, ${count(`NOT ${valid}`)} AS ${id('invalid_rows')},`,
    // Both engines cast a timestamp to its (UTC) date the same way.
    `    count(DISTINCT CAST(${id('event_time')} AS DATE)) AS ${id('covered_days')},`,
    `    ${sampled === undefined ? 'count(*)' : count(sampled)} AS ${id('sampled_rows')},`,
    `    ${inSampled(valid)} AS ${id('sampled_valid_rows')},`,
    `    ${inSampled(`${valid} AND ${id('prediction')} IS NOT NULL`)} AS ${id('prediction_rows')},`,
    `    ${inSampled(`${valid} AND ${id('prediction_from_scoring')}`)} AS ${id('scored_prediction_rows')},`,
    `    ${inSampled(`${valid} AND ${id('prediction')} IS NULL`)} AS ${id('missing_prediction_rows')}`,
    `  FROM window_source`,
    `) AS t`,
  ].join('\n');
  return { sql: withCtes([windowRowsCte(checked)], body), label: `summary:${checked.contract.model}` };
}

export function decodeWindowSummary(rows: readonly Row[]): WindowSummary {
  const label = 'summary';
  const row = singleRow(rows, label);
  const at = { label, index: 0 };
  return {
    totalRows: countCell(row, 'total_rows', at),
    invalidRows: countCell(row, 'invalid_rows', at),
    sampledRows: countCell(row, 'sampled_rows', at),
    sampledValidRows: countCell(row, 'sampled_valid_rows', at),
    predictionRows: countCell(row, 'prediction_rows', at),
    scoredPredictionRows: countCell(row, 'scored_prediction_rows', at),
    missingPredictionRows: countCell(row, 'missing_prediction_rows', at),
    coveredDays: countCell(row, 'covered_days', at),
  };
}
