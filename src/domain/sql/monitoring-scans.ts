// The bytes each model's monitoring runs had the warehouse scan, per day the runs started: what
// monitoring costs on Athena. Reads monitoring_runs (the summary keeps each run's bytes scanned);
// started_at is ISO-8601 UTC text, so its first ten characters are the day in both engines.
import { decodeRunSummary, RunSummaryError } from '../monitoring/run-summary.js';
import { RowDecodeError, decodeRows, nullableText, textCell } from './decode.js';
import type { SqlDialect } from './dialect.js';
import type { BuiltQuery } from './query-input.js';
import type { Row } from './row.js';
import { SqlBuildError } from './sql-text.js';

export interface MonitoringScanDay {
  model: string;
  /** YYYY-MM-DD (UTC) the runs started. */
  day: string;
  runs: number;
  /** Summed over the runs that recorded it (runs recorded before it was kept add nothing). */
  bytesScanned: number;
}

const dayPattern = /^\d{4}-\d{2}-\d{2}$/;

/** Runs started on days in [start, end) (YYYY-MM-DD). */
export function monitoringScansSql(input: { start: string; end: string; dialect: SqlDialect }): BuiltQuery {
  for (const [name, day] of [['start', input.start], ['end', input.end]] as const) {
    if (!dayPattern.test(day)) throw new SqlBuildError(`the ${name} of a cost span is a day YYYY-MM-DD, got "${day}"`);
  }
  const d = input.dialect;
  const id = d.ident;
  const sql = [
    `SELECT ${id('model')}, ${id('started_at')}, ${id('summary')}`,
    `FROM ${d.table('monitoring_runs')}`,
    `WHERE ${id('started_at')} >= ${d.string(input.start)} AND ${id('started_at')} < ${d.string(input.end)}`,
  ].join('\n');
  return { sql, label: 'cost:monitoring-scans' };
}

/** Rows of monitoringScansSql summed per model and day, in day then model order. */
export function decodeMonitoringScans(rows: readonly Row[]): MonitoringScanDay[] {
  const runs = decodeRows(rows, 'monitoring-scans', (row, at) => {
    const model = textCell(row, 'model', at);
    const startedAt = textCell(row, 'started_at', at);
    const text = nullableText(row, 'summary', at);
    let bytes = 0;
    if (text !== null) {
      try {
        bytes = decodeRunSummary(text).bytesScanned ?? 0;
      } catch (error) {
        if (error instanceof RunSummaryError) throw new RowDecodeError(`${at.label} row ${at.index} (${model}, started ${startedAt}): column "summary": ${error.message}`);
        throw error;
      }
    }
    return { model, day: startedAt.slice(0, 10), bytes };
  });
  const byKey = new Map<string, MonitoringScanDay>();
  for (const run of runs) {
    const key = `${run.day}\n${run.model}`;
    const entry = byKey.get(key) ?? { model: run.model, day: run.day, runs: 0, bytesScanned: 0 };
    entry.runs += 1;
    entry.bytesScanned += run.bytes;
    byKey.set(key, entry);
  }
  return [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, entry]) => entry);
}
