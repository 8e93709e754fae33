// `vigil query` on a local deployment: read-only SQL over the Parquet snapshots of the results,
// while a warehouse (the worker's part) holds the database file open.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { DuckDbWarehouse } from '../../../src/adapters/local/duckdb/duckdb-warehouse.js';
import { queryCommand } from '../../../src/client/commands/query.js';
import { writeDemoConfig } from '../../../src/demo/demo-config.js';
import { metricRow, windowStart } from '../../support/result-rows.js';
import { capturedConsole } from '../../support/console-capture.js';

/** The message the command fails with (what `vigil` prints as its error line). */
async function failure(run: Promise<unknown>): Promise<string> {
  try {
    await run;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  assert.fail('the command did not fail');
}

describe('vigil query', () => {
  let dir: string;
  let configPath: string;
  let warehouse: DuckDbWarehouse;
  const printed = capturedConsole();

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vigil-query-'));
    configPath = await writeDemoConfig(dir);
    // As the worker opens it (the demo config's dataDir is the config's folder), and kept open.
    warehouse = await DuckDbWarehouse.open({ path: join(dir, 'warehouse.duckdb'), resultsExportDir: join(dir, 'results') });
    await warehouse.ensureResultTables();
    await warehouse.replaceRows('monitoring_metrics', { model: 'demand', window_start: windowStart }, [
      metricRow({ subject: 'price', value: 0.125 }),
      metricRow({ subject: 'temperature', value: 0.4, breached: true }),
      metricRow({ subject: 'weekday', value: null }),
    ]);
  });
  after(async () => {
    await warehouse.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('prints the rows of a SELECT over the results as a table', async () => {
    const result = await queryCommand('SELECT subject, value, breached FROM monitoring_metrics ORDER BY subject', { config: configPath });
    assert.deepEqual(result.columns, ['subject', 'value', 'breached']);
    assert.equal(
      printed.join('\n'),
      [
        'subject      value  breached',
        '-----------  -----  --------',
        'price        0.125  false',
        'temperature  0.4    true',
        'weekday      NULL   false',
        '(3 rows)',
      ].join('\n'),
    );
  });

  it('prints one JSON object per row with --json', async () => {
    await queryCommand("SELECT subject, value FROM monitoring_metrics WHERE subject <> 'weekday' ORDER BY subject", { config: configPath, json: true });
    assert.deepEqual(
      printed.map((line) => JSON.parse(line) as unknown),
      [
        { subject: 'price', value: 0.125 },
        { subject: 'temperature', value: 0.4 },
      ],
    );
  });

  it('takes WITH, SHOW, DESCRIBE, SUMMARIZE and EXPLAIN', async () => {
    const counted = await queryCommand('WITH breaches AS (SELECT * FROM monitoring_metrics WHERE breached) SELECT count(*) AS n FROM breaches', { config: configPath });
    assert.deepEqual(counted.rows, [{ n: 1 }]);
    const tables = await queryCommand('SHOW TABLES', { config: configPath });
    assert.deepEqual(
      tables.rows.map((row) => row['name']),
      ['audit_events', 'deployments', 'monitoring_metrics', 'monitoring_runs', 'performance_history', 'quarantine', 'vigil_bias_by_facet', 'vigil_drift_by_feature', 'vigil_events', 'vigil_metrics_daily'],
    );
    for (const sql of ['DESCRIBE monitoring_runs', 'SUMMARIZE monitoring_metrics', 'EXPLAIN SELECT * FROM quarantine']) {
      assert.ok((await queryCommand(sql, { config: configPath })).rows.length > 0, sql);
    }
  });

  it('refuses a statement that writes, several statements, and EXPLAIN ANALYZE of a write, each in one line', async () => {
    const refusals: [string, RegExp][] = [
      ['DELETE FROM monitoring_metrics', /^vigil query only reads: DELETE is refused \(use SELECT, WITH, SHOW, DESCRIBE, SUMMARIZE or EXPLAIN\)$/],
      [`COPY monitoring_metrics TO '${join(dir, 'copy.csv')}'`, /^vigil query only reads: COPY is refused/],
      ['CREATE TABLE t AS SELECT 1', /^vigil query only reads: CREATE is refused/],
      ['EXPLAIN ANALYZE DELETE FROM monitoring_metrics', /^vigil query only reads: DELETE is refused/],
      ['SELECT 1; DROP VIEW monitoring_metrics', /^vigil query runs one statement at a time; got 2$/],
      ['-- only a comment', /^give a SQL statement, e.g. "SELECT \* FROM monitoring_runs"$/],
    ];
    for (const [sql, expected] of refusals) assert.match(await failure(queryCommand(sql, { config: configPath })), expected, sql);
    await assert.rejects(readFile(join(dir, 'copy.csv')), /ENOENT/);
  });

  it("reports a SQL error as DuckDB's message on one line", async () => {
    const unknownColumn = await failure(queryCommand('SELECT nope FROM monitoring_runs', { config: configPath }));
    assert.match(unknownColumn, /^Binder Error: Referenced column "nope" not found in FROM clause! Candidate bindings: /);
    assert.doesNotMatch(unknownColumn, /\n/);
    assert.equal(await failure(queryCommand('SELEC 1', { config: configPath })), 'Parser Error: syntax error at or near "SELEC"');
    assert.equal(
      await failure(queryCommand('SELECT * FROM monitoring_metric', { config: configPath })),
      'Catalog Error: Table with name monitoring_metric does not exist! (the result tables: monitoring_metrics, performance_history, monitoring_runs, quarantine, deployments, audit_events; views: vigil_metrics_daily, vigil_drift_by_feature, vigil_bias_by_facet, vigil_events)',
    );
  });

  it('reports "no results yet" when the worker has written none', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'vigil-query-empty-'));
    try {
      const config = await writeDemoConfig(empty);
      assert.equal(
        await failure(queryCommand('SELECT 1', { config })),
        `no results yet in ${join(empty, 'results')} (a local worker writes them when it starts and after each monitoring run)`,
      );
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });

  it('in aws mode, says the results are queried with Athena', async () => {
    const config = parse(await readFile(configPath, 'utf8')) as { models: { sources: Record<string, unknown> }[] } & Record<string, unknown>;
    const awsPath = join(dir, 'aws.config.yaml');
    const [model] = config.models;
    assert.ok(model !== undefined);
    model.sources = { productionLog: { table: 'demand_log' }, labels: { table: 'demand_labels' }, baseline: { table: 'demand_baseline' } };
    const aws = {
      region: 'eu-west-1',
      athena: { database: 'vigil', outputLocation: 's3://vigil-athena/results/' },
      resultsLocation: 's3://vigil-results/tables/',
      artifactsLocation: 's3://vigil-artifacts/',
      sagemaker: { executionRoleArn: 'arn:aws:iam::123456789012:role/vigil', inferenceImage: 'vigil-serve:1' },
    };
    await writeFile(awsPath, stringify({ ...config, mode: 'aws', aws }));
    assert.equal(
      await failure(queryCommand('SELECT 1', { config: awsPath })),
      'vigil query reads local results only; in aws mode query the result tables with Athena (database vigil)',
    );
  });

  it('runs as `vigil query` in another process while the warehouse holds its file', function () {
    this.timeout(60_000);
    const { VIGIL_DEBUG: _ignored, ...env } = process.env;
    const run = spawnSync(process.execPath, ['bin/vigil.mjs', 'query', 'SELECT count(*) AS n FROM monitoring_metrics', '-c', configPath, '--json'], {
      encoding: 'utf8',
      env,
      timeout: 60_000,
    });
    assert.equal(run.stderr, '');
    assert.equal(run.status, 0);
    assert.equal(run.stdout, '{"n":3}\n');
    const refused = spawnSync(process.execPath, ['bin/vigil.mjs', 'query', 'DROP VIEW monitoring_runs', '-c', configPath], { encoding: 'utf8', env, timeout: 60_000 });
    assert.equal(refused.status, 1);
    assert.equal(refused.stderr, 'vigil query only reads: DROP is refused (use SELECT, WITH, SHOW, DESCRIBE, SUMMARIZE or EXPLAIN)\n');
  });
});
