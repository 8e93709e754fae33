// The "scan floor" of a window: the least any analysis of it can cost on this machine, one DuckDB
// pass that reads every column of the window's production log, its labels and the baseline, and
// converts the log's text features to their contract types, reducing each column to one figure so
// nothing is materialised. Vigil's window analysis reads the same files and does the same
// conversion, plus the statistics; its wall time over this floor says how much the statistics and
// the queries' structure add on top of reading the data.
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { FeatureContractJson } from '../src/domain/contract/contract.js';
import { dataFiles } from './generate-data.js';

export interface ScanFloorOptions {
  dir: string;
  rows: number;
  contract: FeatureContractJson;
  threads: number;
  /** Passes to time; the floor is the fastest, the others absorb noise from the rest of the machine. */
  repeats: number;
}

type Feature = FeatureContractJson['features'][number];

const sqlString = (text: string): string => `'${text.replaceAll("'", "''")}'`;
const ident = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/** One figure per feature: a category is counted, a number summed (after the conversion, if `fromText`). */
function featureAggregate(feature: Feature, fromText: boolean): string {
  const column = ident(feature.name);
  if (feature.type === 'category') return `count(DISTINCT ${column})`;
  if (!fromText) return `sum(${column})`;
  return `sum(TRY_CAST(${column} AS ${feature.type === 'int' ? 'BIGINT' : 'DOUBLE'}))`;
}

/** The three queries of one pass, every column of each file read once. */
function scanQueries(options: ScanFloorOptions): string[] {
  const files = dataFiles(options.dir, options.rows);
  const features = options.contract.features;
  const log = [
    ...features.map((f) => featureAggregate(f, true)),
    'count(record_id)', 'min(event_time)', 'sum(prediction)', 'count(DISTINCT model_version)',
  ];
  const baseline = [...features.map((f) => featureAggregate(f, false)), 'sum(prediction)', 'sum(label)', 'min(event_time)'];
  return [
    `SELECT ${log.join(', ')} FROM read_parquet(${sqlString(files.productionLog)})`,
    `SELECT count(record_id), sum(label), max(label_time) FROM read_parquet(${sqlString(files.labels)})`,
    `SELECT ${baseline.join(', ')} FROM read_parquet(${sqlString(files.baseline)})`,
  ];
}

async function timePass(connection: DuckDBConnection, queries: readonly string[]): Promise<number> {
  const started = performance.now();
  for (const sql of queries) await connection.runAndReadAll(sql);
  return performance.now() - started;
}

/** The fastest of `repeats` scan passes over the window and the baseline, in milliseconds. */
export async function measureScanFloor(options: ScanFloorOptions): Promise<number> {
  const instance = await DuckDBInstance.create(':memory:', { threads: String(options.threads) });
  const connection = await instance.connect();
  try {
    const queries = scanQueries(options);
    let fastest = Infinity;
    for (let pass = 0; pass < options.repeats; pass++) fastest = Math.min(fastest, await timePass(connection, queries));
    return fastest;
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
