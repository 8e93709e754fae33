// The stream path against moto: 10,000 records put on a Kinesis stream, read back with
// GetShardIterator/GetRecords, handed to the Lambda handler in the event shape Lambda gives it, and
// written to S3 (production log and quarantine) with per-reason counts in CloudWatch. Lambda itself
// cannot run here (no Docker), so the handler is called directly, and its esbuild bundle is loaded
// in a child process and called the same way.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import type { KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import { CreateStreamCommand, GetRecordsCommand, GetShardIteratorCommand, KinesisClient, ListShardsCommand, PutRecordsCommand, waitUntilStreamExists } from '@aws-sdk/client-kinesis';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { CloudWatchClient, ListMetricsCommand } from '@aws-sdk/client-cloudwatch';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { createStreamLambda } from '../../src/stream/lambda.js';
import { demoContract } from '../../src/demo/data/contract.js';
import { parseContract } from '../../src/domain/contract/contract.js';
import { contractHash } from '../../src/adapters/shared/contract-hash.js';
import { awsClientConfig, motoEndpoint, MOTO_STARTUP_TIMEOUT_MS } from '../support/moto.js';
import { startFaultFront, type FaultFront } from '../support/fault-front.js';
import { streamRecords, type GeneratedRecord } from '../support/stream-records.js';

const runFile = promisify(execFile);
const region = 'us-east-1';
const recordCount = 10_000;
const malformedEvery = 10;
const recordsPerObject = 1000;

interface ShardBatch {
  shard: string;
  event: KinesisStreamEvent;
}

describe('Kinesis stream handler (moto: Kinesis, S3, CloudWatch)', function () {
  this.timeout(300_000);
  const contract = parseContract(demoContract(), 'demo contract');
  const generated = streamRecords({ count: recordCount, seed: 13, start: '2026-11-02T22:00:00Z', malformedEvery });
  const byText = new Map<string, GeneratedRecord>(generated.map((record) => [record.text, record]));
  const saved = { ...process.env };
  const run = `${process.pid}-${Date.now()}`.toLowerCase();
  const bucket = `vigil-stream-${run}`;
  let moto: string;
  let dir: string;
  let contractPath: string;
  let kinesis: KinesisClient;
  let s3: S3Client;
  let cloudwatch: CloudWatchClient;
  let batches: ShardBatch[];

  function environment(prefix: string, endpoint: string): NodeJS.ProcessEnv {
    return {
      ...process.env,
      VIGIL_MODEL: contract.model,
      VIGIL_CONTRACT_PATH: contractPath,
      VIGIL_PRODUCTION_LOG_URI: `s3://${bucket}/${prefix}/production_log/`,
      VIGIL_QUARANTINE_URI: `s3://${bucket}/${prefix}/stream_quarantine/`,
      VIGIL_METRICS_NAMESPACE: `Vigil/${prefix}`,
      VIGIL_RECORDS_PER_OBJECT: String(recordsPerObject),
      AWS_ENDPOINT_URL: endpoint,
    };
  }

  /** Every line of every object under the prefix, parsed. */
  async function readLines(prefix: string): Promise<{ keys: string[]; lines: Record<string, unknown>[] }> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ...(token === undefined ? {} : { ContinuationToken: token }) }));
      // Chunk manifests sit beside the rows, in a folder table readers skip.
      keys.push(...(page.Contents ?? []).map((object) => object.Key ?? '').filter((key) => !key.includes('/_vigil_chunks/')));
      token = page.NextContinuationToken;
    } while (token !== undefined);
    const lines: Record<string, unknown>[] = [];
    for (const key of keys.sort()) {
      const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      const text = gunzipSync(Buffer.from(await (object.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray())).toString('utf8');
      for (const line of text.split('\n')) if (line !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
    }
    return { keys, lines };
  }

  before(async function () {
    this.timeout(MOTO_STARTUP_TIMEOUT_MS);
    moto = await motoEndpoint();
    // What Lambda's runtime gives the function; moto takes any credentials.
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_REGION: region });
    delete process.env.AWS_PROFILE;
    dir = await mkdtemp(join(tmpdir(), 'vigil-stream-'));
    contractPath = join(dir, 'contract.json');
    await writeFile(contractPath, JSON.stringify(demoContract()), 'utf8');
    const config = awsClientConfig(moto);
    // Kinesis's client speaks HTTP/2 by default; moto answers HTTP/1.1.
    kinesis = new KinesisClient({ ...config, requestHandler: new NodeHttpHandler() });
    s3 = new S3Client({ ...config, forcePathStyle: true });
    cloudwatch = new CloudWatchClient(config);
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));

    const streamName = `vigil-demand-features-${run}`;
    await kinesis.send(new CreateStreamCommand({ StreamName: streamName, ShardCount: 2 }));
    await waitUntilStreamExists({ client: kinesis, maxWaitTime: 60 }, { StreamName: streamName });
    for (let offset = 0; offset < generated.length; offset += 500) {
      const put = await kinesis.send(
        new PutRecordsCommand({
          StreamName: streamName,
          Records: generated.slice(offset, offset + 500).map((record) => ({ Data: Buffer.from(record.text, 'utf8'), PartitionKey: record.partitionKey })),
        }),
      );
      assert.equal(put.FailedRecordCount ?? 0, 0);
    }
    const shards = (await kinesis.send(new ListShardsCommand({ StreamName: streamName }))).Shards ?? [];
    const streamArn = `arn:aws:kinesis:${region}:123456789012:stream/${streamName}`;
    batches = [];
    for (const shard of shards) {
      const shardId = shard.ShardId ?? '';
      let iterator = (await kinesis.send(new GetShardIteratorCommand({ StreamName: streamName, ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON' }))).ShardIterator;
      const records: KinesisStreamRecord[] = [];
      while (iterator !== undefined) {
        const page = await kinesis.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 10_000 }));
        for (const record of page.Records ?? []) {
          records.push({
            kinesis: {
              kinesisSchemaVersion: '1.0',
              partitionKey: record.PartitionKey ?? '',
              sequenceNumber: record.SequenceNumber ?? '',
              data: Buffer.from(record.Data ?? new Uint8Array()).toString('base64'),
              approximateArrivalTimestamp: (record.ApproximateArrivalTimestamp ?? new Date()).getTime() / 1000,
            },
            eventSource: 'aws:kinesis',
            eventVersion: '1.0',
            eventID: `${shardId}:${record.SequenceNumber ?? ''}`,
            eventName: 'aws:kinesis:record',
            invokeIdentityArn: `arn:aws:iam::123456789012:role/vigil-stream`,
            awsRegion: region,
            eventSourceARN: streamArn,
          });
        }
        iterator = (page.Records ?? []).length === 0 ? undefined : page.NextShardIterator;
      }
      batches.push({ shard: shardId, event: { Records: records } });
    }
  });

  after(async () => {
    for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
    Object.assign(process.env, saved);
    kinesis.destroy();
    s3.destroy();
    cloudwatch.destroy();
    await rm(dir, { recursive: true, force: true });
  });

  it('reads back every record put, across the shards', () => {
    assert.equal(batches.length, 2);
    assert.equal(
      batches.reduce((sum, batch) => sum + batch.event.Records.length, 0),
      recordCount,
    );
  });

  it('quarantines bad records instead of throwing, writes exactly the valid rows in contract order, and a redelivered batch adds nothing', async () => {
    const handler = createStreamLambda(environment('clean', moto), { report: () => undefined });
    for (const { event } of batches) assert.deepEqual(await handler(event), { batchItemFailures: [] });

    const expectedValid = generated.filter((record) => record.expectedKind === undefined);
    const production = await readLines(`clean/production_log/`);
    const quarantine = await readLines(`clean/stream_quarantine/`);
    assert.equal(production.lines.length, expectedValid.length);
    assert.equal(quarantine.lines.length, recordCount - expectedValid.length);
    assert.equal(production.lines.length + quarantine.lines.length, recordCount);

    const order = ['record_id', 'event_time', ...contract.features.map((feature) => feature.name), 'prediction', 'model_version', 'feature_schema_version', 'contract_hash', 'stream_sequence'];
    const hash = contractHash(contract);
    for (const row of production.lines) {
      assert.deepEqual(Object.keys(row), order);
      assert.equal(row.feature_schema_version, contract.feature_schema_version);
      assert.equal(row.contract_hash, hash);
    }
    assert.deepEqual(production.lines.map((row) => row.record_id).sort(), expectedValid.map((record) => record.recordId).sort());
    // Coerced to the contract's types, with defaults filled in.
    assert.ok(production.lines.every((row) => typeof row.price === 'number' && typeof row.promo === 'boolean' && typeof row.temperature === 'number'));
    // Day partitions by event time (the records span midnight).
    assert.deepEqual([...new Set(production.keys.map((key) => /date=([\d-]+)\//.exec(key)?.[1]))].sort(), ['2026-11-02', '2026-11-03']);

    const expectedKinds = new Map<string, number>();
    for (const record of generated) if (record.expectedKind !== undefined) expectedKinds.set(record.expectedKind, (expectedKinds.get(record.expectedKind) ?? 0) + 1);
    const reasonCounts = new Map<string, number>();
    for (const entry of quarantine.lines) {
      const raw = String(entry.raw_record);
      const expected = byText.get(raw)?.expectedKind;
      assert.ok(expected !== undefined, `quarantined a record that is valid: ${raw}`);
      assert.ok(String(entry.reason).startsWith(expected.split(':')[0] ?? ''), `${String(entry.reason)} for ${expected}`);
      reasonCounts.set(expected, (reasonCounts.get(expected) ?? 0) + 1);
    }
    assert.deepEqual([...reasonCounts.entries()].sort(), [...expectedKinds.entries()].sort());

    // Delivered again whole (a timeout after writing): the same objects, nothing added.
    for (const { event } of batches) assert.deepEqual(await handler(event), { batchItemFailures: [] });
    const again = await readLines(`clean/production_log/`);
    assert.deepEqual(again.keys, production.keys);
    assert.equal(again.lines.length, expectedValid.length);
    assert.equal((await readLines(`clean/stream_quarantine/`)).lines.length, quarantine.lines.length);

    const metrics = await cloudwatch.send(new ListMetricsCommand({ Namespace: 'Vigil/clean', MetricName: 'stream_quarantine_reason' }));
    const subjects = new Set((metrics.Metrics ?? []).map((metric) => metric.Dimensions?.find((dimension) => dimension.Name === 'Subject')?.Value));
    assert.deepEqual([...subjects].sort(), [...expectedKinds.keys()].sort());
  });

  it('when S3 throttles, reports exactly the records not yet written, and the redelivery from there completes the log once', async () => {
    let front: FaultFront | undefined;
    try {
      front = await startFaultFront(moto);
      const handler = createStreamLambda(environment('throttled', front.endpoint), { report: () => undefined });
      const [first, second] = batches;
      assert.ok(first !== undefined && second !== undefined);
      // The third chunk of the first shard's batch cannot be written.
      const failingFrom = 2 * recordsPerObject;
      const failingSequence = first.event.Records[failingFrom]?.kinesis.sequenceNumber ?? '';
      front.failWhen((request) => request.method === 'PUT' && (request.url ?? '').includes(`${first.shard}-${failingSequence}`));
      const answer = await handler(first.event);
      assert.ok(front.faults() >= 1);
      assert.deepEqual(
        answer.batchItemFailures.map((failure) => failure.itemIdentifier),
        first.event.Records.slice(failingFrom).map((record) => record.kinesis.sequenceNumber),
      );
      front.failWhen(undefined);
      // Kinesis delivers again from the lowest failed sequence number.
      assert.deepEqual(await handler({ Records: first.event.Records.slice(failingFrom) }), { batchItemFailures: [] });
      assert.deepEqual(await handler(second.event), { batchItemFailures: [] });
      const production = await readLines(`throttled/production_log/`);
      const ids = production.lines.map((row) => String(row.record_id));
      assert.equal(new Set(ids).size, ids.length, 'a record was written twice');
      assert.equal(ids.length, generated.filter((record) => record.expectedKind === undefined).length);
    } finally {
      await front?.stop();
    }
  });

  it('the esbuild bundle loads in a plain Node process and handles a Kinesis event', async () => {
    const out = join(dir, 'bundle');
    await runFile(process.execPath, ['bin/bundle-stream-lambda.mjs', '--contract', contractPath, '--out', out]);
    const [batch] = batches;
    assert.ok(batch !== undefined);
    const eventPath = join(dir, 'event.json');
    await writeFile(eventPath, JSON.stringify({ Records: batch.event.Records.slice(0, 500) }), 'utf8');
    const script =
      `const { handler } = await import(${JSON.stringify(join(out, 'index.mjs'))});` +
      `const event = JSON.parse(await (await import('node:fs/promises')).readFile(${JSON.stringify(eventPath)}, 'utf8'));` +
      `process.stdout.write(JSON.stringify(await handler(event)));`;
    // The contract beside the function, as Lambda would find it; the bundle lies outside this
    // repository, so it cannot lean on its node_modules.
    const { VIGIL_CONTRACT_PATH: _packaged, ...bundleEnv } = environment('bundled', moto);
    const { stdout } = await runFile(process.execPath, ['--input-type=module', '-e', script], { cwd: out, env: { ...bundleEnv, LAMBDA_TASK_ROOT: out } });
    const answer = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as unknown;
    assert.deepEqual(answer, { batchItemFailures: [] });
    const production = await readLines(`bundled/production_log/`);
    const valid = batch.event.Records.slice(0, 500).filter((record) => byText.get(Buffer.from(record.kinesis.data, 'base64').toString('utf8'))?.expectedKind === undefined);
    assert.equal(production.lines.length, valid.length);
  });
});
