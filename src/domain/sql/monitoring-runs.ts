// A model's latest monitoring runs, newest first, with their stored summaries: what the drift
// trigger decides on. Reads the monitoring_runs result table, whose instants are ISO-8601 UTC
// text, so comparing and ordering them as text is chronological in both engines.
import { decodeRunSummary, RunSummaryError, type RunSummary } from '../monitoring/run-summary.js';
import type { RunStatus } from '../monitoring/types.js';
import { RowDecodeError, decodeRows, nullableText, textCell } from './decode.js';
import { type SqlDialect } from './dialect.js';
import { type BuiltQuery } from './query-input.js';
import { type Row } from './row.js';
import { SqlBuildError, integerLiteral, isoUtc } from './sql-text.js';

export interface RecentRunsInput {
  model: string;
  /** Runs whose window ended at or before this instant. */
  until: string;
  /** How many runs, newest first. */
  limit: number;
  dialect: SqlDialect;
}

export interface RecentRun {
  windowEnd: string;
  status: RunStatus;
  summary: RunSummary;
}

export function recentRunsSql(input: RecentRunsInput): BuiltQuery {
  const d = input.dialect;
  const id = d.ident;
  if (!Number.isInteger(input.limit) || input.limit < 1) throw new SqlBuildError(`the number of recent runs must be a positive integer, got ${input.limit}`);
  const sql = [
    `SELECT ${id('window_end')}, ${id('status')}, ${id('summary')}`,
    `FROM ${d.table('monitoring_runs')}`,
    `WHERE ${id('model')} = ${d.string(input.model)} AND ${id('window_end')} <= ${d.string(isoUtc(input.until, 'until'))}`,
    `ORDER BY ${id('window_end')} DESC`,
    `LIMIT ${integerLiteral(input.limit)}`,
  ].join('\n');
  return { sql, label: `trigger:${input.model}` };
}

/** Rows of recentRunsSql; a summary that is missing, not JSON or off the schema names its row and field. */
export function decodeRecentRuns(rows: readonly Row[]): RecentRun[] {
  return decodeRows(rows, 'recent-runs', (row, at): RecentRun => {
    const windowEnd = textCell(row, 'window_end', at);
    const status = textCell(row, 'status', at) === 'no_data' ? 'no_data' : 'ok';
    const text = nullableText(row, 'summary', at);
    const where = `${at.label} row ${at.index} (window ending ${windowEnd}): column "summary"`;
    if (text === null) throw new RowDecodeError(`${where} is null`);
    try {
      return { windowEnd, status, summary: decodeRunSummary(text) };
    } catch (error) {
      if (error instanceof RunSummaryError) throw new RowDecodeError(`${where}: ${error.message}`);
      throw error;
    }
  });
}
