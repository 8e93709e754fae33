// The DuckDB warehouse with several connections: statements run side by side, staged rows are
// seen by every connection and leave with unstage (never written to the database file), writes
// to one key take turns without conflicts, and close waits for what runs.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDbWarehouse, QueryCancelledError } from '../../../../src/adapters/local/duckdb/duckdb-warehouse.js';
import { withStagedSources } from '../../../../src/activities/monitoring/staged-sources.js';
import { decodeWindowSummary, windowSummarySql } from '../../../../src/domain/sql/monitoring-queries.js';
import { contractOf, createSources, inputOf, load, productionRow, tablesOf, testWindow } from '../../../support/warehouse-fixtures.js';

/** Runs until cancelled: a scan DuckDB cannot answer from metadata. */
const endlessQuery = 'SELECT count(*) AS n FROM range(10000000000) a(x) WHERE x % 7 = 3';

function settledWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  return Promise.race([promise.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), ms))]);
}

describe('DuckDB warehouse connection pool', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vigil-pool-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('answers a query while another connection runs a long one; one connection makes it wait', async () => {
    for (const connections of [2, 1]) {
      const warehouse = await DuckDbWarehouse.open({ connections });
      try {
        assert.equal(warehouse.connections, connections);
        const controller = new AbortController();
        const long = warehouse.query(endlessQuery, { label: 'long', signal: controller.signal });
        const quick = warehouse.query('SELECT 42 AS answer');
        const answeredAlongside = await settledWithin(quick, 2000);
        controller.abort();
        await assert.rejects(long, QueryCancelledError);
        assert.deepEqual((await quick).rows, [{ answer: 42 }]);
        assert.equal(answeredAlongside, connections > 1, `${connections} connection(s)`);
      } finally {
        await warehouse.close();
      }
    }
  });

  it('reports waiting for a connection to onProgress until the query runs', async () => {
    const warehouse = await DuckDbWarehouse.open({ connections: 1, progressIntervalMs: 50 });
    try {
      const controller = new AbortController();
      const long = warehouse.query(endlessQuery, { signal: controller.signal });
      const states: string[] = [];
      const queued = warehouse.query('SELECT 1 AS one', { label: 'queued', onProgress: ({ state }) => states.push(state) });
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.ok(states.length >= 2 && states.every((state) => state === 'waiting for a connection'), states.join(', '));
      controller.abort();
      await assert.rejects(long, QueryCancelledError);
      await queued;
      assert.deepEqual(states.slice(-2), ['running', 'succeeded']);
    } finally {
      await warehouse.close();
    }
  });

  it('stages rows every connection reads, outside the database file, and drops them on unstage', async () => {
    const warehouse = await DuckDbWarehouse.open({ path: join(dir, 'staged.duckdb'), connections: 3 });
    try {
      const { table, bytesScanned } = await warehouse.stage('SELECT range AS x FROM range(1000)', { label: 'stage' });
      assert.equal(bytesScanned, undefined, 'DuckDB does not bill by bytes read');
      assert.deepEqual(await warehouse.stagedTables(), [table]);
      // Called together, the three reads hold three different connections.
      const sums = await Promise.all([1, 2, 3].map(() => warehouse.query(`SELECT sum(x) AS total FROM "${table}"`)));
      assert.deepEqual(
        sums.map((result) => result.rows),
        [1, 2, 3].map(() => [{ total: 499500 }]),
      );
      const { rows: where } = await warehouse.query(`SELECT database_name, temporary FROM duckdb_tables() WHERE table_name = '${table}'`);
      assert.deepEqual(where, [{ database_name: 'vigil_staged', temporary: false }], 'not in the database file, nor connection-local');

      await warehouse.unstage(table);
      assert.deepEqual(await warehouse.stagedTables(), []);
      const reads = await Promise.allSettled([1, 2, 3].map(() => warehouse.query(`SELECT count(*) AS n FROM "${table}"`)));
      assert.ok(
        reads.every((read) => read.status === 'rejected' && /does not exist/.test(String(read.reason))),
        'no connection sees it any more',
      );
      await warehouse.unstage(table);
    } finally {
      await warehouse.close();
    }
  });

  it('keeps a staged window for the next activity, which reads it on another connection and drops it', async () => {
    const warehouse = await DuckDbWarehouse.open({ connections: 2 });
    try {
      const contract = contractOf({ model: 'pooled', features: [{ name: 'x', type: 'float' }] });
      const input = inputOf(contract, { window: testWindow });
      await createSources(warehouse, contract, () => 'DOUBLE');
      await load(warehouse, tablesOf('pooled').productionLog, [1, 2, 3].map((v, i) => productionRow(i, { x: v }, v)));
      await withStagedSources(warehouse, input, { keepWindowAs: 'run-1' }, () => Promise.resolve());
      assert.equal((await warehouse.stagedTables()).length, 1, 'kept after the first activity');
      const controller = new AbortController();
      // Holds one connection, so the analysis reads the kept window on the other.
      const long = warehouse.query(endlessQuery, { signal: controller.signal });
      const rows = await withStagedSources(warehouse, input, { takeWindowFrom: 'run-1' }, async (staged) =>
        decodeWindowSummary((await warehouse.query(windowSummarySql(staged).sql)).rows).totalRows,
      );
      controller.abort();
      await assert.rejects(long, QueryCancelledError);
      assert.equal(rows, 3);
      assert.deepEqual(await warehouse.stagedTables(), []);
    } finally {
      await warehouse.close();
    }
  });

  it('keeps concurrent stagings apart and runs them side by side', async () => {
    const warehouse = await DuckDbWarehouse.open({ connections: 4 });
    try {
      const tables = await Promise.all(Array.from({ length: 12 }, async (_, i) => (await warehouse.stage(`SELECT ${i} AS i, range AS x FROM range(${(i + 1) * 100})`)).table));
      assert.equal(new Set(tables).size, 12);
      const counts = await Promise.all(tables.map((table) => warehouse.query(`SELECT min(i) AS i, count(*) AS n FROM "${table}"`)));
      assert.deepEqual(
        counts.map((result) => result.rows[0]),
        tables.map((_, i) => ({ i, n: (i + 1) * 100 })),
      );
      await Promise.all(tables.map((table) => warehouse.unstage(table)));
      assert.deepEqual(await warehouse.stagedTables(), []);
    } finally {
      await warehouse.close();
    }
  });

  it('replaces one key from many callers at once without a conflict, leaving one set of rows and its snapshot', async () => {
    const warehouse = await DuckDbWarehouse.open({ path: join(dir, 'writes.duckdb'), connections: 4, resultsExportDir: join(dir, 'results') });
    try {
      await warehouse.ensureResultTables();
      const key = { model: 'demand', window_start: '2024-06-03T00:00:00.000Z' };
      const row = (run: number): Record<string, string | number | boolean | null> => ({
        ...key,
        window_end: '2024-06-04T00:00:00.000Z',
        as_of: '2024-06-05T00:00:00.000Z',
        run_id: `run-${run}`,
        group_name: 'feature',
        subject: 'price',
        metric: 'psi',
        value: run,
        threshold: 0.2,
        breached: false,
        model_version: 'v1',
        config_hash: 'abc',
        query_id: null,
      });
      await Promise.all(Array.from({ length: 16 }, (_, run) => warehouse.replaceRows('monitoring_metrics', key, [row(run)])));
      const { rows } = await warehouse.query(`SELECT count(*) AS n, max(run_id) AS run FROM monitoring_metrics`);
      assert.equal(rows[0]?.['n'], 1);
      // The snapshot, rewritten once for writes that came together, shows the last of them.
      const snapshot = join(dir, 'results', 'monitoring_metrics.parquet');
      const { rows: exported } = await warehouse.query(`SELECT count(*) AS n, max(run_id) AS run FROM read_parquet('${snapshot}')`);
      assert.deepEqual(exported, rows);
    } finally {
      await warehouse.close();
    }
  });

  it('closes after the queries already running or waiting have finished', async () => {
    const warehouse = await DuckDbWarehouse.open({ connections: 2 });
    const queries = Array.from({ length: 6 }, (_, i) => warehouse.query(`SELECT sum(range) AS total FROM range(${(i + 1) * 100000})`));
    await warehouse.close();
    const totals = await Promise.all(queries);
    assert.equal(totals.length, 6);
    await assert.rejects(warehouse.query('SELECT 1'), /closed/);
  });
});
