// The DuckDB warehouse as a Warehouse port: decoding, idempotent replaces, cancellation, file
// sources and their column checks.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDbWarehouse, QueryCancelledError } from '../../../../src/adapters/local/duckdb/duckdb-warehouse.js';
import { NonRetryableError } from '../../../../src/domain/errors.js';
import { decodeQuality, decodeWindowSummary, qualitySql, windowSummarySql } from '../../../../src/domain/sql/monitoring-queries.js';
import { tableColumns } from '../../../../src/domain/sql/tables.js';
import { type Row } from '../../../../src/domain/sql/row.js';
import { contractOf } from '../../../support/warehouse-fixtures.js';

function metricRow(overrides: Partial<Row>): Row {
  return {
    window_end: '2024-06-04T00:00:00.000Z',
    as_of: '2024-06-05T00:00:00.000Z',
    run_id: 'run-1',
    group_name: 'feature',
    subject: 'price',
    metric: 'psi',
    value: 0.1,
    threshold: 0.2,
    breached: false,
    model_version: 'v1',
    config_hash: 'abc',
    query_id: null,
    model: 'demand',
    window_start: '2024-06-03T00:00:00.000Z',
    ...overrides,
  };
}

const windowKey = { model: 'demand', window_start: '2024-06-03T00:00:00.000Z' };

describe('DuckDB warehouse (port)', () => {
  let warehouse: DuckDbWarehouse;

  beforeEach(async () => {
    warehouse = await DuckDbWarehouse.open();
  });
  afterEach(async () => {
    await warehouse.close();
  });

  describe('query', () => {
    it('decodes integers, decimals, timestamps, dates and nested values to cells', async () => {
      const { rows, queryId } = await warehouse.query(
        `SELECT 3::BIGINT AS big, 7::HUGEINT AS huge, 12.25::DECIMAL(10,2) AS dec, 1.5::DOUBLE AS dbl, TRUE AS flag,
                'x' AS txt, NULL AS nothing, TIMESTAMP '2024-06-03 10:11:12.345' AS ts,
                TIMESTAMPTZ '2024-06-03 12:00:00+02' AS tstz, DATE '2024-06-03' AS day,
                [1, 2]::BIGINT[] AS list, {'a': 1, 'b': 'two'} AS obj`,
      );
      assert.deepEqual(rows, [
        {
          big: 3,
          huge: 7,
          dec: 12.25,
          dbl: 1.5,
          flag: true,
          txt: 'x',
          nothing: null,
          ts: '2024-06-03T10:11:12.345Z',
          tstz: '2024-06-03T10:00:00.000Z',
          day: '2024-06-03',
          list: '[1,2]',
          obj: '{"a":1,"b":"two"}',
        },
      ]);
      assert.match(queryId, /^duckdb-/);
    });

    it('refuses types without a cell, naming the column', async () => {
      await assert.rejects(warehouse.query(`SELECT INTERVAL 1 DAY AS gap`), /column "gap" has type INTERVAL/);
      await assert.rejects(warehouse.query(`SELECT 1 AS a, 2 AS a`), /column "a" twice/);
    });

    it('gives each query its own id', async () => {
      const first = await warehouse.query('SELECT 1 AS one');
      const second = await warehouse.query('SELECT 1 AS one');
      assert.notEqual(first.queryId, second.queryId);
    });

    it('reports a SQL error as non-retryable with the label', async () => {
      await assert.rejects(warehouse.query('SELECT * FROM nowhere', { label: 'probe' }), (error: unknown) => {
        assert.ok(error instanceof NonRetryableError);
        assert.equal(error.code, 'SQL_ERROR');
        assert.match(error.message, /probe \(duckdb-[^)]+\) failed: .*nowhere/);
        return true;
      });
    });

    it('cancels a running query through its AbortSignal and stays usable', async () => {
      const controller = new AbortController();
      const states: string[] = [];
      const running = warehouse.query('SELECT count(*) AS n FROM range(10000000000) a(x) WHERE x % 7 = 3', {
        label: 'slow',
        signal: controller.signal,
        onProgress: ({ state }) => states.push(state),
      });
      setTimeout(() => controller.abort(), 100);
      const started = Date.now();
      await assert.rejects(running, (error: unknown) => error instanceof QueryCancelledError && /slow .* was cancelled/.test(error.message));
      assert.ok(Date.now() - started < 10_000, 'the interrupt stopped the query');
      assert.equal(states[0], 'running');
      assert.equal(states.at(-1), 'failed');
      assert.deepEqual((await warehouse.query('SELECT 42 AS answer')).rows, [{ answer: 42 }]);
    });

    it('does not start a query whose signal is already aborted', async () => {
      const controller = new AbortController();
      controller.abort();
      await assert.rejects(warehouse.query('SELECT 1', { signal: controller.signal }), QueryCancelledError);
    });

    it('refuses calls after close, and close twice is harmless', async () => {
      const other = await DuckDbWarehouse.open();
      await other.close();
      await other.close();
      await assert.rejects(other.query('SELECT 1'), /closed/);
    });
  });

  describe('result tables and replaces', () => {
    beforeEach(async () => {
      await warehouse.ensureResultTables();
      await warehouse.ensureResultTables();
    });

    it('creates every result table with the columns of tables.ts', async () => {
      for (const table of ['monitoring_metrics', 'monitoring_runs', 'quarantine', 'scored_predictions', 'deployments', 'audit_events'] as const) {
        assert.deepEqual(await warehouse.describe(table), tableColumns(table).map((c) => c.name), table);
      }
      assert.equal(await warehouse.describe('no_such_table'), undefined);
    });

    it('replaceRows leaves exactly one set of rows per key, however often it runs', async () => {
      const rows = [metricRow({ metric: 'psi', value: 0.1 }), metricRow({ metric: 'ks', value: 0.3 })];
      const other = metricRow({ window_start: '2024-06-04T00:00:00.000Z', window_end: '2024-06-05T00:00:00.000Z' });
      await warehouse.replaceRows('monitoring_metrics', { model: 'demand', window_start: other['window_start'] ?? null }, [other]);
      await warehouse.replaceRows('monitoring_metrics', windowKey, rows);
      await warehouse.replaceRows('monitoring_metrics', windowKey, rows);
      await warehouse.replaceRows('monitoring_metrics', windowKey, [rows[1] ?? metricRow({})]);
      const { rows: stored } = await warehouse.query(
        `SELECT window_start, metric, value FROM monitoring_metrics ORDER BY window_start, metric`,
      );
      assert.deepEqual(stored, [
        { window_start: '2024-06-03T00:00:00.000Z', metric: 'ks', value: 0.3 },
        { window_start: '2024-06-04T00:00:00.000Z', metric: 'psi', value: 0.1 },
      ]);
    });

    it('replaceRows inserts many rows in batches', async () => {
      const rows = Array.from({ length: 1234 }, (_, i) => metricRow({ subject: `f${i}`, value: i }));
      await warehouse.replaceRows('monitoring_metrics', windowKey, rows);
      const { rows: stored } = await warehouse.query(`SELECT count(*) AS n, sum(value) AS total FROM monitoring_metrics`);
      assert.deepEqual(stored, [{ n: 1234, total: (1233 * 1234) / 2 }]);
    });

    it('replaceRows refuses rows outside the key, with missing columns or of the wrong type, and keeps the old rows', async () => {
      await warehouse.replaceRows('monitoring_metrics', windowKey, [metricRow({})]);
      await assert.rejects(
        warehouse.replaceRows('monitoring_metrics', windowKey, [metricRow({ model: 'other' })]),
        /row 0: model is "other", outside the key/,
      );
      const { subject: _dropped, ...missing } = metricRow({});
      await assert.rejects(warehouse.replaceRows('monitoring_metrics', windowKey, [missing]), /missing subject/);
      await assert.rejects(
        warehouse.replaceRows('monitoring_metrics', windowKey, [metricRow({}), metricRow({ value: 'high' })]),
        /row 1: column "value" \(DOUBLE\) needs a number, got string "high"/,
      );
      await assert.rejects(warehouse.replaceRows('no_such_table', {}, []), /no_such_table does not exist/);
      const { rows } = await warehouse.query(`SELECT count(*) AS n FROM monitoring_metrics`);
      assert.deepEqual(rows, [{ n: 1 }]);
    });

    it('appendRows adds rows after checking their columns', async () => {
      const scored = { model: 'demand', record_id: 'r1', prediction: 3.5, model_version: null, endpoint: 'prod', scored_at: '2024-06-03T00:00:00.000Z' };
      await warehouse.appendRows('scored_predictions', [scored]);
      await warehouse.appendRows('scored_predictions', [{ ...scored, prediction: 4 }]);
      await assert.rejects(warehouse.appendRows('scored_predictions', [{ ...scored, extra: 1 }]), /unknown extra/);
      const { rows } = await warehouse.query(`SELECT prediction FROM scored_predictions ORDER BY prediction`);
      assert.deepEqual(rows, [{ prediction: 3.5 }, { prediction: 4 }]);
    });

    it('replaceFromQuery replaces the key with what a SELECT returns, and refuses rows outside the key', async () => {
      const select = (reason: string): string =>
        `SELECT '2024-06-04T00:00:00.000Z' AS window_end, 'r' || i::VARCHAR AS record_id, '${reason}' AS reason, '{}' AS raw_record,
                '2024-06-05T00:00:00.000Z' AS quarantined_at, 'demand' AS model, '2024-06-03T00:00:00.000Z' AS window_start
         FROM range(3) t(i)`;
      const result = await warehouse.replaceFromQuery('quarantine', windowKey, select('first'));
      assert.deepEqual(result.rows, [{ inserted_rows: 3 }]);
      await warehouse.replaceFromQuery('quarantine', windowKey, select('second'));
      const { rows } = await warehouse.query(`SELECT reason, count(*) AS n FROM quarantine GROUP BY reason`);
      assert.deepEqual(rows, [{ reason: 'second', n: 3 }]);
      await assert.rejects(
        warehouse.replaceFromQuery('quarantine', { model: 'other', window_start: '2024-06-03T00:00:00.000Z' }, select('third')),
        /returned 3 row\(s\) outside the key/,
      );
      assert.deepEqual((await warehouse.query(`SELECT count(*) AS n FROM quarantine`)).rows, [{ n: 3 }]);
    });
  });

  describe('file sources', () => {
    let dir: string;
    const contract = contractOf({
      model: 'demand',
      features: [
        { name: 'price', type: 'float' },
        { name: 'region', type: 'category' },
      ],
    });

    beforeEach(async () => {
      dir = await mkdtemp(join(tmpdir(), 'vigil-duckdb-'));
    });
    afterEach(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    async function writeSources(withRegion = true): Promise<void> {
      const region = (value: string): string => (withRegion ? `${value},` : '');
      const header = `record_id,event_time,price,${region('region')}prediction,model_version`;
      await writeFile(join(dir, 'log-1.csv'), `${header}\nr1,2024-06-03T01:00:00Z,1.5,${region('north')}2.0,v1\n`);
      await writeFile(join(dir, 'log-2.csv'), `${header}\nr2,2024-06-03T02:00:00Z,abc,${region('south')},v1\n`);
      await writeFile(join(dir, 'labels.csv'), 'record_id,label,label_time\nr1,2.5,2024-06-05T00:00:00Z\n');
      await warehouse.execute(
        `COPY (SELECT '2024-01-01T00:00:00Z' AS event_time, 1.0 AS price, 'north' AS region, 2.0 AS prediction, 2.5 AS label)
         TO '${join(dir, 'baseline.parquet')}' (FORMAT parquet)`,
      );
    }

    it('creates views over CSV (as text, globs allowed) and Parquet files', async () => {
      await writeSources();
      const tables = await warehouse.registerFileSources({
        contract,
        productionLog: { path: join(dir, 'log-*.csv'), format: 'csv' },
        labels: { path: join(dir, 'labels.csv'), format: 'csv' },
        baseline: { path: join(dir, 'baseline.parquet'), format: 'parquet' },
      });
      assert.deepEqual(tables, {
        productionLog: 'demand_production_log',
        labels: 'demand_labels',
        baseline: 'demand_baseline',
        scoredPredictions: 'scored_predictions',
      });
      const { rows } = await warehouse.query(`SELECT record_id, price FROM demand_production_log ORDER BY record_id`);
      assert.deepEqual(rows, [
        { record_id: 'r1', price: '1.5' },
        { record_id: 'r2', price: 'abc' },
      ]);
      assert.deepEqual((await warehouse.query(`SELECT label FROM demand_baseline`)).rows, [{ label: 2.5 }]);
    });

    it('reads typed Parquet columns (TIMESTAMP event time, DOUBLE feature) like text ones', async () => {
      await writeSources();
      await warehouse.execute(
        `COPY (SELECT 'p' || i::VARCHAR AS record_id, TIMESTAMP '2024-06-03 00:00:00' + i * INTERVAL 1 HOUR AS event_time,
                      i * 1.5::DOUBLE AS price, 'north' AS region, 1.0::DOUBLE AS prediction, 'v1' AS model_version
               FROM range(30) t(i))
         TO '${join(dir, 'log.parquet')}' (FORMAT parquet)`,
      );
      const tables = await warehouse.registerFileSources({
        contract,
        productionLog: { path: join(dir, 'log.parquet'), format: 'parquet' },
        labels: { path: join(dir, 'labels.csv'), format: 'csv' },
        baseline: { path: join(dir, 'baseline.parquet'), format: 'parquet' },
      });
      await warehouse.ensureResultTables();
      const window = { start: '2024-06-03T00:00:00Z', end: '2024-06-04T00:00:00Z' };
      const input = { contract, tables, window, dialect: warehouse.sql };
      const summary = decodeWindowSummary((await warehouse.query(windowSummarySql(input).sql)).rows);
      assert.deepEqual([summary.totalRows, summary.invalidRows, summary.coveredDays], [24, 0, 1]);
      const [price] = decodeQuality((await warehouse.query(qualitySql(input).sql)).rows);
      assert.equal(price?.mean, (1.5 * 23) / 2);
    });

    it('fails naming the source, the file and the missing column', async () => {
      await writeSources(false);
      await assert.rejects(
        warehouse.registerFileSources({
          contract,
          productionLog: { path: join(dir, 'log-*.csv'), format: 'csv' },
          labels: { path: join(dir, 'labels.csv'), format: 'csv' },
          baseline: { path: join(dir, 'baseline.parquet'), format: 'parquet' },
        }),
        (error: unknown) => {
          assert.ok(error instanceof NonRetryableError);
          assert.equal(error.code, 'SOURCE_COLUMNS');
          assert.match(error.message, /production log source "demand_production_log" \(csv .*log-\*\.csv\) is missing column "region"/);
          return true;
        },
      );
    });

    it('fails naming the source when its files cannot be read', async () => {
      await writeSources();
      await assert.rejects(
        warehouse.registerFileSources({
          contract,
          productionLog: { path: join(dir, 'log-*.csv'), format: 'csv' },
          labels: { path: join(dir, 'missing-labels.csv'), format: 'csv' },
          baseline: { path: join(dir, 'baseline.parquet'), format: 'parquet' },
        }),
        /labels source "demand_labels" \(csv .*missing-labels\.csv\) cannot be read/,
      );
    });
  });

  it('creates the data folder of a database file on first use', async () => {
    const root = await mkdtemp(join(tmpdir(), 'vigil-fresh-'));
    try {
      const fresh = await DuckDbWarehouse.open({ path: join(root, 'new', '.vigil', 'warehouse.duckdb') });
      await fresh.close();
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
