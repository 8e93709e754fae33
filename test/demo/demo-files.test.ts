import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { writeDemoFiles, type DemoFilesResult } from '../../src/demo/demo-files.js';
import { parseArtifact } from '../../src/domain/model/artifact.js';

describe('demo files (DuckDB, Parquet)', () => {
  let dir: string;
  let result: DemoFilesResult;
  let instance: DuckDBInstance;
  let connection: DuckDBConnection;
  const log = (): string => `read_parquet('${join(dir, 'production_log', '*', '*.parquet')}', hive_partitioning = true)`;

  async function rows(sql: string): Promise<Record<string, unknown>[]> {
    return (await connection.runAndReadAll(sql)).getRowObjectsJS();
  }

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vigil-demo-'));
    result = await writeDemoFiles({
      dir,
      seed: 5,
      startDate: '2024-04-01',
      days: 4,
      rowsPerDay: 500,
      driftFromDay: 2,
      malformedRate: 0.02,
      artifactPath: join(dir, 'models', 'demand', 'v1.json'),
    });
    instance = await DuckDBInstance.create(':memory:');
    connection = await instance.connect();
  });
  after(async () => {
    connection.closeSync();
    instance.closeSync();
    await rm(dir, { recursive: true, force: true });
  });

  it('writes one production partition per day and reports the counts', async () => {
    assert.deepEqual(await readdir(join(dir, 'production_log')), ['date=2024-04-01', 'date=2024-04-02', 'date=2024-04-03', 'date=2024-04-04']);
    assert.deepEqual(result.counts.days, 4);
    assert.equal(result.counts.production, 2000);
    assert.equal(result.counts.labels, 2000);
    assert.equal(result.counts.baseline, 2000);
    const [count] = await rows(`SELECT count(*)::INTEGER AS n, count(DISTINCT record_id)::INTEGER AS ids FROM ${log()}`);
    assert.deepEqual(count, { n: 2000, ids: 2000 });
  });

  it('keeps malformed values as text, with no prediction when the row cannot be scored', async () => {
    const bad = await rows(`SELECT record_id, price, temperature, prediction FROM ${log()} WHERE price IS NOT NULL AND TRY_CAST(price AS DOUBLE) IS NULL`);
    assert.ok(bad.length > 0);
    assert.ok(bad.every((row) => ['abc', 'n/a', '12,50'].includes(String(row.price)) && row.prediction === null));
    const missing = await rows(`SELECT count(*)::INTEGER AS n FROM ${log()} WHERE price IS NULL OR footfall IS NULL OR store_type IS NULL`);
    assert.ok((missing[0]?.n as number) > 0);
    const [types] = await rows(`SELECT typeof(price) AS price, typeof(event_time) AS event_time, typeof(prediction) AS prediction FROM ${log()} LIMIT 1`);
    assert.deepEqual(types, { price: 'VARCHAR', event_time: 'TIMESTAMP', prediction: 'DOUBLE' });
  });

  it('shows the drift in the written log', async () => {
    const days = await rows(
      `SELECT CAST(date AS VARCHAR) AS date, avg(TRY_CAST(temperature AS DOUBLE)) AS temperature, any_value(model_version) AS version FROM ${log()} GROUP BY 1 ORDER BY 1`,
    );
    assert.deepEqual(days.map((d) => d.version), ['v1', 'v1', 'v1', 'v1']);
    const temperatures = days.map((d) => d.temperature as number);
    assert.ok(temperatures[3]! - temperatures[0]! > 6, temperatures.join(', '));
  });

  it('writes a typed baseline with the v1 prediction and label', async () => {
    const [summary] = await rows(
      `SELECT count(*)::INTEGER AS n, typeof(any_value(price)) AS price, typeof(any_value(promo)) AS promo, typeof(any_value(day_of_week)) AS dow,
              sqrt(avg((prediction - label) ^ 2)) AS rmse FROM '${join(dir, 'baseline.parquet')}'`,
    );
    assert.equal(summary?.n, 2000);
    assert.deepEqual([summary?.price, summary?.promo, summary?.dow], ['DOUBLE', 'BOOLEAN', 'VARCHAR']);
    assert.ok((summary?.rmse as number) < 15);
  });

  it('writes labels 1 to 7 days after their events', async () => {
    const [delays] = await rows(
      `SELECT min(epoch(l.label_time) - epoch(p.event_time)) / 86400 AS lo, max(epoch(l.label_time) - epoch(p.event_time)) / 86400 AS hi, count(*)::INTEGER AS n
       FROM '${join(dir, 'labels.parquet')}' l JOIN ${log()} p USING (record_id)`,
    );
    assert.equal(delays?.n, 2000);
    assert.ok((delays?.lo as number) >= 1 && (delays?.hi as number) <= 7);
  });

  it('writes the trained artifact when asked', async () => {
    const artifact = parseArtifact(JSON.parse(await readFile(join(dir, 'models', 'demand', 'v1.json'), 'utf8')));
    assert.deepEqual(artifact, result.artifact);
    assert.equal(artifact.trainedAt, '2024-04-01T00:00:00.000Z');
  });
});
