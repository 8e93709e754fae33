// S3ObjectStore against moto's S3 over real HTTP.
import assert from 'node:assert/strict';
import { CreateBucketCommand, GetBucketLifecycleConfigurationCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { S3ObjectStore } from '../../../../src/adapters/aws/s3/s3-object-store.js';
import { NonRetryableError } from '../../../../src/domain/errors.js';
import { useMotoClient } from '../../../support/moto.js';

let counter = 0;
function bucketName(): string {
  counter += 1;
  return `vigil-test-${process.pid}-${Date.now()}-${counter}`.toLowerCase();
}

describe('S3ObjectStore (moto)', function () {
  let client: S3Client;
  useMotoClient(
    // Path-style addressing: the bucket cannot be a subdomain of 127.0.0.1.
    (config) => new S3Client({ ...config, forcePathStyle: true }),
    (made) => {
      client = made;
    },
  );

  async function store(encryption?: ConstructorParameters<typeof S3ObjectStore>[0]['encryption']): Promise<{ bucket: string; objects: S3ObjectStore }> {
    const bucket = bucketName();
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
    return { bucket, objects: new S3ObjectStore({ bucket, client, ...(encryption === undefined ? {} : { encryption }) }) };
  }

  it('puts objects encrypted, reads them back, and says when one is missing', async () => {
    const { bucket, objects } = await store();
    await objects.put('evaluation/demand/v2/report.json', '{"rmse": 9.8}', 'application/json');
    const body = await objects.get('evaluation/demand/v2/report.json');
    assert.equal(new TextDecoder().decode(body), '{"rmse": 9.8}');
    const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: 'evaluation/demand/v2/report.json' }));
    assert.equal(head.ServerSideEncryption, 'AES256');
    assert.equal(head.ContentType, 'application/json');
    assert.equal(await objects.get('evaluation/missing.json'), undefined);
  });

  it('uses SSE-KMS with the configured key', async () => {
    const { bucket, objects } = await store({ type: 'SSE_KMS', kmsKeyId: 'alias/vigil' });
    await objects.put('staging/a.txt', 'x');
    const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: 'staging/a.txt' }));
    assert.equal(head.ServerSideEncryption, 'aws:kms');
  });

  it('lists by prefix across pages and deletes only what is older than the cutoff, in batches', async () => {
    const { objects } = await store();
    const keys = Array.from({ length: 1_050 }, (_, index) => `staging/demand/${String(index).padStart(4, '0')}.csv`);
    for (let offset = 0; offset < keys.length; offset += 50) {
      await Promise.all(keys.slice(offset, offset + 50).map((key) => objects.put(key, 'a,b\n1,2\n', 'text/csv')));
    }
    await objects.put('evaluation/keep.json', '{}');
    const listed = await objects.list('staging/');
    assert.equal(listed.length, 1_050, 'more than one page of 1,000');
    assert.ok(listed.every((object) => object.size > 0 && !Number.isNaN(Date.parse(object.lastModified))));

    const none = await objects.deleteOlderThan('staging/', '2000-01-01T00:00:00Z');
    assert.deepEqual(none.deleted, [], 'nothing is that old');
    const all = await objects.deleteOlderThan('staging/', new Date(Date.now() + 60_000).toISOString());
    assert.equal(all.deleted.length, 1_050, 'two delete batches');
    assert.deepEqual(await objects.list('staging/'), []);
    assert.equal((await objects.list('evaluation/')).length, 1, 'other prefixes untouched');
  });

  it('refuses an empty prefix or a bad cutoff instead of deleting everything', async () => {
    const { objects } = await store();
    await assert.rejects(objects.deleteOlderThan('', new Date().toISOString()), (error: unknown) => error instanceof NonRetryableError && /empty prefix/.test(error.message));
    await assert.rejects(objects.deleteOlderThan('staging/', 'yesterday'), /not a timestamp/);
  });

  it('applies lifecycle rules per prefix, idempotently', async () => {
    const { bucket, objects } = await store();
    const rules = [
      { id: 'vigil-staging', prefix: 'staging/', expireAfterDays: 7 },
      { id: 'vigil-athena-results', prefix: 'athena-results/', expireAfterDays: 3 },
    ];
    await objects.applyLifecycle(rules);
    await objects.applyLifecycle(rules);
    const lifecycle = await client.send(new GetBucketLifecycleConfigurationCommand({ Bucket: bucket }));
    const applied = (lifecycle.Rules ?? []).map((rule) => ({ id: rule.ID, prefix: rule.Filter?.Prefix, days: rule.Expiration?.Days, status: rule.Status }));
    assert.deepEqual(
      applied.sort((a, b) => String(a.id).localeCompare(String(b.id))),
      [
        { id: 'vigil-athena-results', prefix: 'athena-results/', days: 3, status: 'Enabled' },
        { id: 'vigil-staging', prefix: 'staging/', days: 7, status: 'Enabled' },
      ],
    );
    await assert.rejects(objects.applyLifecycle([{ id: 'bad', prefix: 'x/', expireAfterDays: 0 }]), /whole number of days/);
  });

  it('deletes one object, and deleting a missing one succeeds', async () => {
    const { objects } = await store();
    await objects.put('incidents/open/a.json', '{}');
    await objects.put('incidents/open/b.json', '{}');
    await objects.delete('incidents/open/a.json');
    await objects.delete('incidents/open/a.json');
    assert.deepEqual((await objects.list('incidents/')).map((object) => object.key), ['incidents/open/b.json']);
  });

  it('deletes given keys and whole prefixes, refusing an empty prefix', async () => {
    const { objects } = await store();
    for (const key of ['t/p=1/a', 't/p=1/b', 't/p=10/a', 't/p=2/a']) await objects.put(key, 'x');
    await objects.deleteKeys(['t/p=1/b', 't/missing']);
    assert.deepEqual(await objects.deletePrefix('t/p=1/'), ['t/p=1/a']);
    assert.deepEqual((await objects.list('t/')).map((object) => object.key), ['t/p=10/a', 't/p=2/a']);
    await assert.rejects(objects.deletePrefix(''), (error: unknown) => error instanceof NonRetryableError && /empty prefix/.test(error.message));
  });

  it('copies an object whose key needs URL-encoding, encrypted like a put', async () => {
    const { bucket, objects } = await store({ type: 'SSE_KMS', kmsKeyId: 'alias/vigil' });
    const from = 'staging/window_start=2024-05-01T00%3A00%3A00.000Z/part 0+1';
    await objects.put(from, 'rows');
    await objects.copy(from, 'results/part-0');
    assert.equal(new TextDecoder().decode(await objects.get('results/part-0')), 'rows');
    const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: 'results/part-0' }));
    assert.equal(head.ServerSideEncryption, 'aws:kms');
    await assert.rejects(
      objects.copy('staging/none', 'results/none'),
      (error: unknown) => error instanceof NonRetryableError && /copy s3:\/\/[^/]+\/staging\/none to/.test(error.message),
    );
  });

  it('maps a missing bucket to a non-retryable error naming it', async () => {
    const objects = new S3ObjectStore({ bucket: 'vigil-no-such-bucket', client });
    await assert.rejects(objects.list('x/'), (error: unknown) => error instanceof NonRetryableError && /s3:\/\/vigil-no-such-bucket\/x\//.test(error.message));
  });
});
