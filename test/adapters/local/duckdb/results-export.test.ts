// The Parquet snapshots of the result tables: written after each results write, readable by another
// DuckDB (another process too) while the warehouse holds its database file, replaced atomically.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';
import { DuckDbWarehouse } from '../../../../src/adapters/local/duckdb/duckdb-warehouse.js';
import { snapshotTables } from '../../../../src/adapters/local/duckdb/results-export.js';
import { RetryableError } from '../../../../src/domain/errors.js';
import { metricRow, windowStart } from '../../../support/result-rows.js';

const windowKey = { model: 'demand', window_start: windowStart };
const snapshotFiles = snapshotTables.map((table) => `${table}.parquet`).sort();

/** Rows of `sql` read by a DuckDB of its own, in memory: not the warehouse's instance. */
async function readWithAnotherInstance(sql: string): Promise<Record<string, unknown>[]> {
  const instance = await DuckDBInstance.create(':memory:');
  try {
    const connection = await instance.connect();
    try {
      return (await connection.runAndReadAll(sql)).getRowObjectsJson();
    } finally {
      connection.closeSync();
    }
  } finally {
    instance.closeSync();
  }
}

// Another Node process: DuckDB refuses it the database file, and the snapshot is what it can read.
const otherProcessScript = `
import { DuckDBInstance } from '@duckdb/node-api';
const [database, snapshot] = process.argv.slice(1);
try {
  (await DuckDBInstance.create(database)).closeSync();
  console.log('database: opened');
} catch (error) {
  console.log('database: ' + error.message.split('\\n')[0]);
}
const connection = await (await DuckDBInstance.create(':memory:')).connect();
const reader = await connection.runAndReadAll("SELECT count(*)::INTEGER AS n FROM read_parquet('" + snapshot + "')");
console.log('snapshot rows: ' + reader.getRowObjectsJson()[0].n);
`;

describe('DuckDB warehouse: Parquet snapshots of the results', () => {
  let dir: string;
  let resultsDir: string;
  let warehouse: DuckDbWarehouse;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vigil-results-export-'));
    resultsDir = join(dir, 'results');
    warehouse = await DuckDbWarehouse.open({ path: join(dir, 'warehouse.duckdb'), resultsExportDir: resultsDir });
    await warehouse.ensureResultTables();
  });
  afterEach(async () => {
    await warehouse.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('writes a snapshot of every result table at start, before any run', async () => {
    assert.deepEqual((await readdir(resultsDir)).sort(), snapshotFiles);
    const [row] = await readWithAnotherInstance(`SELECT count(*)::INTEGER AS n FROM read_parquet('${join(resultsDir, 'monitoring_runs.parquet')}')`);
    assert.equal(row?.['n'], 0);
  });

  it('after a results write, another DuckDB reads the rows from the snapshot while the warehouse holds its file', async () => {
    await warehouse.replaceRows('monitoring_metrics', windowKey, [metricRow({ subject: 'price' }), metricRow({ subject: 'temperature', value: 0.4, breached: true })]);
    const rows = await readWithAnotherInstance(
      `SELECT subject, value, breached, window_start FROM read_parquet('${join(resultsDir, 'monitoring_metrics.parquet')}') ORDER BY subject`,
    );
    assert.deepEqual(rows, [
      { subject: 'price', value: 0.125, breached: false, window_start: windowStart },
      { subject: 'temperature', value: 0.4, breached: true, window_start: windowStart },
    ]);
  });

  it('another process, refused the database file, reads the snapshot', async () => {
    await warehouse.replaceRows('monitoring_metrics', windowKey, [metricRow({ subject: 'price' }), metricRow({ subject: 'temperature' })]);
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--input-type=module', '-e', otherProcessScript, join(dir, 'warehouse.duckdb'), join(resultsDir, 'monitoring_metrics.parquet')],
      { cwd: process.cwd() },
    );
    assert.match(stdout, /^database: IO Error: Could not set lock on file/m);
    assert.match(stdout, /^snapshot rows: 2$/m);
  });

  it('replaces the snapshot by a rename after each write: the latest rows, no temporary file left', async () => {
    const target = join(resultsDir, 'monitoring_metrics.parquet');
    await warehouse.replaceRows('monitoring_metrics', windowKey, [metricRow({ run_id: 'run-1' })]);
    const before = await stat(target);
    await warehouse.replaceRows('monitoring_metrics', windowKey, [metricRow({ run_id: 'run-2' }), metricRow({ run_id: 'run-2', subject: 'temperature' })]);
    const after = await stat(target);
    // A new file renamed over the old one, not the old one rewritten in place: a reader holding
    // the old file keeps reading a whole snapshot.
    assert.notEqual(after.ino, before.ino);
    const rows = await readWithAnotherInstance(`SELECT DISTINCT run_id FROM read_parquet('${target}')`);
    assert.deepEqual(rows, [{ run_id: 'run-2' }]);
    assert.deepEqual((await readdir(resultsDir)).sort(), snapshotFiles);
  });

  it('exports after replaceFromQuery and appendRows too, and never the tables that are not results', async () => {
    await warehouse.replaceFromQuery(
      'quarantine',
      windowKey,
      `SELECT '2024-05-02T00:00:00.000Z' AS window_end, 'r1' AS record_id, 'bad price' AS reason, '{}' AS raw_record,
              '2024-05-02T06:00:00.000Z' AS quarantined_at, 'demand' AS model, '${windowStart}' AS window_start`,
    );
    await warehouse.appendRows('audit_events', [
      { id: 'e1', at: '2024-05-02T06:00:00.000Z', actor: 'cli:ann', action: 'approve', model: 'demand', detail: null, workflow_id: null, run_id: null },
    ]);
    await warehouse.appendRows('scored_predictions', [
      { record_id: 'r1', prediction: 1.5, model_version: 'v1', endpoint: 'demand-production', scored_at: '2024-05-02T06:00:00.000Z', model: 'demand' },
    ]);
    const [quarantined] = await readWithAnotherInstance(`SELECT record_id FROM read_parquet('${join(resultsDir, 'quarantine.parquet')}')`);
    const [audited] = await readWithAnotherInstance(`SELECT actor FROM read_parquet('${join(resultsDir, 'audit_events.parquet')}')`);
    assert.deepEqual([quarantined, audited], [{ record_id: 'r1' }, { actor: 'cli:ann' }]);
    assert.deepEqual((await readdir(resultsDir)).sort(), snapshotFiles);
  });

  it('a failed export fails the write with a retryable error, keeps the committed rows and leaves no temporary file', async () => {
    // A folder in the snapshot's place: the Parquet file is written, the rename over it fails.
    const target = join(resultsDir, 'monitoring_metrics.parquet');
    await rm(target);
    await mkdir(target);
    await writeFile(join(target, 'keep'), 'not a snapshot');
    await assert.rejects(warehouse.replaceRows('monitoring_metrics', windowKey, [metricRow()]), (error: unknown) => {
      assert.ok(error instanceof RetryableError);
      assert.equal(error.code, 'RESULTS_EXPORT');
      assert.match(error.message, /^exporting monitoring_metrics to .*\/results\/monitoring_metrics\.parquet failed: /);
      return true;
    });
    const { rows } = await warehouse.query('SELECT count(*) AS n FROM monitoring_metrics');
    assert.equal(rows[0]?.['n'], 1);
    assert.deepEqual((await readdir(resultsDir)).sort(), snapshotFiles);
  });

  it('brings the snapshots up to date on open: results written without them, a removed snapshot', async () => {
    await warehouse.close();
    await rm(resultsDir, { recursive: true });
    warehouse = await DuckDbWarehouse.open({ path: join(dir, 'warehouse.duckdb') });
    await warehouse.replaceRows('monitoring_metrics', windowKey, [metricRow()]);
    await warehouse.close();
    warehouse = await DuckDbWarehouse.open({ path: join(dir, 'warehouse.duckdb'), resultsExportDir: resultsDir });
    await warehouse.ensureResultTables();
    const [row] = await readWithAnotherInstance(`SELECT count(*)::INTEGER AS n FROM read_parquet('${join(resultsDir, 'monitoring_metrics.parquet')}')`);
    assert.equal(row?.['n'], 1);
  });
});
