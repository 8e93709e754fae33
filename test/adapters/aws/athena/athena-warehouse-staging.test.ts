// AthenaWarehouse.stage/unstage against moto's Athena and S3 over real HTTP. moto runs no SQL: the
// tests read the statements it recorded and the objects on S3. The UNLOAD's effect (files at its
// target) is played by a middleware on the Athena client, which can also fail a chosen statement.
import assert from 'node:assert/strict';
import type { AthenaClient } from '@aws-sdk/client-athena';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { AthenaWarehouse } from '../../../../src/adapters/aws/athena/athena-warehouse.js';
import { isStagedTableName, stagedTableName, stagedTableTime } from '../../../../src/adapters/aws/athena/staged-table-name.js';
import { NonRetryableError } from '../../../../src/domain/errors.js';
import { MOTO_STARTUP_TIMEOUT_MS } from '../../../support/moto.js';
import { type AthenaMotoRig, athenaMotoClients, athenaMotoRig } from '../../../support/athena-moto-rig.js';

const region = 'eu-north-1';
const columns = [
  { name: 'record_id', type: 'text' as const },
  { name: 'event_time', type: 'timestamp' as const },
  { name: 'f_income', type: 'double' as const },
  { name: 'is_valid', type: 'boolean' as const },
];

describe('AthenaWarehouse staging (moto)', function () {
  let athena: AthenaClient;
  let s3: S3Client;
  /** Fails the statements it matches, as Athena would fail them. */
  let failing: RegExp | undefined;
  const opened: AthenaWarehouse[] = [];

  before(async function () {
    this.timeout(MOTO_STARTUP_TIMEOUT_MS);
    ({ athena, s3 } = await athenaMotoClients(region));
    athena.middlewareStack.add(
      (next, context) => async (args) => {
        const sql = (args.input as { QueryString?: string }).QueryString ?? '';
        if (context.commandName === 'StartQueryExecutionCommand') {
          if (failing?.test(sql) === true) throw new NonRetryableError(`refused: ${sql.split('\n')[0] ?? ''}`, 'SQL_ERROR');
          const target = /^UNLOAD \([\s\S]*\) TO 's3:\/\/([^/]+)\/(.*)' WITH/.exec(sql);
          if (target?.[1] !== undefined && target[2] !== undefined) {
            await s3.send(new PutObjectCommand({ Bucket: target[1], Key: `${target[2]}20261207_000000_00001_part_0`, Body: 'PAR1' }));
          }
        }
        return next(args);
      },
      { step: 'initialize', name: 'emulateUnload' },
    );
  });

  afterEach(() => {
    failing = undefined;
  });

  after(async function () {
    for (const warehouse of opened) await warehouse.close();
    athena?.destroy();
    s3?.destroy();
  });

  async function rig(options: { results?: boolean } = {}): Promise<AthenaMotoRig> {
    const made = await athenaMotoRig({ athena, s3 }, 'staging', options);
    opened.push(made.warehouse);
    return made;
  }

  function staging(warehouse: AthenaWarehouse): Required<Pick<AthenaWarehouse, 'stage' | 'unstage'>> {
    const { stage, unstage } = warehouse;
    assert.ok(stage !== undefined && unstage !== undefined, 'a warehouse with a results location stages');
    return { stage, unstage };
  }

  it('stages: UNLOADs the columns as Parquet under the results location, then declares a table of those types over them', async () => {
    const { warehouse, bucket, statements, objects } = await rig();
    const { table } = await staging(warehouse).stage('SELECT * FROM window_rows', { label: 'stage-window:demand', columns });
    assert.ok(isStagedTableName(table), table);
    const [unload, ddl, ...more] = await statements();
    assert.deepEqual(more, []);
    assert.equal(
      unload,
      `UNLOAD (\nSELECT "record_id", "event_time", "f_income", "is_valid"\nFROM (\nSELECT * FROM window_rows\n) AS staged\n) TO 's3://${bucket}/results/_staged/${table}/' WITH (format = 'PARQUET', compression = 'SNAPPY')`,
    );
    assert.equal(
      ddl,
      `CREATE EXTERNAL TABLE \`vigil\`.\`${table}\` (\n  \`record_id\` string,\n  \`event_time\` timestamp,\n  \`f_income\` double,\n  \`is_valid\` boolean\n)\n` +
        `STORED AS PARQUET\nLOCATION 's3://${bucket}/results/_staged/${table}/'`,
    );
    assert.deepEqual(await objects(), [`_staged/${table}/20261207_000000_00001_part_0`]);
  });

  it('unstages: drops the table and deletes its files, and nothing else', async () => {
    const { warehouse, bucket, statements, objects } = await rig();
    const { stage, unstage } = staging(warehouse);
    const first = (await stage('SELECT 1', { columns })).table;
    const second = (await stage('SELECT 2', { columns })).table;
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'results/monitoring_runs/x.parquet', Body: 'PAR1' }));
    await unstage(first);
    assert.equal((await statements()).at(-1), `DROP TABLE IF EXISTS \`vigil\`.\`${first}\``);
    assert.deepEqual(await objects(), [`_staged/${second}/20261207_000000_00001_part_0`, 'monitoring_runs/x.parquet']);
    await unstage(first);
    await assert.rejects(unstage('monitoring_runs'), (error: unknown) => error instanceof NonRetryableError && /"monitoring_runs" is not a staged table's name/.test(error.message));
    assert.deepEqual(await objects(), [`_staged/${second}/20261207_000000_00001_part_0`, 'monitoring_runs/x.parquet']);
  });

  it('removes what a failed staging made, and says what failed', async () => {
    const { warehouse, statements, objects } = await rig();
    failing = /^CREATE EXTERNAL TABLE/;
    await assert.rejects(staging(warehouse).stage('SELECT 1', { label: 'stage-labels:demand', columns }), /refused: CREATE EXTERNAL TABLE/);
    assert.deepEqual(await objects(), [], 'the unloaded files are deleted');
    const issued = await statements();
    assert.match(issued.at(-1) ?? '', /^DROP TABLE IF EXISTS `vigil`\.`vigil_staged_\w+`$/);
  });

  it('needs the columns, and a results location (without one the analysis reads the sources)', async () => {
    const { warehouse } = await rig();
    await assert.rejects(
      staging(warehouse).stage('SELECT 1', { label: 'stage-window:demand' }),
      (error: unknown) => error instanceof NonRetryableError && error.code === 'INVALID_INPUT' && /stage-window:demand needs the staged columns/.test(error.message),
    );
    const readOnly = (await rig({ results: false })).warehouse;
    assert.equal(readOnly.stage, undefined);
    assert.equal(readOnly.unstage, undefined);
  });

  it('sweeps the leftovers of a day ago when it stages, keeping recent ones', async () => {
    const { warehouse, bucket, statements, objects } = await rig();
    const old = stagedTableName(new Date(Date.now() - 25 * 60 * 60 * 1000));
    const recent = stagedTableName(new Date(Date.now() - 60 * 60 * 1000));
    for (const name of [old, recent]) await s3.send(new PutObjectCommand({ Bucket: bucket, Key: `results/_staged/${name}/part_0`, Body: 'PAR1' }));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'results/_staged/not_a_staged_table/part_0', Body: 'PAR1' }));
    const { table } = await staging(warehouse).stage('SELECT 1', { columns });
    assert.equal((await statements())[0], `DROP TABLE IF EXISTS \`vigil\`.\`${old}\``);
    assert.deepEqual(await objects(), [`_staged/${recent}/part_0`, `_staged/${table}/20261207_000000_00001_part_0`, '_staged/not_a_staged_table/part_0'].sort());
  });

  it('names staged tables by the time they were made, in lower case', () => {
    const name = stagedTableName(new Date('2026-12-07T19:45:03.250Z'));
    assert.match(name, /^vigil_staged_20261207t194503_[0-9a-f]{12}$/);
    assert.deepEqual(stagedTableTime(name), new Date('2026-12-07T19:45:03.000Z'));
    assert.notEqual(stagedTableName(new Date('2026-12-07T19:45:03.250Z')), name);
    for (const other of ['vigil_staged_20261207t194503', 'monitoring_runs', 'VIGIL_STAGED_20261207T194503_0123456789AB']) {
      assert.equal(isStagedTableName(other), false, other);
      assert.equal(stagedTableTime(other), undefined, other);
    }
  });
});
