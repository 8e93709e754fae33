// The local incident file: what the dashboard's overview lists as open, after saves and closes.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileIncidentStore } from '../../../../src/adapters/local/files/file-incident-store.js';
import type { Incident } from '../../../../src/ports/incident-store.js';

const incident = (model: string, kind: string, openedAt: string): Incident => ({
  key: `${model}:${kind}`,
  model,
  kind,
  openedAt,
  lastSeenAt: openedAt,
  lastWindowEnd: openedAt,
  occurrences: 1,
  messageRefs: {},
});

describe('FileIncidentStore', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vigil-incidents-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('lists the open incidents, oldest first, without the closed ones; none before the file exists', async () => {
    const store = new FileIncidentStore(join(dir, 'incidents.json'));
    assert.deepEqual(await store.listOpen(), []);
    await store.save(incident('demand', 'performance', '2026-10-12T00:00:00.000Z'));
    await store.save(incident('demand', 'drift', '2026-10-09T00:00:00.000Z'));
    await store.save(incident('churn', 'bias', '2026-10-10T00:00:00.000Z'));
    await store.close('churn:bias', '2026-10-11T00:00:00.000Z', '2026-10-11T00:00:00.000Z');
    // Another reader of the same file (the dashboard beside the worker) sees the same.
    const reader = new FileIncidentStore(join(dir, 'incidents.json'));
    assert.deepEqual((await reader.listOpen()).map((open) => open.key), ['demand:drift', 'demand:performance']);
    assert.equal(await reader.closedThrough('churn:bias'), '2026-10-11T00:00:00.000Z');
  });
});
