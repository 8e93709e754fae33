// Both stream logs, written twice for one chunk: the second write, cut shorter (it no longer holds
// one of the days), leaves no object of the first behind for that day, so no record is kept twice.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { ObjectStreamLog, chunkManifestKey } from '../../../src/adapters/shared/object-stream-log.js';
import { ParquetStreamLog } from '../../../src/adapters/local/duckdb/parquet-stream-log.js';
import { S3ObjectStore } from '../../../src/adapters/aws/s3/s3-object-store.js';
import { parseContract } from '../../../src/domain/contract/contract.js';
import { recordJudge } from '../../../src/domain/stream/judge-record.js';
import { streamChunks, type StreamChunk } from '../../../src/domain/stream/stream-batch.js';
import { awsClientConfig, motoEndpoint, MOTO_STARTUP_TIMEOUT_MS } from '../../support/moto.js';

const contract = parseContract({ model: 'demand', feature_schema_version: 1, features: [{ name: 'price', type: 'float' }] });
const judge = recordJudge(contract, { feature_schema_version: 1, contract_hash: 'h' });
const records = [
  { record_id: 'a', event_time: '2026-03-04T23:00:00Z', price: 1 },
  { record_id: 'b', event_time: '2026-03-04T23:30:00Z', price: 'x' },
  { record_id: 'c', event_time: '2026-03-05T01:00:00Z', price: 2 },
  { record_id: 'd', event_time: '2026-03-05T02:00:00Z', price: 'y' },
].map((fields, index) => judge({ sequence: String(100 + index), text: JSON.stringify(fields), arrivedAt: '2026-03-05T03:00:00.000Z' }));

/** The chunk of all four records (two days), and the same chunk delivered with the first two only. */
function chunks(): { whole: StreamChunk; shorter: StreamChunk } {
  const [whole] = streamChunks(records, 'shard-1', 10);
  const [shorter] = streamChunks(records.slice(0, 2), 'shard-1', 10);
  assert.ok(whole !== undefined && shorter !== undefined && whole.key === shorter.key);
  return { whole, shorter };
}

describe('stream logs rewriting a chunk', () => {
  it('Parquet (local): a day the rewrite no longer holds loses its file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vigil-stream-log-'));
    const log = new ParquetStreamLog({ contract, productionDir: join(dir, 'log'), quarantineDir: join(dir, 'quarantine') });
    try {
      const { whole, shorter } = chunks();
      await log.writeChunk(whole);
      const files = async (folder: string): Promise<string[]> => (await readdir(join(dir, folder), { recursive: true })).filter((name) => name.endsWith('.parquet')).sort();
      assert.deepEqual(await files('log'), ['date=2026-03-04/shard-1-100.parquet', 'date=2026-03-05/shard-1-100.parquet']);
      await log.writeChunk(shorter);
      assert.deepEqual(await files('log'), ['date=2026-03-04/shard-1-100.parquet']);
      assert.deepEqual(await files('quarantine'), ['date=2026-03-04/shard-1-100.parquet']);
    } finally {
      await log.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  describe('S3 (moto)', function () {
    let s3: S3Client;
    before(async function () {
      this.timeout(MOTO_STARTUP_TIMEOUT_MS);
      s3 = new S3Client({ ...awsClientConfig(await motoEndpoint()), forcePathStyle: true });
    });
    after(() => s3.destroy());

    it('a day the rewrite no longer holds loses its object; the manifest lists what the chunk holds', async () => {
      const bucket = `vigil-stream-log-${process.pid}-${Date.now()}`;
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
      const store = new S3ObjectStore({ bucket, client: s3 });
      const log = new ObjectStreamLog({ store, productionPrefix: 'log/', quarantinePrefix: 'quarantine/' });
      const { whole, shorter } = chunks();
      const objects = async (): Promise<string[]> => (await store.list('')).map((object) => object.key).sort();
      await log.writeChunk(whole);
      assert.deepEqual(await objects(), [
        'log/_vigil_chunks/shard-1-100.json',
        'log/date=2026-03-04/shard-1-100.ndjson.gz',
        'log/date=2026-03-05/shard-1-100.ndjson.gz',
        'quarantine/date=2026-03-04/shard-1-100.ndjson.gz',
        'quarantine/date=2026-03-05/shard-1-100.ndjson.gz',
      ]);
      await log.writeChunk(whole);
      await log.writeChunk(shorter);
      assert.deepEqual(await objects(), ['log/_vigil_chunks/shard-1-100.json', 'log/date=2026-03-04/shard-1-100.ndjson.gz', 'quarantine/date=2026-03-04/shard-1-100.ndjson.gz']);
      const manifest = JSON.parse(Buffer.from((await store.get(chunkManifestKey('log/', 'shard-1-100'))) ?? new Uint8Array()).toString('utf8')) as string[];
      assert.deepEqual(manifest.sort(), ['log/date=2026-03-04/shard-1-100.ndjson.gz', 'quarantine/date=2026-03-04/shard-1-100.ndjson.gz']);
    });
  });
});
