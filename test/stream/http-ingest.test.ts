// Local mode's stream ingest over HTTP: records POSTed as NDJSON land in the production log and the
// stream quarantine where the config's sources read them; a retried request adds nothing; and the
// window's monitoring counts and lists what the stream refused.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/load.js';
import { startLocalIngest, type RunningIngest } from '../../src/stream/start-local-ingest.js';
import { DuckDbWarehouse } from '../../src/adapters/local/duckdb/duckdb-warehouse.js';
import { LocalSourceCatalog } from '../../src/adapters/local/duckdb/local-source-catalog.js';
import { duckdbDialect } from '../../src/domain/sql/dialect.js';
import { decodeTrainingRows, trainingRowsSql } from '../../src/domain/sql/training-rows.js';
import { withStagedSources } from '../../src/activities/monitoring/staged-sources.js';
import { decodeWindowSummary, quarantineSql, windowSummarySql } from '../../src/domain/sql/monitoring-queries.js';

const contract = {
  model: 'demand',
  feature_schema_version: 1,
  features: [
    { name: 'price', type: 'float' },
    { name: 'promo', type: 'bool', default: false },
    { name: 'store_type', type: 'category' },
  ],
};

function configYaml(streamQuarantine: string | undefined): string {
  return [
    'mode: local',
    'models:',
    '  - id: demand',
    '    contract: demand.contract.json',
    '    endpoints: { production: demand-production, staging: demand-staging }',
    '    sources:',
    "      productionLog: { path: 'data/production_log/*/*.parquet' }",
    "      labels: { path: 'data/labels.parquet' }",
    "      baseline: { path: 'data/baseline.parquet' }",
    ...(streamQuarantine === undefined ? [] : [`      streamQuarantine: { path: '${streamQuarantine}' }`]),
    '',
  ].join('\n');
}

const records = [
  { record_id: 'r1', event_time: '2024-06-03T10:00:00Z', price: '10.5', store_type: 'mall', prediction: 3, model_version: 'v1' },
  { record_id: 'r2', event_time: '2024-06-03T11:00:00Z', price: '12,50', store_type: 'mall' },
  { record_id: 'r3', event_time: '2024-06-04T09:00:00Z', price: 8, promo: 'true', store_type: 'street' },
  { record_id: 'r4', event_time: '2024-06-04T09:30:00Z', store_type: 'outlet' },
];
const body = [...records.map((record) => JSON.stringify(record)), 'not json', ''].join('\n');

describe('stream ingest over HTTP (local mode)', () => {
  let dir: string;
  let ingest: RunningIngest | undefined;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vigil-ingest-'));
    await writeFile(join(dir, 'demand.contract.json'), JSON.stringify(contract));
  });

  afterEach(async () => {
    await ingest?.close();
    ingest = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  async function start(streamQuarantine = 'data/stream_quarantine/*/*.parquet'): Promise<RunningIngest> {
    await writeFile(join(dir, 'vigil.config.yaml'), configYaml(streamQuarantine));
    ingest = await startLocalIngest(await loadConfig(join(dir, 'vigil.config.yaml')));
    return ingest;
  }

  async function postRecords(url: string, key?: string): Promise<{ status: number; answer: Record<string, unknown> }> {
    const response = await fetch(url, { method: 'POST', body, headers: key === undefined ? {} : { 'idempotency-key': key } });
    return { status: response.status, answer: (await response.json()) as Record<string, unknown> };
  }

  it('writes valid rows to the production log and refused ones to the stream quarantine; the same request again adds nothing', async () => {
    const running = await start();
    const first = await postRecords(running.recordsUrl('demand'), 'batch-1');
    assert.equal(first.status, 200);
    assert.deepEqual(first.answer, { batch: 'batch-1', received: 5, valid: 2, quarantined: 3, reasons: { 'price: not a float': 1, 'price: missing': 1, 'not JSON': 1 } });
    assert.equal((await postRecords(running.recordsUrl('demand'), 'batch-1')).status, 200);

    const warehouse = await DuckDbWarehouse.open();
    try {
      const log = await warehouse.query(`SELECT record_id, price, promo, typeof(event_time) AS time_type FROM read_parquet('${join(dir, 'data/production_log/*/*.parquet')}') ORDER BY record_id`);
      assert.deepEqual(log.rows, [
        { record_id: 'r1', price: 10.5, promo: false, time_type: 'TIMESTAMP' },
        { record_id: 'r3', price: 8, promo: true, time_type: 'TIMESTAMP' },
      ]);
      const refused = await warehouse.query(`SELECT sequence, record_id, reason FROM read_parquet('${join(dir, 'data/stream_quarantine/*/*.parquet')}') ORDER BY sequence`);
      assert.deepEqual(refused.rows, [
        { sequence: 'batch-1-2', record_id: 'r2', reason: 'price: "12,50" is not a float' },
        { sequence: 'batch-1-4', record_id: 'r4', reason: 'price: missing' },
        { sequence: 'batch-1-5', record_id: null, reason: `not JSON: ${(() => { try { JSON.parse('not json'); return ''; } catch (error) { return (error as Error).message; } })()}` },
      ]);
    } finally {
      await warehouse.close();
    }
  });

  it("counts the stream's refused records in the window and lists them in its quarantine with the stream's reasons", async () => {
    const running = await start();
    assert.equal((await postRecords(running.recordsUrl('demand'), 'batch-1')).status, 200);
    const loaded = await loadConfig(join(dir, 'vigil.config.yaml'));
    const warehouse = await DuckDbWarehouse.open();
    try {
      await warehouse.ensureResultTables();
      // The baseline is not what this is about: one row of the right shape.
      await warehouse.execute(
        `COPY (SELECT record_id, 1.0 AS label, TIMESTAMP '2024-06-05' AS label_time FROM (VALUES ('r1'), ('r3'), ('r5')) AS t(record_id)) TO '${join(dir, 'data/labels.parquet')}' (FORMAT parquet)`,
      );
      await warehouse.execute(
        `COPY (SELECT TIMESTAMP '2024-06-01' AS event_time, 1.0 AS price, false AS promo, 'mall' AS store_type, 1.0 AS prediction, 1.0 AS label) TO '${join(dir, 'data/baseline.parquet')}' (FORMAT parquet)`,
      );
      // A row some other producer wrote under a contract version this one does not read.
      await warehouse.execute(
        `COPY (SELECT 'r5' AS record_id, TIMESTAMP '2024-06-04 10:00:00' AS event_time, 9.5 AS price, true AS promo, 'mall' AS store_type, 2.0 AS prediction, 'v1' AS model_version, 2 AS feature_schema_version) ` +
          `TO '${join(dir, 'data/production_log/date=2024-06-04/other-producer.parquet')}' (FORMAT parquet)`,
      );
      const catalog = new LocalSourceCatalog(warehouse, { demand: loaded.config.models[0]!.sources }, (path) => join(dir, path));
      const parsed = loaded.contracts.demand!;
      const tables = await catalog.tablesFor(parsed);
      assert.equal(tables.streamQuarantine, 'demand_stream_quarantine');
      const input = { contract: parsed, tables, window: { start: '2024-06-03T00:00:00Z', end: '2024-06-05T00:00:00Z' }, dialect: duckdbDialect };
      assert.deepEqual(tables.stampedSources, ['productionLog']);
      const summary = decodeWindowSummary((await warehouse.query(windowSummarySql(input).sql)).rows);
      // 3 rows in the log (one of version 2), 2 refused records with an event time in the window (the line that is not JSON has none).
      assert.equal(summary.totalRows, 5);
      assert.equal(summary.invalidRows, 3);
      const expected = [
        ['r2', 'price: "12,50" is not a float'],
        ['r4', 'price: missing'],
        ['r5', 'feature_schema_version: "2" is not a version this contract reads (1)'],
      ];
      const quarantined = await warehouse.query(quarantineSql(input, { quarantinedAt: '2024-06-06T06:00:00Z' }).select.sql);
      assert.deepEqual(
        quarantined.rows.map((row) => [row.record_id, row.reason]),
        expected,
      );
      assert.deepEqual(JSON.parse(String(quarantined.rows[0]?.raw_record)), records[1]);
      // Training takes the labelled rows of the contract's version only.
      const training = trainingRowsSql({ contract: parsed, tables, window: input.window, asOf: '2024-06-06T00:00:00Z', dialect: duckdbDialect });
      assert.deepEqual(decodeTrainingRows((await warehouse.query(training.sql)).rows, parsed).map((row) => row.recordId), ['r1', 'r3']);
      // The same over the staged window the analysis reads.
      await withStagedSources(warehouse, input, {}, async (staged) => {
        const rows = (await warehouse.query(quarantineSql(staged, { quarantinedAt: '2024-06-06T06:00:00Z' }).select.sql)).rows;
        assert.deepEqual(
          rows.map((row) => [row.record_id, row.reason]),
          expected,
        );
        assert.equal(decodeWindowSummary((await warehouse.query(windowSummarySql(staged).sql)).rows).invalidRows, 3);
      });
    } finally {
      await warehouse.close();
    }
  });

  it('refuses a config whose sources cannot take stream writes, naming each problem', async () => {
    await assert.rejects(start('data/refused.parquet'), (error: Error) => {
      assert.match(error.message, /models\.demand\.sources\.streamQuarantine: "data\/refused\.parquet" does not read the stream's files/);
      return true;
    });
    await writeFile(join(dir, 'vigil.config.yaml'), configYaml(undefined));
    await assert.rejects(startLocalIngest(await loadConfig(join(dir, 'vigil.config.yaml'))), /models\.demand\.sources\.streamQuarantine: not set/);
  });

  it('answers 404 for a model it does not serve, 400 for a bad idempotency key and 422 for a key reused with other records', async () => {
    const running = await start();
    assert.equal((await fetch(`${running.origin}/v1/models/other/records`, { method: 'POST', body })).status, 404);
    assert.equal((await postRecords(running.recordsUrl('demand'), 'bad key!')).status, 400);
    assert.equal((await postRecords(running.recordsUrl('demand'), 'batch-9')).status, 200);
    const reused = await fetch(running.recordsUrl('demand'), { method: 'POST', body: 'other records', headers: { 'idempotency-key': 'batch-9' } });
    assert.equal(reused.status, 422);
    assert.match(((await reused.json()) as { error: string }).error, /Idempotency-Key "batch-9" was sent with other records/);
    assert.equal((await fetch(`${running.origin}/healthz`)).status, 200);
  });
});
