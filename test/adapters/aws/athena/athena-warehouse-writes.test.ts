// AthenaWarehouse writes against moto's Athena and S3 over real HTTP. moto runs no SQL: the tests
// read the statements it recorded (ListQueryExecutions + GetQueryExecution) and the objects on S3,
// and read the Parquet files back with DuckDB. The UNLOAD's own effect (files at its target) is
// played by a middleware on the Athena client, which also fails the query, as Athena does, when
// the target is not empty. Own region and workgroup per test, so other suites' state never mixes in.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AthenaClient, ListQueryExecutionsCommand } from '@aws-sdk/client-athena';
import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { DuckDBInstance } from '@duckdb/node-api';
import { keyObjectStem } from '../../../../src/adapters/aws/athena/result-layout.js';
import { AthenaWarehouse } from '../../../../src/adapters/aws/athena/athena-warehouse.js';
import { NonRetryableError } from '../../../../src/domain/errors.js';
import { biViewNames } from '../../../../src/domain/dashboard/bi-views.js';
import { resultTableNames } from '../../../../src/domain/sql/tables.js';
import type { Row } from '../../../../src/domain/sql/row.js';
import { MOTO_STARTUP_TIMEOUT_MS } from '../../../support/moto.js';
import { type AthenaMotoRig, athenaMotoClients, athenaMotoRig } from '../../../support/athena-moto-rig.js';
import { metricRow, windowStart } from '../../../support/result-rows.js';

const region = 'eu-west-3';
const startFolder = 'window_start=2024-05-01T00%3A00%3A00.000Z';
let counter = 0;

function deploymentRow(id: string, status: string): Row {
  return {
    id,
    at: '2024-05-02T06:00:00.000Z',
    model_version: 'v4',
    endpoint: 'demand-staging',
    stage: 'staging',
    action: 'deploy',
    status,
    previous_version: null,
    workflow_id: 'wf-1',
    run_id: 'run-1',
    detail: null,
    model: 'demand',
  };
}

function scoredRow(recordId: string, model: string, prediction: number): Row {
  return { record_id: recordId, prediction, model_version: 'v3', endpoint: `${model}-prod`, scored_at: '2024-05-02T06:00:00.000Z', model };
}

describe('AthenaWarehouse writes (moto)', function () {
  let athena: AthenaClient;
  let s3: S3Client;
  let scratch: string;
  let duckdb: DuckDBInstance;
  const opened: AthenaWarehouse[] = [];

  before(async function () {
    this.timeout(MOTO_STARTUP_TIMEOUT_MS);
    ({ athena, s3 } = await athenaMotoClients(region));
    scratch = await mkdtemp(join(tmpdir(), 'vigil-athena-writes-'));
    duckdb = await DuckDBInstance.create(':memory:');
    athena.middlewareStack.add(
      (next, context) => async (args) => {
        const input = args.input as { QueryString?: string };
        if (context.commandName === 'StartQueryExecutionCommand' && input.QueryString?.startsWith('UNLOAD') === true) {
          await beforeUnload?.(input.QueryString);
          await emulateUnload(input.QueryString);
        }
        return next(args);
      },
      { step: 'initialize', name: 'emulateUnload' },
    );
  });

  after(async function () {
    for (const warehouse of opened) await warehouse.close();
    athena?.destroy();
    s3?.destroy();
    duckdb?.closeSync();
    if (scratch !== undefined) await rm(scratch, { recursive: true, force: true });
  });

  /** Runs as an UNLOAD starts (a test's stand-in for a query of an earlier attempt still writing). */
  let beforeUnload: ((sql: string) => Promise<void>) | undefined;

  const unloadTarget = (sql: string): string => /\) TO 's3:\/\/[^/]+\/(.*)' WITH/.exec(sql)?.[1] ?? '';

  /** Athena writes the UNLOAD's files at its target, and refuses a target that holds objects. */
  async function emulateUnload(sql: string): Promise<void> {
    const match = /\) TO 's3:\/\/([^/]+)\/(.*)' WITH/.exec(sql);
    assert.ok(match?.[1] !== undefined && match[2] !== undefined, 'UNLOAD names an s3:// target');
    const [bucket, prefix] = [match[1], match[2]];
    const present = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
    assert.equal(present.KeyCount ?? 0, 0, `UNLOAD target s3://${bucket}/${prefix} must be empty`);
    for (const part of ['0', '1']) {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: `${prefix}20240502_060000_00001_unload_${part}`, Body: 'PAR1' }));
    }
  }

  interface Rig extends AthenaMotoRig {
    /** A Parquet object read back: its schema and rows. */
    parquet: (key: string) => Promise<{ schema: Record<string, string>; rows: Record<string, unknown>[] }>;
  }

  async function rig(): Promise<Rig> {
    const made = await athenaMotoRig({ athena, s3 }, 'writes');
    opened.push(made.warehouse);
    const { bucket } = made;
    return {
      ...made,
      parquet: async (key) => {
        const body = await (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: `results/${key}` }))).Body?.transformToByteArray();
        assert.ok(body !== undefined);
        counter += 1;
        const file = join(scratch, `${counter}.parquet`);
        await writeFile(file, body);
        const connection = await duckdb.connect();
        try {
          const columns = await connection.runAndReadAll(`SELECT name, type FROM parquet_schema('${file}') WHERE type IS NOT NULL`);
          const schema = Object.fromEntries(columns.getRows().map(([name, type]) => [String(name), String(type)]));
          const rows = (await connection.runAndReadAll(`SELECT * FROM read_parquet('${file}')`)).getRowObjectsJson();
          return { schema, rows };
        } finally {
          connection.closeSync();
        }
      },
    };
  }

  const metricsKey = { model: 'demand', window_start: windowStart };
  const metricsFolder = `monitoring_metrics/model=demand/${startFolder}/`;

  it('ensureResultTables issues CREATE EXTERNAL TABLE for each result table at the results location, then CREATE OR REPLACE VIEW for each BI view', async function () {
    const { warehouse, bucket, statements } = await rig();
    await warehouse.ensureResultTables();
    const ddl = await statements();
    assert.equal(ddl.length, resultTableNames.length + biViewNames.length);
    assert.deepEqual(
      ddl.slice(resultTableNames.length).map((sql) => /^CREATE OR REPLACE VIEW "vigil"\."(\w+)" AS\n/.exec(sql)?.[1]),
      [...biViewNames],
    );
    resultTableNames.forEach((table, i) => {
      assert.ok(ddl[i]?.startsWith(`CREATE EXTERNAL TABLE IF NOT EXISTS \`vigil\`.\`${table}\``), ddl[i]);
      assert.ok(ddl[i]?.includes(`LOCATION 's3://${bucket}/results/${table}/'`), ddl[i]);
      assert.ok(ddl[i]?.includes('STORED AS PARQUET'));
    });
  });

  it('replaceRows writes one encrypted Parquet object of the data columns under the partition folder, and registers the partition', async function () {
    const { warehouse, bucket, statements, objects, parquet } = await rig();
    await warehouse.replaceRows('monitoring_metrics', metricsKey, [metricRow(), metricRow({ subject: 'footfall', value: null, breached: true })]);
    const written = await objects();
    assert.deepEqual(written, [`${metricsFolder}${keyObjectStem(metricsKey)}.parquet`]);
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: `results/${written[0]}` }));
    assert.equal(head.ServerSideEncryption, 'AES256');
    const { schema, rows } = await parquet(written[0] ?? '');
    assert.deepEqual(schema, {
      window_end: 'BYTE_ARRAY',
      as_of: 'BYTE_ARRAY',
      run_id: 'BYTE_ARRAY',
      group_name: 'BYTE_ARRAY',
      subject: 'BYTE_ARRAY',
      metric: 'BYTE_ARRAY',
      value: 'DOUBLE',
      threshold: 'DOUBLE',
      breached: 'BOOLEAN',
      model_version: 'BYTE_ARRAY',
      config_hash: 'BYTE_ARRAY',
      query_id: 'BYTE_ARRAY',
    });
    const { model: _model, window_start: _start, ...data } = metricRow();
    assert.deepEqual(rows, [data, { ...data, subject: 'footfall', value: null, breached: true }]);
    assert.deepEqual(await statements(), [
      "ALTER TABLE `vigil`.`monitoring_metrics` ADD IF NOT EXISTS PARTITION (`model` = 'demand', `window_start` = '2024-05-01T00:00:00.000Z') " +
        `LOCATION 's3://${bucket}/results/${metricsFolder}'`,
    ]);
  });

  it('a rerun replaces the key: still one object, with the new values, and the partition is registered once', async function () {
    const { warehouse, statements, objects, parquet } = await rig();
    await warehouse.replaceRows('monitoring_metrics', metricsKey, [metricRow(), metricRow({ subject: 'footfall' })]);
    await warehouse.replaceRows('monitoring_metrics', metricsKey, [metricRow({ run_id: 'run-2', value: 0.5 })]);
    const written = await objects();
    assert.equal(written.length, 1);
    const { rows } = await parquet(written[0] ?? '');
    assert.deepEqual(
      rows.map((row) => [row['run_id'], row['value']]),
      [['run-2', 0.5]],
    );
    assert.equal((await statements()).filter((sql) => sql.startsWith('ALTER TABLE')).length, 1);
  });

  it('replacing a whole partition removes every other object in it, and only in it', async function () {
    const { warehouse, objects } = await rig();
    const narrower = { ...metricsKey, run_id: 'run-0' };
    await warehouse.replaceRows('monitoring_metrics', narrower, [metricRow({ run_id: 'run-0' })]);
    const otherWindow = { model: 'demand', window_start: '2024-05-02T00:00:00.000Z' };
    await warehouse.replaceRows('monitoring_metrics', otherWindow, [metricRow(otherWindow)]);
    assert.equal((await objects()).length, 2);
    await warehouse.replaceRows('monitoring_metrics', metricsKey, [metricRow()]);
    assert.deepEqual(await objects(), [
      `${metricsFolder}${keyObjectStem(metricsKey)}.parquet`,
      `monitoring_metrics/model=demand/window_start=2024-05-02T00%3A00%3A00.000Z/${keyObjectStem(otherWindow)}.parquet`,
    ]);
  });

  it('keeps another key of the same partition, and an empty replace removes only its own key', async function () {
    const { warehouse, objects, parquet, statements } = await rig();
    await warehouse.replaceRows('deployments', { id: 'd1' }, [deploymentRow('d1', 'started')]);
    await warehouse.replaceRows('deployments', { id: 'd2' }, [deploymentRow('d2', 'started')]);
    await warehouse.replaceRows('deployments', { id: 'd1' }, [deploymentRow('d1', 'succeeded')]);
    const d1 = `deployments/model=demand/${keyObjectStem({ id: 'd1' })}.parquet`;
    const d2 = `deployments/model=demand/${keyObjectStem({ id: 'd2' })}.parquet`;
    assert.deepEqual(await objects(), [d1, d2].sort());
    assert.equal((await parquet(d1)).rows[0]?.['status'], 'succeeded');
    assert.equal((await parquet(d2)).rows[0]?.['status'], 'started');
    assert.equal((await parquet(d1)).schema['model'], undefined, 'the partition column lives in the folder name');

    // Without rows the key says nothing of the partition: the key's objects are found in any.
    await warehouse.replaceRows('deployments', { id: 'd1' }, []);
    assert.deepEqual(await objects(), [d2]);
    await warehouse.replaceRows('monitoring_metrics', metricsKey, [metricRow()]);
    await warehouse.replaceRows('monitoring_metrics', metricsKey, []);
    assert.deepEqual(await objects('monitoring_metrics/'), []);
    assert.equal((await statements()).filter((sql) => sql.includes('`deployments`')).length, 1);
  });

  it('writes unpartitioned tables at the table folder without registering anything', async function () {
    const { warehouse, objects, statements } = await rig();
    const event = { id: 'e1', at: windowStart, actor: 'scheduler', action: 'monitor', model: 'demand', detail: '{}', workflow_id: null, run_id: null };
    await warehouse.replaceRows('audit_events', { id: 'e1' }, [event]);
    await warehouse.replaceRows('audit_events', { id: 'e1' }, [event]);
    assert.deepEqual(await objects(), [`audit_events/${keyObjectStem({ id: 'e1' })}.parquet`]);
    assert.deepEqual(await statements(), []);
  });

  it('refuses invalid rows before writing anything, naming the table, column and value', async function () {
    const { warehouse, objects, statements } = await rig();
    const refused = (pattern: RegExp) => (error: unknown) => error instanceof NonRetryableError && error.code === 'INVALID_INPUT' && pattern.test(error.message);
    const { value: _value, ...missing } = metricRow();
    await assert.rejects(warehouse.replaceRows('monitoring_metrics', metricsKey, [missing]), refused(/monitoring_metrics row 0: column "value" is missing/));
    await assert.rejects(
      warehouse.replaceRows('monitoring_metrics', metricsKey, [metricRow(), metricRow({ run_id: null })]),
      refused(/monitoring_metrics row 1: column "run_id" is NOT NULL, got null/),
    );
    await assert.rejects(
      warehouse.replaceRows('monitoring_metrics', metricsKey, [metricRow({ value: 'high' })]),
      refused(/monitoring_metrics row 0: column "value" \(double\) needs a number, got string "high"/),
    );
    await assert.rejects(
      warehouse.appendRows('scored_predictions', [scoredRow('r1', 'demand', 1), { ...scoredRow('r2', 'demand', 1), prediction: true }]),
      refused(/scored_predictions row 1: column "prediction" \(double\) needs a number, got boolean true/),
    );
    await assert.rejects(warehouse.replaceRows('metric_points', {}, []), /metric_points is not a result table/);
    assert.deepEqual(await objects(), []);
    assert.deepEqual(await statements(), []);
  });

  it('replaceFromQuery UNLOADs the data columns to a folder of its own, then moves the files into the emptied partition and registers it', async function () {
    const { warehouse, bucket, objects, statements } = await rig();
    const key = { model: 'demand', window_start: windowStart };
    const folder = `quarantine/model=demand/${startFolder}/`;
    const old = { window_end: '2024-05-02T00:00:00.000Z', record_id: 'r0', reason: 'old', raw_record: '{}', quarantined_at: windowStart, ...key };
    await warehouse.replaceRows('quarantine', { ...key, record_id: 'r0' }, [old]);
    await warehouse.replaceRows('quarantine', { ...key, record_id: 'r1' }, [{ ...old, record_id: 'r1' }]);
    assert.equal((await objects()).length, 2);
    const select = 'SELECT * FROM checked_rows';
    const result = await warehouse.replaceFromQuery('quarantine', key, select, { label: 'quarantine:demand' });
    assert.deepEqual(await objects(), [`${folder}20240502_060000_00001_unload_0`, `${folder}20240502_060000_00001_unload_1`]);
    assert.deepEqual(await objects('_unload/'), [], 'the staging folder is emptied');
    const sql = await statements();
    const unload = sql.find((statement) => statement.startsWith('UNLOAD'));
    assert.ok(unload !== undefined);
    assert.match(unload, /^UNLOAD \(\nSELECT\n {2}CAST\("window_end" AS VARCHAR\) AS "window_end",\n[^]*CAST\("quarantined_at" AS VARCHAR\) AS "quarantined_at"\nFROM \(\nSELECT \* FROM checked_rows\n\) AS replacement\n/);
    assert.doesNotMatch(unload.split('FROM (')[0] ?? '', /"model"|"window_start"/, 'partition columns are not in the files');
    assert.match(unload, new RegExp(`\\) TO 's3://${bucket}/results/_unload/quarantine/${keyObjectStem(key)}/[0-9a-f-]{36}/' WITH \\(format = 'PARQUET', compression = 'SNAPPY'\\)$`));
    const executions = (await athena.send(new ListQueryExecutionsCommand({ WorkGroup: warehouse.workgroup }))).QueryExecutionIds ?? [];
    assert.ok(executions.includes(result.queryId), 'the UNLOAD is the query returned');
    assert.deepEqual(result.rows, []);
    assert.equal(sql.filter((statement) => statement.startsWith('ALTER TABLE `vigil`.`quarantine`')).length, 1);

    // A rerun empties the UNLOAD's files too (the emulation fails it otherwise).
    await warehouse.replaceFromQuery('quarantine', key, select);
    assert.equal((await objects()).length, 2);
  });

  it('replaceFromQuery with a key narrower than its partition moves the UNLOAD files in under the key, keeping other keys', async function () {
    const { warehouse, bucket, objects, statements } = await rig();
    const key = { model: 'demand', window_start: windowStart, window_end: '2024-05-02T00:00:00.000Z' };
    const folder = `quarantine/model=demand/${startFolder}/`;
    const stem = keyObjectStem(key);
    const other = { model: 'demand', window_start: windowStart, record_id: 'kept' };
    await warehouse.replaceRows('quarantine', other, [{ window_end: '2024-05-03T00:00:00.000Z', reason: 'r', raw_record: '{}', quarantined_at: windowStart, ...other }]);
    await warehouse.replaceFromQuery('quarantine', key, 'SELECT * FROM checked_rows');
    await warehouse.replaceFromQuery('quarantine', key, 'SELECT * FROM checked_rows');
    assert.deepEqual(await objects(), [
      `${folder}${keyObjectStem(other)}.parquet`,
      `${folder}${stem}-20240502_060000_00001_unload_0`,
      `${folder}${stem}-20240502_060000_00001_unload_1`,
    ].sort());
    assert.deepEqual(await objects('_unload/'), [], 'the staging folder is emptied');
    const unload = (await statements()).find((statement) => statement.startsWith('UNLOAD')) ?? '';
    assert.match(unload, /WHERE "model" = 'demand' AND "window_start" = '2024-05-01T00:00:00.000Z' AND "window_end" = '2024-05-02T00:00:00.000Z'\n/);
    assert.match(unload, new RegExp(`TO 's3://${bucket}/results/_unload/quarantine/${stem}/[0-9a-f-]{36}/'`));
    await assert.rejects(warehouse.replaceFromQuery('quarantine', { model: 'demand' }, 'SELECT 1'), /needs the partition column window_start in its key/);
  });

  it('replaceFromQuery is not disturbed by an UNLOAD of an earlier attempt still writing: its files stay out of the table', async function () {
    const { warehouse, bucket, objects, statements } = await rig();
    const key = { model: 'demand', window_start: windowStart };
    const folder = `quarantine/model=demand/${startFolder}/`;
    await warehouse.replaceFromQuery('quarantine', key, 'SELECT * FROM checked_rows');
    const first = unloadTarget((await statements()).find((statement) => statement.startsWith('UNLOAD')) ?? '');
    // The earlier attempt's query, outliving its worker, writes to its target after the retry's cleanup.
    beforeUnload = async () => {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: `${first}20240502_050000_00009_unload_0`, Body: 'PAR1' }));
    };
    try {
      await warehouse.replaceFromQuery('quarantine', key, 'SELECT * FROM checked_rows');
    } finally {
      beforeUnload = undefined;
    }
    const targets = (await statements()).filter((statement) => statement.startsWith('UNLOAD')).map(unloadTarget);
    assert.equal(new Set(targets).size, 2, 'each call UNLOADs to its own folder');
    assert.deepEqual((await objects(folder)), [`${folder}20240502_060000_00001_unload_0`, `${folder}20240502_060000_00001_unload_1`], 'the late files are not in the partition');
  });

  it('appendRows writes one object per partition named by its rows, so a retry adds nothing', async function () {
    const { warehouse, objects, parquet, statements } = await rig();
    const rows = [scoredRow('r1', 'demand', 10.5), scoredRow('r1', 'fraud', 0.25), scoredRow('r2', 'demand', 7)];
    await warehouse.appendRows('scored_predictions', rows);
    const first = await objects();
    assert.equal(first.length, 2);
    assert.ok(first.every((key) => /^scored_predictions\/model=(demand|fraud)\/a-[0-9a-f]{32}\.parquet$/.test(key)), first.join());
    await warehouse.appendRows('scored_predictions', rows);
    assert.deepEqual(await objects(), first);
    const demand = first.find((key) => key.includes('model=demand')) ?? '';
    const read = await parquet(demand);
    assert.deepEqual(read.schema, { record_id: 'BYTE_ARRAY', prediction: 'DOUBLE', model_version: 'BYTE_ARRAY', endpoint: 'BYTE_ARRAY', scored_at: 'BYTE_ARRAY' });
    assert.deepEqual(
      read.rows.map((row) => [row['record_id'], row['prediction']]),
      [
        ['r1', 10.5],
        ['r2', 7],
      ],
    );
    await warehouse.appendRows('scored_predictions', [scoredRow('r3', 'demand', 1)]);
    assert.equal((await objects()).length, 3);
    await warehouse.appendRows('scored_predictions', []);
    assert.equal((await statements()).filter((sql) => sql.startsWith('ALTER TABLE')).length, 2);
  });

  it('refuses writes when no results location is configured', async function () {
    const { workgroup, bucket } = await rig();
    const readOnly = new AthenaWarehouse({ client: athena, workgroup, database: 'vigil', outputLocation: `s3://${bucket}/athena-output/` });
    opened.push(readOnly);
    const notConfigured = (error: unknown): boolean => error instanceof NonRetryableError && error.code === 'NOT_CONFIGURED' && /results option/.test(error.message);
    await assert.rejects(readOnly.replaceRows('monitoring_metrics', metricsKey, []), notConfigured);
    await assert.rejects(readOnly.replaceFromQuery('quarantine', metricsKey, 'SELECT 1'), notConfigured);
    await assert.rejects(readOnly.appendRows('scored_predictions', []), notConfigured);
    await assert.rejects(readOnly.ensureResultTables(), notConfigured);
  });
});
