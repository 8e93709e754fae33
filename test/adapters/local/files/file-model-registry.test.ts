import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileModelRegistry } from '../../../../src/adapters/local/files/file-model-registry.js';
import { NonRetryableError } from '../../../../src/domain/errors.js';

const candidate = (version: string, registeredAt = '2026-10-25T06:00:00.000Z') => ({
  model: 'demand',
  version,
  artifactUri: `/data/models/demand/${version}.json`,
  registeredAt,
  metrics: { rmse: 12.5, champion_rmse: 14, mae: null },
  origin: { reason: 'drift', workflowId: `vigil-retrain-demand-${version}` },
});

describe('FileModelRegistry', () => {
  let dir: string;
  let registry: FileModelRegistry;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vigil-registry-'));
    registry = new FileModelRegistry(dir);
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('registers a candidate as pending, once per version', async () => {
    const first = await registry.register(candidate('v2'));
    assert.deepEqual(first, { ...candidate('v2'), status: 'PendingManualApproval' });
    const again = await registry.register({ ...candidate('v2'), registeredAt: '2026-10-26T00:00:00.000Z', metrics: {} });
    assert.deepEqual(again, first);
    assert.deepEqual(await registry.list('demand'), [first]);
    assert.deepEqual(await registry.get('demand', 'v2'), first);
    assert.equal(await registry.get('demand', 'v9'), undefined);
  });

  it('refuses a second artifact under a registered version', async () => {
    await registry.register(candidate('v2'));
    await assert.rejects(registry.register({ ...candidate('v2'), artifactUri: '/elsewhere.json' }), (error: unknown) => {
      assert.ok(error instanceof NonRetryableError);
      assert.equal(error.code, 'CONFLICT');
      assert.match(error.message, /already registered with artifact \/data\/models\/demand\/v2\.json/);
      return true;
    });
  });

  it('keeps one JSON file per model that survives a new instance', async () => {
    await registry.register(candidate('v2'));
    await registry.register({ ...candidate('v1'), model: 'prices' });
    assert.deepEqual((await readdir(join(dir, 'registry'))).sort(), ['demand.json', 'prices.json']);
    const reopened = new FileModelRegistry(dir);
    assert.equal((await reopened.get('demand', 'v2'))?.status, 'PendingManualApproval');
    assert.deepEqual(await reopened.list('nothing'), []);
  });

  it('keeps the reference a version was trained on, across instances', async () => {
    const reference = {
      kind: 'training-window' as const,
      version: 'v2',
      window: { start: '2026-10-13T00:00:00.000Z', end: '2026-10-27T00:00:00.000Z' },
      labelsAsOf: '2026-10-27T00:00:00.000Z',
    };
    const registered = await registry.register({ ...candidate('v2'), reference });
    assert.deepEqual(registered.reference, reference);
    assert.deepEqual((await new FileModelRegistry(dir).get('demand', 'v2'))?.reference, reference);
    assert.equal((await registry.register(candidate('v3'))).reference, undefined);
  });

  it('sets a reference by hand, kept across instances, and refuses an unknown version', async () => {
    await registry.register(candidate('v2'));
    const reference = { kind: 'training-window' as const, version: 'v2', window: { start: '2026-10-01T00:00:00.000Z', end: '2026-10-08T00:00:00.000Z' }, labelsAsOf: '2026-10-20T00:00:00.000Z' };
    assert.deepEqual((await registry.setReference('demand', 'v2', reference)).reference, reference);
    assert.deepEqual((await new FileModelRegistry(dir).get('demand', 'v2'))?.reference, reference);
    assert.deepEqual((await registry.setReference('demand', 'v2', { kind: 'baseline', version: 'v2' })).reference, { kind: 'baseline', version: 'v2' });
    await assert.rejects(registry.setReference('demand', 'v9', reference), /model demand has no registered version v9/);
  });

  it('lists versions in registration order', async () => {
    await registry.register(candidate('v3', '2026-10-27T00:00:00.000Z'));
    await registry.register(candidate('v2', '2026-10-20T00:00:00.000Z'));
    assert.deepEqual((await registry.list('demand')).map((v) => v.version), ['v2', 'v3']);
  });

  it('approves or rejects a pending version, recording who and why', async () => {
    await registry.register(candidate('v2'));
    await registry.register(candidate('v3'));
    const approved = await registry.setStatus('demand', 'v2', 'Approved', 'alice', 'holdout RMSE better');
    assert.deepEqual([approved.status, approved.decidedBy, approved.decisionReason], ['Approved', 'alice', 'holdout RMSE better']);
    const rejected = await registry.setStatus('demand', 'v3', 'Rejected', 'bob', 'smoke test failed');
    assert.equal(rejected.status, 'Rejected');
    assert.deepEqual(await registry.get('demand', 'v2'), approved);
  });

  it('treats the same decision again as a no-op that keeps the first decider', async () => {
    await registry.register(candidate('v2'));
    const approved = await registry.setStatus('demand', 'v2', 'Approved', 'alice', 'ok');
    assert.deepEqual(await registry.setStatus('demand', 'v2', 'Approved', 'carol', 'clicked twice'), approved);
    const pending = await registry.register(candidate('v3'));
    assert.deepEqual(await registry.setStatus('demand', 'v3', 'PendingManualApproval', 'x', 'y'), pending);
  });

  it('refuses to change a decision, with a clear error', async () => {
    await registry.register(candidate('v2'));
    await registry.setStatus('demand', 'v2', 'Approved', 'alice', 'ok');
    await assert.rejects(registry.setStatus('demand', 'v2', 'Rejected', 'bob', 'changed my mind'), (error: unknown) => {
      assert.ok(error instanceof NonRetryableError);
      assert.equal(error.code, 'INVALID_TRANSITION');
      assert.match(error.message, /model demand version v2 is Approved by alice; it cannot become Rejected/);
      return true;
    });
    await registry.register(candidate('v3'));
    await registry.setStatus('demand', 'v3', 'Rejected', 'bob', 'worse');
    await assert.rejects(registry.setStatus('demand', 'v3', 'Approved', 'alice', 'ok'), /cannot become Approved/);
    await assert.rejects(registry.setStatus('demand', 'v3', 'PendingManualApproval', 'alice', 'again'), /cannot become PendingManualApproval/);
  });

  it('refuses a decision on an unknown version', async () => {
    await assert.rejects(registry.setStatus('demand', 'v7', 'Approved', 'alice', 'ok'), /model demand has no registered version v7/);
  });

  it('loses no update when calls overlap', async () => {
    await Promise.all(Array.from({ length: 20 }, (_, i) => registry.register(candidate(`v${i}`))));
    assert.equal((await registry.list('demand')).length, 20);
    await Promise.all(Array.from({ length: 20 }, (_, i) => registry.setStatus('demand', `v${i}`, i % 2 === 0 ? 'Approved' : 'Rejected', 'alice', 'batch')));
    const statuses = (await registry.list('demand')).map((v) => v.status);
    assert.equal(statuses.filter((s) => s === 'Approved').length, 10);
    assert.deepEqual((await readdir(join(dir, 'registry'))), ['demand.json'], 'no temporary files are left');
  });

  it('refuses unsafe model names and reports a corrupt file', async () => {
    await assert.rejects(registry.register({ ...candidate('v1'), model: '../etc' }), /model "..\/etc" must be/);
    await mkdir(join(dir, 'registry'), { recursive: true });
    await writeFile(join(dir, 'registry', 'broken.json'), '{"model":"broken","versions":[{"version":1}]}');
    await assert.rejects(registry.list('broken'), /registry file .*broken\.json is malformed: versions\.0\./);
    assert.ok((await readFile(join(dir, 'registry', 'broken.json'), 'utf8')).includes('"version":1'));
  });
});
