// What one monitoring window costs on Athena, from the bytes Trino (Athena's engine) read for each
// statement over the same Parquet files: Athena bills DataScannedInBytes, $5 per TB, rounded up to
// the megabyte with a 10 MB minimum a statement (AWS's Athena pricing page).
import { type TrinoClient } from '../test/support/trino/client.js';

const dollarsPerTerabyte = 5;
const minimumBilledBytes = 10 * 1e6;
const megabyte = 1e6;

/**
 * The statements of one window that read the sources: prepareWindow stages the window (over the
 * whole span the analysis reads), the analysis stages the baseline and the labels. (When
 * predictions were scored in between, the analysis stages the window again: one more.)
 */
export const stagingStatements: Readonly<Record<string, number>> = {
  'stage-window': 1,
  'stage-baseline': 1,
  'stage-labels': 1,
};

/**
 * The statements of one window over the staged tables: prepareWindow's quarantine, summary and
 * model versions, then the analysis's own summary, quality, distance, bin counts, categories,
 * performance and facets.
 */
export const stagedStatements: Readonly<Record<string, number>> = {
  quarantine: 1,
  summary: 2,
  'model-versions': 1,
  quality: 1,
  distance: 1,
  'bin-counts': 1,
  categories: 1,
  performance: 1,
  facets: 1,
};

/** A statement that reads every column of `table` once (checksum reads each value, of any type). */
export async function oneScanSql(trino: TrinoClient, table: string): Promise<string> {
  const { rows } = await trino.query(`SHOW COLUMNS FROM "${table}"`);
  const columns = rows.map((row) => String(row['Column']));
  if (columns.length === 0) throw new Error(`Trino shows no columns for ${table}`);
  return `SELECT ${columns.map((column) => `checksum("${column}")`).join(', ')} FROM "${table}"`;
}

const megabytes = (bytes: number): string => `${(bytes / megabyte).toFixed(1)} MB`;

/** Bytes read and billed by the statements `counts` names, each as often as it runs. */
function priced(bytesRead: ReadonlyMap<string, number>, counts: Readonly<Record<string, number>>): { statements: number; read: number; billed: number } {
  let read = 0;
  let billed = 0;
  let statements = 0;
  for (const [name, times] of Object.entries(counts)) {
    const bytes = bytesRead.get(name) ?? 0;
    statements += times;
    read += bytes * times;
    billed += Math.max(minimumBilledBytes, Math.ceil(bytes / megabyte) * megabyte) * times;
  }
  return { statements, read, billed };
}

/**
 * The bill of one window from the bytes each statement read (by name: the staging statements' and
 * the statements' over the staged tables) and the bytes of one scan of every source column; lines
 * to print. Statements not measured (a run with --only) are named instead.
 */
export function windowBill(bytesRead: ReadonlyMap<string, number>, oneScanBytes: number): { lines: string[]; billedBytes?: number } {
  const heading = 'Athena, one monitoring window (bytes read as Athena counts DataScannedInBytes; $5 per TB, 10 MB minimum a statement):';
  const missing = [...Object.keys(stagingStatements), ...Object.keys(stagedStatements)].filter((name) => !bytesRead.has(name));
  if (missing.length > 0) return { lines: [heading, `  not priced: no bytes measured for ${missing.join(', ')}`] };
  const staging = priced(bytesRead, stagingStatements);
  const staged = priced(bytesRead, stagedStatements);
  const billed = staging.billed + staged.billed;
  const dollars = (billed / 1e12) * dollarsPerTerabyte;
  return {
    billedBytes: billed,
    lines: [
      heading,
      `  ${staging.statements} staging statements read the sources: ${megabytes(staging.read)}, ${(staging.read / Math.max(oneScanBytes, 1)).toFixed(1)}x one scan of every column of the window, labels and baseline (${megabytes(oneScanBytes)})`,
      `  ${staged.statements} statements over the staged tables read ${megabytes(staged.read)}`,
      `  ${staging.statements + staged.statements} statements billed as ${megabytes(billed)}: $${dollars.toPrecision(3)} a window, $${(dollars * 365).toPrecision(3)} a model-year of daily windows`,
    ],
  };
}
