// S3IncidentStore on S3ObjectStore against moto's S3 over real HTTP.
import assert from 'node:assert/strict';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { S3IncidentStore, safeSegment } from '../../../../src/adapters/aws/s3/s3-incident-store.js';
import { S3ObjectStore } from '../../../../src/adapters/aws/s3/s3-object-store.js';
import { NonRetryableError } from '../../../../src/domain/errors.js';
import type { Incident } from '../../../../src/ports/incident-store.js';
import { useMotoClient } from '../../../support/moto.js';

let counter = 0;

function incident(overrides: Partial<Incident> = {}): Incident {
  return {
    key: 'demand:drift',
    model: 'demand',
    kind: 'drift',
    openedAt: '2024-05-01T06:00:00.000Z',
    lastSeenAt: '2024-05-02T06:00:00.000Z',
    lastWindowEnd: '2024-05-02T00:00:00.000Z',
    occurrences: 2,
    messageRefs: { slack: 'C123:1700000000.000100' },
    ...overrides,
  };
}

describe('S3IncidentStore (moto)', function () {
  let client: S3Client;
  useMotoClient(
    (config) => new S3Client({ ...config, forcePathStyle: true }),
    (made) => {
      client = made;
    },
  );

  async function objects(): Promise<S3ObjectStore> {
    counter += 1;
    const bucket = `vigil-incidents-${process.pid}-${counter}`;
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
    return new S3ObjectStore({ bucket, client });
  }

  it('keeps an open incident as JSON under incidents/open/, and says when there is none', async () => {
    const store = await objects();
    const incidents = new S3IncidentStore({ objects: store, prefix: 'vigil' });
    assert.equal(await incidents.open('demand:drift'), undefined);
    await incidents.save(incident());
    await incidents.save(incident({ occurrences: 3 }));
    assert.deepEqual(await incidents.open('demand:drift'), incident({ occurrences: 3 }));
    assert.deepEqual(
      (await store.list('')).map((object) => object.key),
      ['vigil/incidents/open/demand%3Adrift.json'],
    );
  });

  it('close moves the record to the dated history and removes the open one; closing again does nothing', async () => {
    const store = await objects();
    const incidents = new S3IncidentStore({ objects: store });
    await incidents.save(incident());
    await incidents.save(incident({ key: 'demand:quality', kind: 'quality' }));
    await incidents.close('demand:drift', '2024-05-03T06:00:00.000Z');
    await incidents.close('demand:drift', '2024-05-03T07:00:00.000Z');
    assert.equal(await incidents.open('demand:drift'), undefined);
    assert.equal((await incidents.open('demand:quality'))?.kind, 'quality');
    const closedKey = 'incidents/closed/2024-05-03/demand%3Adrift-2024-05-03T06%3A00%3A00.000Z.json';
    assert.deepEqual(
      (await store.list('incidents/')).map((object) => object.key).sort(),
      [closedKey, 'incidents/open/demand%3Aquality.json'],
    );
    const closed = JSON.parse(new TextDecoder().decode(await store.get(closedKey))) as unknown;
    assert.deepEqual(closed, { ...incident(), closedAt: '2024-05-03T06:00:00.000Z' });

    // A reopened and closed incident adds to the history.
    await incidents.save(incident({ openedAt: '2024-05-05T06:00:00.000Z' }));
    await incidents.close('demand:drift', '2024-05-06T06:00:00.000Z');
    assert.equal((await store.list('incidents/closed/')).length, 2);
  });

  it('remembers the newest clean window that closed an incident', async () => {
    const incidents = new S3IncidentStore({ objects: await objects() });
    assert.equal(await incidents.closedThrough('demand:drift'), undefined);
    await incidents.save(incident());
    await incidents.close('demand:drift', '2024-05-03T06:00:00.000Z', '2024-05-03T00:00:00.000Z');
    assert.equal(await incidents.closedThrough('demand:drift'), '2024-05-03T00:00:00.000Z');
    await incidents.save(incident());
    await incidents.close('demand:drift', '2024-05-04T06:00:00.000Z', '2024-05-01T00:00:00.000Z');
    assert.equal(await incidents.closedThrough('demand:drift'), '2024-05-03T00:00:00.000Z', 'an older window does not move it back');
  });

  it('encodes keys into one safe path segment', () => {
    assert.equal(safeSegment('demand:deploy:v2/a b*'), 'demand%3Adeploy%3Av2%2Fa%20b%2A');
  });

  it('fails clearly on a damaged record or a bad close time', async () => {
    const store = await objects();
    const incidents = new S3IncidentStore({ objects: store });
    await store.put('incidents/open/demand%3Adrift.json', '{not json');
    await assert.rejects(incidents.open('demand:drift'), (error: unknown) => error instanceof NonRetryableError && /incidents\/open\/demand%3Adrift\.json is not valid JSON/.test(error.message));
    await assert.rejects(incidents.close('demand:drift', 'tomorrow'), /"tomorrow" is not a timestamp/);
  });
});
