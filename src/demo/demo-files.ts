// Writes the demo data set as Parquet with DuckDB, one production day at a time (memory stays
// bounded by a day):
//   {dir}/baseline.parquet                              training/baseline rows, typed feature
//                                                       columns, v1 prediction and label;
//   {dir}/production_log/date=YYYY-MM-DD/part.parquet   scored records (Hive-style partitions;
//                                                       under traffic/ when the demo sends them
//                                                       through the stream path instead);
//   {dir}/labels.parquet                                delayed labels (record_id, label, label_time).
// Production feature columns are VARCHAR holding the value as received, so malformed values
// ("abc" in a float feature) survive for the monitoring SQL to TRY_CAST and quarantine. The
// baseline is clean training data, so its feature columns are typed (DOUBLE, BIGINT, BOOLEAN,
// VARCHAR for categories). event_time and label_time are TIMESTAMP in UTC.
import { DuckDBInstance, timestampValue, type DuckDBAppender, type DuckDBConnection } from '@duckdb/node-api';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parseContract, type FeatureContract, type FeatureContractJson, type FeatureType } from '../domain/contract/contract.js';
import { demoContract } from './data/contract.js';
import { generateDemo, type DemoOptions, type DemoValue } from './data/generate.js';
import { trainDemoModel } from './data/model.js';
import type { ModelArtifact } from '../domain/model/artifact.js';
import { coerceRow } from '../domain/model/coerce.js';
import { predictCoerced } from '../domain/model/predict.js';

export interface DemoFilesOptions extends DemoOptions {
  dir: string;
  /** Version name of the model trained on the baseline that scores the log. Default "v1". */
  modelVersion?: string;
  /** Recorded in the artifact. Default: startDate at midnight UTC (no clock read). */
  trainedAt?: string;
  /** When set, the trained artifact is also written there as JSON. */
  artifactPath?: string;
  onDay?: (progress: { date: string; records: number }) => void;
  /**
   * Every Nth record is logged without its prediction (a request logged before its response), so
   * the monitoring job has rows to score through the endpoint. Default 50 (2 %); 0 for none.
   */
  unloggedEvery?: number;
  /**
   * Where the day partitions go under `dir`: 'production_log' (default: the log as the monitoring
   * reads it) or 'traffic' (requests a producer will send through the stream path, as the demo does).
   */
  dayFolder?: 'production_log' | 'traffic';
}

export interface DemoFilesResult {
  contract: FeatureContractJson;
  artifact: ModelArtifact;
  files: { baseline: string; /** The day partitions' folder (see dayFolder). */ days: string; labels: string; artifact?: string };
  counts: { days: number; baseline: number; production: number; labels: number; malformed: number };
}

const typedColumn: Record<FeatureType, string> = { int: 'BIGINT', float: 'DOUBLE', bool: 'BOOLEAN', category: 'VARCHAR' };

const quote = (identifier: string): string => `"${identifier.replace(/"/g, '""')}"`;
const literal = (text: string): string => `'${text.replace(/'/g, "''")}'`;

function appendTimestamp(appender: DuckDBAppender, iso: string): void {
  appender.appendTimestamp(timestampValue(BigInt(Date.parse(iso)) * 1000n));
}

function appendDouble(appender: DuckDBAppender, value: number | null): void {
  if (value === null || !Number.isFinite(value)) appender.appendNull();
  else appender.appendDouble(value);
}

/** As received: text, with booleans and numbers in their plain spelling. */
function appendRaw(appender: DuckDBAppender, value: DemoValue): void {
  if (value === null) appender.appendNull();
  else appender.appendVarchar(String(value));
}

function appendTyped(appender: DuckDBAppender, type: FeatureType, value: DemoValue): void {
  if (value === null) appender.appendNull();
  else if (type === 'bool') appender.appendBoolean(value === true);
  else if (type === 'int') appender.appendBigInt(BigInt(Number(value)));
  else if (type === 'float') appender.appendDouble(Number(value));
  else appender.appendVarchar(String(value));
}

/** Scores the rows a model server would accept; rows it would reject (400) get no prediction. */
function score(artifact: ModelArtifact, rows: readonly DemoValue[][]): (number | null)[] {
  const coerced = rows.map((row) => coerceRow(artifact.encoding, row));
  const valid = coerced.flatMap((result) => (result.ok ? [result.values] : []));
  const predictions = predictCoerced(artifact, valid);
  let next = 0;
  return coerced.map((result) => (result.ok ? (predictions[next++] ?? null) : null));
}

async function copyToParquet(connection: DuckDBConnection, table: string, path: string): Promise<void> {
  await connection.run(`COPY ${quote(table)} TO ${literal(path)} (FORMAT parquet)`);
}

async function createTables(connection: DuckDBConnection, contract: FeatureContract): Promise<void> {
  const c = contract.columns;
  const typed = contract.features.map((f) => `${quote(f.name)} ${typedColumn[f.type]}`);
  const raw = contract.features.map((f) => `${quote(f.name)} VARCHAR`);
  await connection.run(
    `CREATE TABLE baseline (${quote(c.record_id)} VARCHAR, ${quote(c.event_time)} TIMESTAMP, ${typed.join(', ')}, ` +
      `${quote(c.prediction)} DOUBLE, ${quote(c.label)} DOUBLE)`,
  );
  await connection.run(
    `CREATE TABLE production_day (${quote(c.record_id)} VARCHAR, ${quote(c.event_time)} TIMESTAMP, ${raw.join(', ')}, ` +
      `${quote(c.prediction)} DOUBLE, ${quote(c.model_version)} VARCHAR)`,
  );
  await connection.run(`CREATE TABLE labels (${quote(c.record_id)} VARCHAR, ${quote(c.label)} DOUBLE, ${quote(c.label_time)} TIMESTAMP)`);
}

export async function writeDemoFiles(options: DemoFilesOptions): Promise<DemoFilesResult> {
  const contractJson = demoContract();
  const contract = parseContract(contractJson, 'demo contract');
  const demo = generateDemo(options);
  const artifact = trainDemoModel(demo.baseline, {
    version: options.modelVersion ?? 'v1',
    trainedAt: options.trainedAt ?? `${options.startDate}T00:00:00.000Z`,
  });
  const files: DemoFilesResult['files'] = {
    baseline: join(options.dir, 'baseline.parquet'),
    days: join(options.dir, options.dayFolder ?? 'production_log'),
    labels: join(options.dir, 'labels.parquet'),
  };
  const counts = { days: 0, baseline: demo.baseline.length, production: 0, labels: 0, malformed: 0 };
  await mkdir(options.dir, { recursive: true });
  // A previous, longer run must not leave stale day partitions behind.
  await rm(files.days, { recursive: true, force: true });

  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    await createTables(connection, contract);

    const baselineAppender = await connection.createAppender('baseline');
    const baselinePredictions = score(artifact, demo.baseline.map((row) => row.features));
    demo.baseline.forEach((row, index) => {
      baselineAppender.appendVarchar(row.record_id);
      appendTimestamp(baselineAppender, row.event_time);
      contract.features.forEach((feature, f) => appendTyped(baselineAppender, feature.type, row.features[f] ?? null));
      appendDouble(baselineAppender, baselinePredictions[index] ?? null);
      appendDouble(baselineAppender, row.label);
      baselineAppender.endRow();
    });
    baselineAppender.closeSync();
    await copyToParquet(connection, 'baseline', files.baseline);

    for (const day of demo.days()) {
      const dayAppender = await connection.createAppender('production_day');
      const predictions = score(artifact, day.records.map((record) => record.features));
      const unloggedEvery = options.unloggedEvery ?? 50;
      day.records.forEach((record, index) => {
        const unlogged = unloggedEvery > 0 && index % unloggedEvery === unloggedEvery - 1;
        dayAppender.appendVarchar(record.record_id);
        appendTimestamp(dayAppender, record.event_time);
        for (const value of record.features) appendRaw(dayAppender, value);
        appendDouble(dayAppender, unlogged ? null : (predictions[index] ?? null));
        if (unlogged) dayAppender.appendNull();
        else dayAppender.appendVarchar(artifact.version);
        dayAppender.endRow();
      });
      dayAppender.closeSync();
      const partition = join(files.days, `date=${day.date}`);
      await mkdir(partition, { recursive: true });
      await copyToParquet(connection, 'production_day', join(partition, 'part.parquet'));
      await connection.run('DELETE FROM production_day');

      const labelAppender = await connection.createAppender('labels');
      for (const label of day.labels) {
        labelAppender.appendVarchar(label.record_id);
        labelAppender.appendDouble(label.label);
        appendTimestamp(labelAppender, label.label_time);
        labelAppender.endRow();
      }
      labelAppender.closeSync();

      counts.days++;
      counts.production += day.records.length;
      counts.labels += day.labels.length;
      counts.malformed += day.malformed.length;
      options.onDay?.({ date: day.date, records: day.records.length });
    }
    await copyToParquet(connection, 'labels', files.labels);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }

  if (options.artifactPath !== undefined) {
    await mkdir(dirname(options.artifactPath), { recursive: true });
    await writeFile(options.artifactPath, `${JSON.stringify(artifact, null, 2)}\n`, 'utf8');
    files.artifact = options.artifactPath;
  }
  return { contract: contractJson, artifact, files, counts };
}
