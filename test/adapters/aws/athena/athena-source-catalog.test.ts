// AthenaSourceCatalog over a real AthenaWarehouse against moto: each source check is a
// `SELECT * ... LIMIT 0` whose columns come from moto's canned results queue (one per
// StartQueryExecution, in this suite's own region). A missing table cannot be produced by moto
// (it never fails a query), so that case is checked against the Warehouse port directly.
import assert from 'node:assert/strict';
import { AthenaClient, CreateWorkGroupCommand, GetQueryExecutionCommand, ListQueryExecutionsCommand } from '@aws-sdk/client-athena';
import { AthenaSourceCatalog, type AthenaModelSources } from '../../../../src/adapters/aws/athena/athena-source-catalog.js';
import { AthenaWarehouse } from '../../../../src/adapters/aws/athena/athena-warehouse.js';
import { NonRetryableError } from '../../../../src/domain/errors.js';
import { sourceColumns } from '../../../../src/domain/sql/source-columns.js';
import { awsClientConfig, motoEndpoint, MOTO_STARTUP_TIMEOUT_MS } from '../../../support/moto.js';
import { contractOf } from '../../../support/warehouse-fixtures.js';

const region = 'ap-southeast-2';
const accountId = '123456789012';
const contract = contractOf({ model: 'demand', features: [{ name: 'price', type: 'float', min: 0 }] });
const required = sourceColumns(contract);

const tableSources: AthenaModelSources = {
  productionLog: { table: 'analytics.demand_log' },
  labels: { table: 'analytics.demand_labels' },
  baseline: { table: 'demand_baseline' },
};

/** Queues the column lists the next describes see, in order. */
async function queueColumns(endpoint: string, columnLists: readonly (readonly string[])[]): Promise<void> {
  const results = columnLists.map((columns) => ({
    column_info: columns.map((Name) => ({ Name, Type: 'varchar' })),
    rows: [{ Data: columns.map((VarCharValue) => ({ VarCharValue })) }],
  }));
  const response = await fetch(`${endpoint}/moto-api/static/athena/query-results`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ account_id: accountId, region, results }),
  });
  assert.equal(response.status, 201);
}

describe('AthenaSourceCatalog (moto)', function () {
  let endpoint: string;
  let client: AthenaClient;
  let warehouse: AthenaWarehouse;
  const workgroup = `vigil-sources-${process.pid}`;

  before(async function () {
    this.timeout(MOTO_STARTUP_TIMEOUT_MS);
    endpoint = await motoEndpoint();
    client = new AthenaClient({ ...awsClientConfig(endpoint), region, maxAttempts: 1 });
    await client.send(new CreateWorkGroupCommand({ Name: workgroup, Configuration: {} }));
    warehouse = new AthenaWarehouse({ client, workgroup, database: 'vigil', outputLocation: 's3://vigil-sources/athena/', pollIntervalMs: 5 });
  });

  after(async function () {
    await warehouse?.close();
    client?.destroy();
  });

  async function statements(): Promise<string[]> {
    const ids = (await client.send(new ListQueryExecutionsCommand({ WorkGroup: workgroup }))).QueryExecutionIds ?? [];
    const queries: string[] = [];
    for (const id of ids) queries.push((await client.send(new GetQueryExecutionCommand({ QueryExecutionId: id }))).QueryExecution?.Query ?? '');
    return queries;
  }

  it('returns the configured tables once they have the contract columns, and checks them once', async function () {
    const catalog = new AthenaSourceCatalog(warehouse, { demand: tableSources });
    const before = (await statements()).length;
    await queueColumns(endpoint, [[...required.productionLog, 'extra'], required.labels.map((c) => c.toUpperCase()), required.baseline]);
    const expected = {
      productionLog: 'analytics.demand_log',
      labels: 'analytics.demand_labels',
      baseline: 'demand_baseline',
      scoredPredictions: 'scored_predictions',
    };
    assert.deepEqual(await catalog.tablesFor(contract), expected);
    assert.deepEqual((await statements()).slice(before), [
      'SELECT * FROM "analytics"."demand_log" LIMIT 0',
      'SELECT * FROM "analytics"."demand_labels" LIMIT 0',
      'SELECT * FROM "demand_baseline" LIMIT 0',
    ]);
    assert.deepEqual(await catalog.tablesFor(contract), expected);
    assert.equal((await statements()).length, before + 3, 'checked once');
  });

  it('names the source, table and missing columns, and checks again on the next call', async function () {
    const catalog = new AthenaSourceCatalog(warehouse, { demand: tableSources });
    await queueColumns(endpoint, [required.productionLog, ['record_id']]);
    await assert.rejects(catalog.tablesFor(contract), (error: unknown) => {
      assert.ok(error instanceof NonRetryableError);
      assert.equal(error.code, 'SOURCE_COLUMNS');
      assert.equal(error.message, 'labels source of model "demand" (Athena table analytics.demand_labels) is missing columns "label", "label_time"');
      return true;
    });
    await queueColumns(endpoint, [required.productionLog, required.labels, required.baseline]);
    assert.equal((await catalog.tablesFor(contract)).labels, 'analytics.demand_labels');
  });

  it('refuses a file source, telling to catalogue it as an Athena table, without querying', async function () {
    const before = (await statements()).length;
    const catalog = new AthenaSourceCatalog(warehouse, { demand: { ...tableSources, baseline: { path: 'data/baseline.parquet', format: 'parquet' } } });
    await assert.rejects(catalog.tablesFor(contract), (error: unknown) => {
      assert.ok(error instanceof NonRetryableError);
      assert.equal(error.code, 'INVALID_SOURCE');
      assert.match(error.message, /models\.demand\.sources\.baseline: file source "data\/baseline\.parquet" cannot be read in mode "aws": catalogue it as an Athena table/);
      return true;
    });
    assert.equal((await statements()).length, before);
  });

  it('refuses an unknown model and a table name that is not db.table', async function () {
    const catalog = new AthenaSourceCatalog(warehouse, { demand: { ...tableSources, productionLog: { table: 'a.b.c' } } });
    await assert.rejects(catalog.tablesFor(contractOf({ model: 'fraud', features: [{ name: 'x', type: 'float' }] })), /no sources are configured for model "fraud"/);
    await assert.rejects(catalog.tablesFor(contract), (error: unknown) => error instanceof NonRetryableError && error.code === 'INVALID_SOURCE' && /productionLog: table name "a\.b\.c"/.test(error.message));
  });

  it('says when a table does not exist (the Warehouse port answers undefined)', async function () {
    const missing = { describe: (table: string) => Promise.resolve(table === 'analytics.demand_labels' ? undefined : [...required.productionLog, ...required.baseline]) };
    const catalog = new AthenaSourceCatalog(missing, { demand: tableSources });
    await assert.rejects(catalog.tablesFor(contract), /^NonRetryableError: labels source of model "demand" \(Athena table analytics\.demand_labels\) does not exist$/);
  });
});
