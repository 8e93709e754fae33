// The aws rigs' Athena stand-in starts a statement once per ClientRequestToken, as Athena does. A
// chaos run (aws, seeds 7, 12 and 20) failed without it: a connection reset after StartQueryExecution
// reached the stand-in made the SDK send the same start again, and the stand-in ran the window's
// quarantine UNLOAD a second time into the folder the first had filled (HIVE_PATH_ALREADY_EXISTS).
import assert from 'node:assert/strict';
import { AthenaClient, CreateWorkGroupCommand, GetQueryResultsCommand, StartQueryExecutionCommand } from '@aws-sdk/client-athena';
import { startMotoFeeder, type MotoFeeder } from '../support/aws-loop/moto-feeder.js';
import { startFaultFront, type FaultFront } from '../support/fault-front.js';
import { awsClientConfig, motoEndpoint, MOTO_STARTUP_TIMEOUT_MS } from '../support/moto.js';

const region = 'sa-east-1';
const workgroup = `vigil-start-once-${process.pid}`;

describe('the aws rigs: one Athena statement per start token', function () {
  let feeder: MotoFeeder;
  let front: FaultFront;
  let client: AthenaClient;
  /** Statements the stand-in ran; refuse: those it refuses (once each). */
  const ran: string[] = [];
  const refuse = new Set<string>();

  before(async function () {
    this.timeout(MOTO_STARTUP_TIMEOUT_MS);
    const moto = await motoEndpoint();
    feeder = await startMotoFeeder({
      upstream: moto,
      motoUrl: moto,
      hooks: {
        athenaQuery: (sql) => {
          ran.push(sql);
          if (refuse.delete(sql)) return Promise.reject(new Error(`refused: ${sql}`));
          return Promise.resolve({ columns: [{ Name: 'run', Type: 'integer' }], rows: [{ run: ran.length }] });
        },
        invokeEndpoint: () => Promise.reject(new Error('no endpoint here')),
        startPipelineExecution: () => Promise.resolve(),
      },
    });
    front = await startFaultFront(feeder.endpoint);
    client = new AthenaClient({ ...awsClientConfig(front.endpoint), region, maxAttempts: 3 });
    await client.send(new CreateWorkGroupCommand({ Name: workgroup, Configuration: {} }));
  });

  after(async () => {
    client?.destroy();
    await front?.stop();
    await feeder?.close();
  });

  const start = (sql: string, token?: string) =>
    client.send(new StartQueryExecutionCommand({ QueryString: sql, WorkGroup: workgroup, ResultConfiguration: { OutputLocation: 's3://vigil-start-once/' }, ...(token === undefined ? {} : { ClientRequestToken: token }) }));

  it('a start whose answer was lost is sent again by the SDK with its token, and the statement runs once', async () => {
    let resets = 0;
    front.inject((request) => (request.headers['x-amz-target'] === 'AmazonAthena.StartQueryExecution' && resets++ === 0 ? { kind: 'connection-reset', afterForwarding: true } : undefined));
    const before = ran.length;
    const started = await start(`UNLOAD (SELECT 1) TO 's3://vigil-start-once/${process.pid}/'`);
    front.inject(undefined);
    assert.equal(front.counts()['connection-reset after forwarding'], 1, 'the first answer was lost');
    assert.equal(ran.length - before, 1, 'the stand-in ran the statement once');
    const results = await client.send(new GetQueryResultsCommand({ QueryExecutionId: started.QueryExecutionId }));
    assert.deepEqual(results.ResultSet?.Rows?.at(-1)?.Data, [{ VarCharValue: String(ran.length) }], "the execution is the first start's");
  });

  it('the same token answers the same execution; another token starts another', async () => {
    const token = `token-${process.pid}-00000000000000000000000000`;
    const first = await start('SELECT 2', token);
    const again = await start('SELECT 2', token);
    assert.equal(again.QueryExecutionId, first.QueryExecutionId);
    const other = await start('SELECT 2', `${token}-other`);
    assert.notEqual(other.QueryExecutionId, first.QueryExecutionId);
    assert.equal(ran.filter((sql) => sql === 'SELECT 2').length, 2);
  });

  it('a refused start started nothing: its token starts anew', async () => {
    const token = `token-${process.pid}-11111111111111111111111111`;
    refuse.add('SELECT 3');
    await assert.rejects(start('SELECT 3', token), /refused: SELECT 3/);
    const retried = await start('SELECT 3', token);
    assert.ok(retried.QueryExecutionId);
    assert.equal(ran.filter((sql) => sql === 'SELECT 3').length, 2);
  });
});
