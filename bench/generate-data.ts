// Synthetic inputs for the monitoring benchmark, written by DuckDB straight to Parquet so that
// generating a million rows takes seconds and never passes through Node. Values come from a hash
// of (seed, row, stream) rather than random(), so every run writes the same data whatever the
// thread count.
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { FeatureContract, FeatureContractJson } from '../src/domain/contract/contract.js';
import type { DuckDbWarehouse } from '../src/adapters/local/duckdb/duckdb-warehouse.js';
import type { MonitoringTables } from '../src/domain/sql/query-input.js';

export const benchModel = 'bench';

/** The one-day window every production row falls in (a Tuesday, so no weekend rows). */
export const benchWindow = { start: '2026-03-10T00:00:00.000Z', end: '2026-03-11T00:00:00.000Z' } as const;
/** A week after the window: every label (one to two days late) is known. */
export const benchAsOf = '2026-03-18T00:00:00.000Z';
const baselineStart = '2026-02-01 00:00:00+00';
const baselineDays = 28;

export const channels = ['web', 'app', 'store', 'phone', 'partner'] as const;

export function benchContract(): FeatureContractJson {
  return {
    model: benchModel,
    feature_schema_version: 1,
    prediction_range: { min: -100, max: 1000 },
    features: [
      { name: 'temperature', type: 'float', min: -30, max: 50, default: 15 },
      { name: 'income', type: 'float', min: 0 },
      { name: 'load_share', type: 'float', min: 0, max: 1 },
      { name: 'wait_seconds', type: 'float', min: 0 },
      { name: 'price', type: 'float', min: 0, max: 100 },
      { name: 'session_minutes', type: 'float', min: 0, max: 300 },
      { name: 'conversion_rate', type: 'float', min: 0, max: 1 },
      { name: 'claims_amount', type: 'float', min: 0 },
      { name: 'items', type: 'int', min: 0, max: 200 },
      { name: 'channel', type: 'category', categories: [...channels] },
    ],
  };
}

export interface DataFiles {
  baseline: string;
  productionLog: string;
  labels: string;
}

export function baselineFile(dir: string): string {
  return join(dir, 'baseline.parquet');
}

export function dataFiles(dir: string, rows: number): DataFiles {
  return {
    baseline: baselineFile(dir),
    productionLog: join(dir, `log-${rows}.parquet`),
    labels: join(dir, `labels-${rows}.parquet`),
  };
}

/** The generated files as the model's sources in `warehouse`, as a local config would name them. */
export function registerBenchSources(warehouse: DuckDbWarehouse, contract: FeatureContract, files: DataFiles): Promise<MonitoringTables> {
  return warehouse.registerFileSources({
    contract,
    productionLog: { path: files.productionLog, format: 'parquet' },
    labels: { path: files.labels, format: 'parquet' },
    baseline: { path: files.baseline, format: 'parquet' },
  });
}

export interface GenerateOptions {
  dir: string;
  baselineRows: number;
  windowSizes: readonly number[];
  threads: number;
  log: (line: string) => void;
}

export interface GeneratedData {
  duckdbVersion: string;
  /** Malformed production rows written per window size (what quarantine should find). */
  malformed: Map<number, number>;
}

const macros = [
  // Uniform in (0, 1): 53 bits of the hash, shifted off zero so ln() is finite.
  `CREATE MACRO bu(s, i, k) AS ((hash(s, i, k) >> 11)::DOUBLE + 0.5) / 9007199254740992.0`,
  // Standard normal by Box-Muller over two independent streams.
  `CREATE MACRO bn(s, i, k) AS sqrt(-2 * ln(bu(s, i, k))) * cos(2 * pi() * bu(s, i, k + 500))`,
];

/**
 * The typed feature values, prediction and label of rows 0..n-1. `shifted` moves the temperature
 * mean by a quarter of a standard deviation, the session-length mixture and the channel mix, and
 * adds a small bias to the labels: drift a monitor should see, in a couple of features only.
 */
function valuesSql(seed: number, rows: number, shifted: boolean): string {
  const sh = shifted ? 1 : 0;
  const u = (k: number): string => `bu(${seed}, i, ${k})`;
  const n = (k: number): string => `bn(${seed}, i, ${k})`;
  const channel =
    `CASE WHEN ${u(13)} < ${shifted ? 0.35 : 0.45} THEN 'web' WHEN ${u(13)} < 0.75 THEN 'app' ` +
    `WHEN ${u(13)} < 0.9 THEN 'store' WHEN ${u(13)} < 0.97 THEN 'phone' ELSE 'partner' END`;
  const features = `
    SELECT
      i,
      CASE WHEN ${u(2)} < 0.01 THEN NULL ELSE round(15 + ${2 * sh} + 8 * ${n(1)}, 1) END AS temperature,
      round(exp(10 + 0.6 * ${n(3)}), 2) AS income,
      ${u(5)} AS load_share,
      -30 * ln(${u(6)}) AS wait_seconds,
      round(5 + 20 * ${u(7)}, 2) AS price,
      greatest(0, CASE WHEN ${u(8)} < ${0.3 + 0.1 * sh} THEN 45 + 8 * ${n(9)} ELSE 10 + 3 * ${n(9)} END) AS session_minutes,
      pow(${u(10)}, 3) AS conversion_rate,
      least(100000, 100 * pow(${u(11)}, -0.4)) AS claims_amount,
      CAST(floor(-3 * ln(${u(12)})) AS BIGINT) AS items,
      ${channel} AS channel
    FROM range(${rows}) AS t(i)`;
  const channelEffect = `CASE channel WHEN 'app' THEN 8 WHEN 'store' THEN -5 WHEN 'partner' THEN 12 ELSE 0 END`;
  const prediction =
    `40 + 0.8 * coalesce(temperature, 15) + 10 * load_share - 0.05 * wait_seconds + 0.3 * session_minutes ` +
    `+ 2 * items + ${channelEffect} + 2 * ${n(20)}`;
  return `
    SELECT *, prediction + 6 * ${n(21)} + ${1.5 * sh} AS label
    FROM (SELECT *, ${prediction} AS prediction FROM (${features}))`;
}

async function copy(run: (sql: string) => Promise<void>, select: string, path: string): Promise<void> {
  await run(`COPY (${select}) TO '${path.replaceAll("'", "''")}' (FORMAT parquet, COMPRESSION zstd)`);
}

/** Writes baseline.parquet and, per window size, log-N.parquet and labels-N.parquet into `dir`. */
export async function generateData(options: GenerateOptions): Promise<GeneratedData> {
  const instance = await DuckDBInstance.create(':memory:', { threads: String(options.threads) });
  const connection = await instance.connect();
  const run = async (sql: string): Promise<void> => {
    await connection.run(sql);
  };
  try {
    await run(`SET TimeZone = 'UTC'`);
    for (const macro of macros) await run(macro);
    const reported = (await connection.runAndReadAll('SELECT version() AS v')).getRowObjectsJson()[0]?.['v'];
    const version = typeof reported === 'string' ? reported : 'unknown';

    const started = performance.now();
    const baselineSeconds = baselineDays * 86_400;
    await copy(
      run,
      `SELECT * EXCLUDE (i), TIMESTAMPTZ '${baselineStart}' + to_seconds(CAST(i * ${baselineSeconds} // ${options.baselineRows} AS BIGINT)) AS event_time
       FROM (${valuesSql(1, options.baselineRows, false)})`,
      baselineFile(options.dir),
    );
    options.log(`  baseline: ${options.baselineRows.toLocaleString('en')} rows (${elapsed(started)})`);

    const malformed = new Map<number, number>();
    for (const [index, rows] of options.windowSizes.entries()) {
      const at = performance.now();
      const seed = 100 + index;
      const u = (k: number): string => `bu(${seed}, i, ${k})`;
      const files = dataFiles(options.dir, rows);
      // The production log is kept as text, as a raw event log would be: only text can carry the
      // malformed values ("n/a", a decimal comma, "3.5" for an int) that quarantine must catch.
      await run(`CREATE OR REPLACE TEMP TABLE production AS
        SELECT *,
          ${u(30)} < 0.0005 AS bad,
          i % 4 AS bad_kind,
          TIMESTAMPTZ '${benchWindow.start.replace('T', ' ').replace('.000Z', '+00')}' + to_microseconds(CAST(i * 86400000000 // ${rows} AS BIGINT)) AS event_time,
          CASE WHEN ${u(31)} < 0.00002 THEN NULL ELSE 'rec-' || lpad(CAST(i AS VARCHAR), 8, '0') END AS record_id,
          CASE WHEN ${u(32)} < 0.1 THEN 'v2' ELSE 'v1' END AS model_version,
          ${u(33)} < 0.6 AS labelled,
          to_seconds(CAST(86400 + 86400 * ${u(34)} AS BIGINT)) AS label_delay
        FROM (${valuesSql(seed, rows, true)})`);
      const text = (name: string): string => `CAST(${name} AS VARCHAR)`;
      await copy(
        run,
        `SELECT
           record_id,
           event_time,
           ${text('temperature')} AS temperature,
           CASE WHEN bad AND bad_kind = 0 THEN 'n/a' ELSE ${text('income')} END AS income,
           ${text('load_share')} AS load_share,
           ${text('wait_seconds')} AS wait_seconds,
           CASE WHEN bad AND bad_kind = 1 THEN '12,50' ELSE ${text('price')} END AS price,
           ${text('session_minutes')} AS session_minutes,
           ${text('conversion_rate')} AS conversion_rate,
           ${text('claims_amount')} AS claims_amount,
           CASE WHEN bad AND bad_kind = 2 THEN '3.5' ELSE ${text('items')} END AS items,
           CASE WHEN bad AND bad_kind = 3 THEN NULL ELSE channel END AS channel,
           prediction,
           model_version
         FROM production`,
        files.productionLog,
      );
      await copy(
        run,
        `SELECT record_id, label, event_time + label_delay AS label_time FROM production WHERE labelled AND record_id IS NOT NULL`,
        files.labels,
      );
      const counted = (await connection.runAndReadAll(`SELECT count(*) FILTER (WHERE bad OR record_id IS NULL) AS n FROM production`)).getRowObjectsJson();
      malformed.set(rows, Number(counted[0]?.['n'] ?? 0));
      await run(`DROP TABLE production`);
      options.log(`  window of ${rows.toLocaleString('en')} rows: log and labels (${elapsed(at)})`);
    }
    return { duckdbVersion: version, malformed };
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

function elapsed(since: number): string {
  return `${((performance.now() - since) / 1000).toFixed(1)} s`;
}
