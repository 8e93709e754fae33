import assert from 'node:assert/strict';
import { access, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { artifactPathFor, LocalModelHost } from '../../../../src/adapters/local/model-host/local-model-host.js';
import { startModelServer, type ModelServer } from '../../../../src/model-server/model-server.js';
import { readAdminToken } from '../../../../src/model-server/token.js';
import { NonRetryableError, RetryableError } from '../../../../src/domain/errors.js';
import { predict } from '../../../../src/domain/model/predict.js';
import { modelFixtures, type ModelFixtures } from '../../../support/models.js';

describe('local model host (against a real model server)', () => {
  let fixtures: ModelFixtures;
  let server: ModelServer;
  let dataDir: string;
  let host: LocalModelHost;
  const v1 = (): { model: string; version: string; artifactUri: string } => ({ model: 'demand', version: 'v1', artifactUri: fixtures.v1.path });
  const v2 = (): { model: string; version: string; artifactUri: string } => ({
    model: 'demand',
    version: 'v2',
    artifactUri: pathToFileURL(fixtures.v2.path).href,
  });

  before(async () => {
    fixtures = await modelFixtures();
  });
  after(async () => {
    await fixtures.cleanup();
  });
  beforeEach(async function () {
    const suffix = this.currentTest?.title.replace(/\W+/g, '-') ?? 'x';
    dataDir = join(fixtures.dir, `data-${suffix}`);
    server = await startModelServer({ port: 0, stateDir: join(dataDir, 'model-server'), artifactsDir: join(dataDir, 'models'), faultInjection: true });
    host = new LocalModelHost({ serverUrl: server.url, dataDir });
  });
  afterEach(async () => {
    await server.close();
  });

  it('creates model versions idempotently and lists them', async () => {
    assert.deepEqual(await host.listModelVersions('demand'), []);
    await host.createModelVersion(v1(), { team: 'ml' });
    await host.createModelVersion(v2(), {});
    const stored = artifactPathFor(dataDir, 'demand', 'v1');
    await access(stored);
    // Same version name again: a no-op, even when the source has gone.
    await host.createModelVersion({ ...v1(), artifactUri: join(fixtures.dir, 'gone.json') }, {});
    const versions = await host.listModelVersions('demand');
    assert.deepEqual(versions.map((v) => v.version), ['v1', 'v2']);
    assert.ok(versions.every((v) => !Number.isNaN(Date.parse(v.createdAt))));
  });

  it('refuses artifacts that are missing, invalid or for another version', async () => {
    await assert.rejects(host.createModelVersion({ ...v1(), artifactUri: join(fixtures.dir, 'gone.json') }, {}), (error: unknown) => {
      assert.ok(error instanceof NonRetryableError);
      assert.equal(error.code, 'NOT_FOUND');
      assert.match(error.message, /demand\/v1: cannot read artifact/);
      return true;
    });
    await assert.rejects(host.createModelVersion({ ...v1(), version: 'v9' }, {}), /is demand\/v1, not demand\/v9/);
    await assert.rejects(host.createModelVersion({ ...v1(), artifactUri: 's3://bucket/model.json' }, {}), /not a local path/);
    await assert.rejects(host.createModelVersion({ ...v1(), version: '../escape' }, {}), (error: unknown) => error instanceof NonRetryableError && error.code === 'INVALID_NAME');
  });

  it('points endpoints, describes them and invokes with CSV', async () => {
    assert.equal(await host.describeEndpoint('production'), undefined);
    await host.createModelVersion(v1(), {});
    await host.createModelVersion(v2(), {});
    await host.pointEndpoint('production', v1(), { stage: 'production' });
    assert.deepEqual(await host.describeEndpoint('production'), { name: 'production', status: 'InService', currentVersion: 'v1' });

    const result = await host.invoke('production', fixtures.rows);
    assert.deepEqual(result.predictions, predict(fixtures.v1.artifact, fixtures.rows));
    assert.ok(result.latencyMs >= 0);
    assert.equal(result.modelVersion, 'v1');

    await host.pointEndpoint('production', v2(), {});
    assert.equal((await host.describeEndpoint('production'))?.currentVersion, 'v2');
    // Idempotent: pointing again at the serving version changes nothing.
    await host.pointEndpoint('production', v2(), {});
    const again = await host.invoke('production', fixtures.rows.slice(0, 7));
    assert.deepEqual(again.predictions, predict(fixtures.v2.artifact, fixtures.rows.slice(0, 7)));
    assert.equal(again.modelVersion, 'v2');
  });

  it('splits large invocations into requests under the payload limit', async () => {
    await host.createModelVersion(v1(), {});
    await host.pointEndpoint('staging', v1(), {});
    const small = new LocalModelHost({ serverUrl: server.url, dataDir, maxPayloadBytes: 1_000 });
    const rows = [...fixtures.rows, ...fixtures.rows];
    const { predictions } = await small.invoke('staging', rows);
    assert.deepEqual(predictions, predict(fixtures.v1.artifact, rows));
    assert.deepEqual((await small.invoke('staging', [])).predictions, []);
  });

  it('quotes CSV values and passes missing values through', async () => {
    await host.createModelVersion(v1(), {});
    await host.pointEndpoint('staging', v1(), {});
    const row = [19.5, 21, null, 'mall', 5, null, 1500];
    const { predictions } = await host.invoke('staging', [row]);
    assert.deepEqual(predictions, predict(fixtures.v1.artifact, [row]));
    await assert.rejects(host.invoke('staging', [[19.5, 21, true, 'a,"b"', 5, 'warm', 1500]]), /feature \\?"temperature\\?": \\?"warm\\?" is not a float/);
  });

  it('maps 4xx to non-retryable errors naming the endpoint and cause', async () => {
    await host.createModelVersion(v1(), {});
    await host.pointEndpoint('staging', v1(), {});
    await assert.rejects(host.invoke('staging', [['abc', 1, true, 'mall', 1, 10, 100]]), (error: unknown) => {
      assert.ok(error instanceof NonRetryableError);
      assert.equal(error.code, 'INVALID_INPUT');
      assert.match(error.message, /^invoke endpoint "staging": row 1: feature "price": "abc" is not a float \(HTTP 400\)$/);
      return true;
    });
    await assert.rejects(host.invoke('nowhere', fixtures.rows.slice(0, 1)), (error: unknown) => {
      assert.ok(error instanceof NonRetryableError);
      assert.equal(error.code, 'NOT_FOUND');
      assert.match(error.message, /endpoint "nowhere" does not exist/);
      return true;
    });
    await assert.rejects(host.pointEndpoint('staging', { ...v1(), version: 'v5' }, {}), /model version demand\/v5 does not exist/);
  });

  it('maps 5xx and connection failures to retryable errors', async () => {
    await host.createModelVersion(v1(), {});
    await host.pointEndpoint('staging', v1(), {});
    const response = await fetch(`${server.url}/admin/endpoints/staging`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await readAdminToken(join(dataDir, 'model-server'))}` },
      body: JSON.stringify({ model: 'demand', version: 'v1', artifactPath: artifactPathFor(dataDir, 'demand', 'v1'), failureRate: 1 }),
    });
    assert.equal(response.status, 200);
    await assert.rejects(host.invoke('staging', fixtures.rows.slice(0, 1)), (error: unknown) => {
      assert.ok(error instanceof RetryableError);
      assert.equal(error.code, 'HTTP_5XX');
      assert.match(error.message, /invoke endpoint "staging": injected failure.*\(HTTP 500\)/);
      return true;
    });

    const url = server.url;
    await server.close();
    server = await startModelServer({ port: 0, stateDir: join(dataDir, 'model-server'), artifactsDir: join(dataDir, 'models'), faultInjection: true });
    const offline = new LocalModelHost({ serverUrl: url, dataDir });
    await assert.rejects(offline.describeEndpoint('staging'), (error: unknown) => {
      assert.ok(error instanceof RetryableError);
      assert.equal(error.code, 'CONNECTION');
      assert.match(error.message, /describe endpoint "staging": model server .* unreachable/);
      return true;
    });
    const slow = new LocalModelHost({ serverUrl: server.url, dataDir, timeoutMs: 50 });
    await fetch(`${server.url}/admin/endpoints/staging`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await readAdminToken(join(dataDir, 'model-server'))}` },
      body: JSON.stringify({ model: 'demand', version: 'v1', artifactPath: artifactPathFor(dataDir, 'demand', 'v1'), injectLatencyMs: 300 }),
    });
    await assert.rejects(slow.invoke('staging', fixtures.rows.slice(0, 1)), (error: unknown) => error instanceof RetryableError && error.code === 'TIMEOUT');
  });

  it('deletes model versions, but not one an endpoint serves', async () => {
    await host.createModelVersion(v1(), {});
    await host.createModelVersion(v2(), {});
    await host.pointEndpoint('production', v2(), {});
    await assert.rejects(host.deleteModelVersion('demand', 'v2'), (error: unknown) => {
      assert.ok(error instanceof NonRetryableError);
      assert.equal(error.code, 'IN_USE');
      assert.match(error.message, /in use by endpoint\(s\) "production"/);
      return true;
    });
    await host.deleteModelVersion('demand', 'v1');
    await host.deleteModelVersion('demand', 'v1');
    assert.deepEqual((await host.listModelVersions('demand')).map((v) => v.version), ['v2']);
    await rm(join(dataDir, 'models'), { recursive: true, force: true });
  });

  it('deletes an endpoint (again is success) and creates it anew on the next pointEndpoint', async () => {
    await host.createModelVersion(v1(), {});
    await host.pointEndpoint('staging', v1(), {});
    await host.deleteEndpoint('staging');
    assert.equal(await host.describeEndpoint('staging'), undefined);
    await host.deleteEndpoint('staging');
    await host.pointEndpoint('staging', v1(), {});
    assert.equal((await host.describeEndpoint('staging'))?.currentVersion, 'v1');
    await host.deleteEndpoint('staging');
    await rm(join(dataDir, 'models'), { recursive: true, force: true });
  });
});
