// AthenaWarehouse against moto's Athena over real HTTP. moto runs no SQL: results are canned through
// its /moto-api/static/athena/query-results queue (taken in order by each StartQueryExecution), and
// query states are driven through its state manager. These tests use their own region so the queue
// is not shared with other suites.
import assert from 'node:assert/strict';
import {
  AthenaClient,
  CreateWorkGroupCommand,
  GetDatabaseCommand,
  GetQueryExecutionCommand,
  ListQueryExecutionsCommand,
  type QueryExecution,
} from '@aws-sdk/client-athena';
import { queryFailureError, decodeAthenaCell } from '../../../../src/adapters/aws/athena/results.js';
import { AthenaQueryCancelledError, AthenaWarehouse, type AthenaWarehouseOptions } from '../../../../src/adapters/aws/athena/athena-warehouse.js';
import { NonRetryableError, RetryableError } from '../../../../src/domain/errors.js';
import { athenaDialect } from '../../../../src/domain/sql/dialect.js';
import { decodeWindowSummary, windowSummarySql } from '../../../../src/domain/sql/monitoring-queries.js';
import { awsClientConfig, motoEndpoint, MOTO_STARTUP_TIMEOUT_MS } from '../../../support/moto.js';
import { contractOf, tablesOf, testWindow } from '../../../support/warehouse-fixtures.js';

const region = 'us-east-2';
const accountId = '123456789012';
const outputLocation = 's3://vigil-athena-results/monitoring/';

interface CannedColumn {
  Name: string;
  Type: string;
}
type CannedRow = { Data: { VarCharValue?: string }[] };

/** A row of Athena cells; undefined stands for NULL (no VarCharValue). */
function row(...cells: (string | undefined)[]): CannedRow {
  return { Data: cells.map((value) => (value === undefined ? {} : { VarCharValue: value })) };
}

/** Queues canned results; each following StartQueryExecution in the region takes the next one. */
async function queueResults(endpoint: string, results: { rows: CannedRow[]; column_info: CannedColumn[] }[]): Promise<void> {
  const response = await fetch(`${endpoint}/moto-api/static/athena/query-results`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ account_id: accountId, region, results }),
  });
  assert.equal(response.status, 201, `queueing Athena results answered ${response.status}`);
}

/** Sets (or, with undefined, resets) how moto moves Athena executions through QUEUED -> RUNNING -> SUCCEEDED. */
async function setExecutionTransition(endpoint: string, transition: { progression: 'manual'; times: number } | undefined): Promise<void> {
  const path = transition === undefined ? 'unset-transition' : 'set-transition';
  const response = await fetch(`${endpoint}/moto-api/state-manager/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model_name: 'athena::execution', ...(transition === undefined ? {} : { transition }) }),
  });
  assert.equal(response.status, 201);
}

const header = (columns: CannedColumn[]): CannedRow => row(...columns.map((c) => c.Name));

describe('AthenaWarehouse (moto)', function () {
  let endpoint: string;
  let client: AthenaClient;
  const workgroup = `vigil-${process.pid}`;
  const warehouses: AthenaWarehouse[] = [];

  function warehouse(overrides: Partial<AthenaWarehouseOptions> = {}): AthenaWarehouse {
    const created = new AthenaWarehouse({ client, workgroup, database: 'vigil', outputLocation, pollIntervalMs: 5, ...overrides });
    warehouses.push(created);
    return created;
  }

  async function execution(queryId: string): Promise<QueryExecution> {
    const found = (await client.send(new GetQueryExecutionCommand({ QueryExecutionId: queryId }))).QueryExecution;
    assert.ok(found !== undefined);
    return found;
  }

  before(async function () {
    this.timeout(MOTO_STARTUP_TIMEOUT_MS);
    endpoint = await motoEndpoint();
    client = new AthenaClient({ ...awsClientConfig(endpoint), region, maxAttempts: 1 });
    await client.send(new CreateWorkGroupCommand({ Name: workgroup, Configuration: {} }));
  });

  after(async function () {
    for (const created of warehouses) await created.close();
    client.destroy();
  });

  it('decodes a SELECT by column type (numbers, booleans, strings, nulls) and skips the header row', async function () {
    const columns = [
      { Name: 'n', Type: 'bigint' },
      { Name: 'x', Type: 'double' },
      { Name: 'price', Type: 'decimal' },
      { Name: 'ok', Type: 'boolean' },
      { Name: 'name', Type: 'varchar' },
      { Name: 'day', Type: 'date' },
    ];
    await queueResults(endpoint, [
      {
        column_info: columns,
        rows: [header(columns), row('42', '0.25', '12.50', 'true', 'north', '2024-06-03'), row(undefined, 'NaN', undefined, 'false', '', undefined)],
      },
    ]);
    const progress: string[] = [];
    const result = await warehouse().query('SELECT n, x, price, ok, name, day FROM t', {
      label: 'decode',
      onProgress: ({ label, state }) => progress.push(`${label}:${state}`),
    });
    assert.equal(result.rows.length, 2);
    assert.deepEqual(result.rows[0], { n: 42, x: 0.25, price: 12.5, ok: true, name: 'north', day: '2024-06-03' });
    const second = result.rows[1];
    assert.ok(second !== undefined);
    assert.equal(second['n'], null);
    assert.ok(Number.isNaN(second['x']));
    assert.deepEqual({ ...second, x: 'NaN' }, { n: null, x: 'NaN', price: null, ok: false, name: '', day: null });
    assert.deepEqual(progress, ['decode:SUCCEEDED']);
    assert.match(result.queryId, /^[0-9a-f-]{36}$/);
    // What Athena bills for (moto reports 0 for every query).
    assert.equal(result.bytesScanned, 0);
  });

  it('returns every row of a result larger than one page (moto answers in one page, without NextToken)', async function () {
    const columns = [{ Name: 'i', Type: 'integer' }];
    const rows = Array.from({ length: 1500 }, (_, i) => row(String(i)));
    await queueResults(endpoint, [{ column_info: columns, rows: [header(columns), ...rows] }]);
    const result = await warehouse().query('SELECT i FROM big');
    assert.equal(result.rows.length, 1500);
    assert.deepEqual(result.rows[1499], { i: 1499 });
  });

  it('starts the query in the workgroup and database, with the output location and SSE_S3 by default', async function () {
    const sql = 'SELECT 1 AS one';
    await queueResults(endpoint, [{ column_info: [{ Name: 'one', Type: 'integer' }], rows: [row('one'), row('1')] }]);
    const result = await warehouse().query(sql);
    assert.deepEqual(result.rows, [{ one: 1 }]);
    const started = await execution(result.queryId);
    assert.equal(started.Query, sql);
    assert.equal(started.WorkGroup, workgroup);
    assert.deepEqual(started.QueryExecutionContext, { Database: 'vigil' });
    assert.ok(started.ResultConfiguration?.OutputLocation?.startsWith(outputLocation));
    assert.deepEqual(started.ResultConfiguration?.EncryptionConfiguration, { EncryptionOption: 'SSE_S3' });
  });

  it('asks for SSE_KMS with the given key', async function () {
    const kmsKey = 'arn:aws:kms:us-east-2:123456789012:key/vigil';
    const { queryId } = await warehouse({ encryption: { option: 'SSE_KMS', kmsKey } }).execute('SELECT 1');
    const started = await execution(queryId);
    assert.deepEqual(started.ResultConfiguration?.EncryptionConfiguration, { EncryptionOption: 'SSE_KMS', KmsKey: kmsKey });
  });

  it('execute() runs a statement for its effect (moto applies CREATE DATABASE)', async function () {
    const database = `vigil_exec_${process.pid}`;
    const result = await warehouse().execute(`CREATE DATABASE IF NOT EXISTS ${database}`, { label: 'ddl' });
    assert.deepEqual(result.rows, []);
    assert.equal((await execution(result.queryId)).Status?.State, 'SUCCEEDED');
    const found = await client.send(new GetDatabaseCommand({ CatalogName: 'AwsDataCatalog', DatabaseName: database }));
    assert.equal(found.Database?.Name, database);
  });

  it('polls through QUEUED and RUNNING, reporting each state', async function () {
    await setExecutionTransition(endpoint, { progression: 'manual', times: 2 });
    try {
      const states: string[] = [];
      await warehouse().execute('SELECT 1', { label: 'slow', onProgress: ({ state }) => states.push(state) });
      assert.deepEqual([...new Set(states)], ['QUEUED', 'RUNNING', 'SUCCEEDED']);
      assert.equal(states.at(-1), 'SUCCEEDED');
    } finally {
      await setExecutionTransition(endpoint, undefined);
    }
  });

  it('stops the query when the signal aborts, and throws an AbortError', async function () {
    // Executions stay QUEUED until aborted.
    await setExecutionTransition(endpoint, { progression: 'manual', times: 1_000_000 });
    try {
      const controller = new AbortController();
      const promise = warehouse().query('SELECT slow()', {
        label: 'abort',
        signal: controller.signal,
        onProgress: () => controller.abort(new Error('activity cancelled')),
      });
      const error = await promise.then(
        () => assert.fail('the query should have been cancelled'),
        (thrown: unknown) => thrown,
      );
      assert.ok(error instanceof AthenaQueryCancelledError);
      assert.equal(error.name, 'AbortError');
      assert.ok(error.queryId !== undefined);
      assert.equal((await execution(error.queryId)).Status?.State, 'CANCELLED');
    } finally {
      await setExecutionTransition(endpoint, undefined);
    }
  });

  it('reports every status check to the everyQuery hook and stops on its signal when the call gives none', async function () {
    await setExecutionTransition(endpoint, { progression: 'manual', times: 1_000_000 });
    try {
      const controller = new AbortController();
      const seen: string[] = [];
      const own: string[] = [];
      const hooked = warehouse({
        everyQuery: {
          progress: ({ label, state }) => {
            seen.push(`${label}:${state}`);
            if (seen.length === 3) controller.abort(new Error('activity cancelled'));
          },
          signal: () => controller.signal,
        },
      });
      const error = await hooked.query('SELECT slow()', { label: 'hooked', onProgress: ({ state }) => own.push(state) }).then(
        () => assert.fail('the query should have been cancelled'),
        (thrown: unknown) => thrown,
      );
      assert.ok(error instanceof AthenaQueryCancelledError);
      assert.equal((await execution(error.queryId ?? '')).Status?.State, 'CANCELLED');
      assert.deepEqual(seen, ['hooked:QUEUED', 'hooked:QUEUED', 'hooked:QUEUED']);
      assert.equal(own.length, 3, 'the call\'s own progress callback still runs');
    } finally {
      await setExecutionTransition(endpoint, undefined);
    }
  });

  it('does not start a query whose signal is already aborted', async function () {
    const before = (await client.send(new ListQueryExecutionsCommand({ WorkGroup: workgroup }))).QueryExecutionIds?.length ?? 0;
    await assert.rejects(warehouse().query('SELECT 1', { signal: AbortSignal.abort() }), { name: 'AbortError' });
    const after = (await client.send(new ListQueryExecutionsCommand({ WorkGroup: workgroup }))).QueryExecutionIds?.length ?? 0;
    assert.equal(after, before);
  });

  it('refuses an unknown workgroup with a non-retryable error naming it', async function () {
    await assert.rejects(warehouse({ workgroup: 'no-such-workgroup' }).query('SELECT 1', { label: 'wg' }), (error: unknown) => {
      assert.ok(error instanceof NonRetryableError);
      assert.match(error.message, /StartQueryExecution wg in workgroup no-such-workgroup/);
      return true;
    });
  });

  it('describe() reads column names from the metadata of an empty SELECT', async function () {
    const columns = [
      { Name: 'model', Type: 'varchar' },
      { Name: 'value', Type: 'double' },
    ];
    await queueResults(endpoint, [{ column_info: columns, rows: [header(columns)] }]);
    const target = warehouse();
    assert.deepEqual(await target.describe('vigil.monitoring_metrics'), ['model', 'value']);
  });

  it('adapter and decoder path of the window summary: Athena SQL sent as built, canned result decoded (moto runs no SQL)', async function () {
    const contract = contractOf({ model: 'demand', features: [{ name: 'price', type: 'float', min: 0 }] });
    const built = windowSummarySql({ contract, tables: tablesOf('demand'), window: testWindow, dialect: athenaDialect });
    const columns = [
      'total_rows',
      'invalid_rows',
      'sampled_rows',
      'sampled_valid_rows',
      'prediction_rows',
      'scored_prediction_rows',
      'missing_prediction_rows',
      'covered_days',
    ].map((Name) => ({ Name, Type: 'bigint' }));
    await queueResults(endpoint, [{ column_info: columns, rows: [header(columns), row('100', '3', '100', '97', '90', '10', '7', '5')] }]);
    const result = await warehouse().query(built.sql, { label: built.label });
    assert.equal((await execution(result.queryId)).Query, built.sql);
    assert.deepEqual(decodeWindowSummary(result.rows), {
      totalRows: 100,
      invalidRows: 3,
      sampledRows: 100,
      sampledValidRows: 97,
      predictionRows: 90,
      scoredPredictionRows: 10,
      missingPredictionRows: 7,
      coveredDays: 5,
    });
  });
});

// FAILED executions cannot be produced by moto, so the classification of Athena's reasons is
// checked on the function the adapter calls with GetQueryExecution's Status.
describe('Athena query failure classification', () => {
  it('names the label and reason, and fails for query errors', () => {
    const error = queryFailureError('ks:price', 'q-1', 'FAILED', "SYNTAX_ERROR: line 1:8: Column 'x' cannot be resolved");
    assert.ok(error instanceof NonRetryableError);
    assert.equal(error.code, 'QUERY_FAILED');
    assert.match(error.message, /ks:price \(q-1\) FAILED: SYNTAX_ERROR/);
  });

  it('retries throttling, slow down and internal errors, and what Athena marks retryable', () => {
    for (const reason of ['ThrottlingException: Rate exceeded', 'S3 Slow Down', 'INTERNAL_ERROR: internal error occurred']) {
      assert.ok(queryFailureError('q', 'id', 'FAILED', reason) instanceof RetryableError, reason);
    }
    assert.ok(queryFailureError('q', 'id', 'FAILED', 'GENERIC', { Retryable: true }) instanceof RetryableError);
  });

  it('marks a missing table NOT_FOUND (describe answers undefined) and an outside cancel non-retryable', () => {
    const missing = queryFailureError('describe:t', 'id', 'FAILED', "TABLE_NOT_FOUND: line 1:15: Table 'awsdatacatalog.vigil.t' does not exist");
    assert.equal(missing.code, 'NOT_FOUND');
    assert.equal(queryFailureError('q', 'id', 'CANCELLED', undefined).code, 'QUERY_CANCELLED');
  });

  it('rejects cells that do not match their column type', () => {
    assert.throws(() => decodeAthenaCell('abc', 'bigint', 'q row 0'), /q row 0: bigint cell "abc" is not a number/);
    assert.throws(() => decodeAthenaCell('yes', 'boolean', 'q row 0'), NonRetryableError);
    assert.equal(decodeAthenaCell('1.50', 'decimal(10,2)', 'q'), 1.5);
    assert.equal(decodeAthenaCell('{"a":1}', 'json', 'q'), '{"a":1}');
  });
});
