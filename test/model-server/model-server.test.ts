import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startModelServer, type ModelServer } from '../../src/model-server/model-server.js';
import { readAdminToken } from '../../src/model-server/token.js';
import { predict } from '../../src/domain/model/predict.js';
import { modelFixtures, toCsv, type ModelFixtures } from '../support/models.js';

interface Reply {
  status: number;
  headers: Headers;
  text: string;
  json<T = Record<string, unknown>>(): T;
}

describe('local model server', function () {
  let fixtures: ModelFixtures;
  let server: ModelServer | undefined;
  let stateDir: string;

  before(async () => {
    fixtures = await modelFixtures();
  });
  after(async () => {
    await fixtures.cleanup();
  });
  beforeEach(function () {
    stateDir = join(fixtures.dir, `state-${this.currentTest?.title.replace(/\W+/g, '-') ?? 'x'}`);
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function start(maxPayloadBytes?: number): Promise<ModelServer> {
    server = await startModelServer({
      port: 0,
      stateDir,
      artifactsDir: fixtures.dir,
      faultInjection: true,
      ...(maxPayloadBytes === undefined ? {} : { maxPayloadBytes }),
    });
    return server;
  }

  /** Admin paths carry the state dir's token, as LocalModelHost sends it. */
  async function call(path: string, init: RequestInit = {}): Promise<Reply> {
    assert.ok(server);
    const headers = new Headers(init.headers);
    if (path.startsWith('/admin/')) headers.set('authorization', `Bearer ${await readAdminToken(stateDir)}`);
    const response = await fetch(`${server.url}${path}`, { ...init, headers });
    const text = await response.text();
    return { status: response.status, headers: response.headers, text, json: <T>() => JSON.parse(text) as T };
  }

  const put = (name: string, body: Record<string, unknown>): Promise<Reply> =>
    call(`/admin/endpoints/${name}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const deploy = (name: string, which: 'v1' | 'v2', extra: Record<string, unknown> = {}): Promise<Reply> =>
    put(name, { model: 'demand', version: which, artifactPath: fixtures[which].path, ...extra });
  const invokeCsv = (name: string, csv: string, accept = 'text/csv'): Promise<Reply> =>
    call(`/endpoints/${name}/invocations`, { method: 'POST', headers: { 'content-type': 'text/csv', accept }, body: csv });
  const csvPredictions = (reply: Reply): number[] => reply.text.trim().split('\n').map(Number);

  it('listens on a free port and answers the health ping', async () => {
    const started = await start();
    assert.ok(started.port > 0);
    assert.equal(started.url, `http://127.0.0.1:${started.port}`);
    const ping = await call('/ping');
    assert.equal(ping.status, 200);
    assert.deepEqual((await call('/admin/endpoints')).json(), { endpoints: [] });
  });

  it('pings an endpoint 404 before it exists and 200 once a model is loaded', async () => {
    await start();
    assert.equal((await call('/endpoints/staging/ping')).status, 404);
    const created = await deploy('staging', 'v1', { tags: { owner: 'ml' } });
    assert.equal(created.status, 200, created.text);
    assert.equal(created.json().status, 'InService');
    assert.equal(created.json().currentVersion, 'v1');
    const ping = await call('/endpoints/staging/ping');
    assert.equal(ping.status, 200);
    assert.equal(ping.headers.get('x-vigil-model-version'), 'v1');
    const description = (await call('/admin/endpoints/staging')).json();
    assert.equal(description.model, 'demand');
    assert.deepEqual(description.tags, { owner: 'ml' });
    assert.equal(typeof description.updatedAt, 'string');
  });

  it('scores many CSV and JSON rows exactly as predict() does', async () => {
    await start();
    await deploy('production', 'v1');
    const expected = predict(fixtures.v1.artifact, fixtures.rows);
    assert.ok(fixtures.rows.length > 300);

    const csv = await invokeCsv('production', toCsv(fixtures.rows));
    assert.equal(csv.status, 200, csv.text);
    assert.match(csv.headers.get('content-type') ?? '', /^text\/csv/);
    assert.equal(csv.headers.get('x-vigil-model-version'), 'v1');
    assert.deepEqual(csvPredictions(csv), expected);

    const asJson = await invokeCsv('production', `${toCsv(fixtures.rows)}\r\n`, 'application/json');
    assert.deepEqual(asJson.json(), { predictions: expected, model_version: 'v1' });

    const arrays = await call('/endpoints/production/invocations', {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', accept: 'application/json' },
      body: JSON.stringify({ instances: fixtures.rows }),
    });
    assert.deepEqual(arrays.json<{ predictions: number[] }>().predictions, expected);

    const names = fixtures.v1.artifact.features;
    const objects = await call('/endpoints/production/invocations', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ instances: fixtures.rows.map((row) => Object.fromEntries(names.map((name, i) => [name, row[i]]))) }),
    });
    assert.deepEqual(objects.json<{ predictions: number[] }>().predictions, expected);
  });

  it('answers 400 naming the row, feature and value of bad input', async () => {
    await start();
    await deploy('staging', 'v1');
    const good = toCsv(fixtures.rows.slice(0, 1));
    const bad = await invokeCsv('staging', `${good}\n12abc,20,false,mall,2,15,900\n${good}`);
    assert.equal(bad.status, 400);
    assert.match(bad.json<{ error: string }>().error, /row 2: feature "price": "12abc" is not a float/);

    const short = await invokeCsv('staging', '1,2,3');
    assert.equal(short.status, 400);
    assert.match(short.text, /row 1: expected 7 values \(price, competitor_price/);

    const unknown = await call('/endpoints/staging/invocations', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ instances: [{ prize: 3 }] }),
    });
    assert.equal(unknown.status, 400);
    assert.match(unknown.text, /row 1: unknown feature \\"prize\\"/);

    assert.equal((await invokeCsv('staging', '')).status, 400);
    const typeless = await call('/endpoints/staging/invocations', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: good });
    assert.equal(typeless.status, 415);
    assert.equal((await invokeCsv('missing', good)).status, 404);
  });

  it('answers 413 over the payload limit', async () => {
    await start(2_000);
    await deploy('staging', 'v1');
    const csv = toCsv(fixtures.rows);
    assert.ok(csv.length > 2_000);
    const tooBig = await invokeCsv('staging', csv);
    assert.equal(tooBig.status, 413);
    assert.match(tooBig.text, /exceeds the limit of 2000 bytes/);
    assert.equal((await invokeCsv('staging', toCsv(fixtures.rows.slice(0, 5)))).status, 200);
    // Far over the limit: refused from the declared length, without reading the body.
    const huge = await invokeCsv('staging', 'x'.repeat(3_000_000));
    assert.equal(huge.status, 413);
    assert.match(huge.text, /payload of 3000000 bytes exceeds/);
  });

  it('switches blue/green: the old version answers until the new one is loaded', async () => {
    await start();
    await deploy('production', 'v1');
    const rows = toCsv(fixtures.rows.slice(0, 20));
    const switching = deploy('production', 'v2', { loadDelayMs: 400 });
    const versions: string[] = [];
    let done = false;
    void switching.finally(() => (done = true));
    let sawUpdating = false;
    while (!done) {
      const reply = await invokeCsv('production', rows);
      assert.equal(reply.status, 200, reply.text);
      versions.push(reply.headers.get('x-vigil-model-version') ?? '?');
      const description = (await call('/admin/endpoints/production')).json();
      if (description.status === 'Updating') {
        sawUpdating = true;
        assert.equal(description.currentVersion, 'v1');
        assert.equal(description.pendingVersion, 'v2');
      }
    }
    const switched = await switching;
    assert.equal(switched.status, 200, switched.text);
    assert.ok(sawUpdating, 'never observed the Updating state');
    assert.ok(versions.length > 2 && versions.every((version) => version === 'v1' || version === 'v2'));
    assert.equal(versions[0], 'v1');
    // Once v2 answers, v1 never answers again.
    const firstV2 = versions.indexOf('v2');
    if (firstV2 >= 0) assert.ok(versions.slice(firstV2).every((version) => version === 'v2'), versions.join(','));
    const after = await invokeCsv('production', rows);
    assert.equal(after.headers.get('x-vigil-model-version'), 'v2');
    assert.deepEqual(csvPredictions(after), predict(fixtures.v2.artifact, fixtures.rows.slice(0, 20)));
    const description = (await call('/admin/endpoints/production')).json();
    assert.equal(description.status, 'InService');
    assert.equal(description.currentVersion, 'v2');
    assert.equal(description.previousVersion, 'v1');
  });

  it('keeps the old version serving when the new one fails to load', async () => {
    await start();
    await deploy('production', 'v1');
    const missing = await put('production', { model: 'demand', version: 'v3', artifactPath: join(fixtures.dir, 'nope.json') });
    assert.equal(missing.status, 400);
    assert.match(missing.text, /nope\.json.*file not found/);
    const mislabelled = await put('production', { model: 'demand', version: 'v3', artifactPath: fixtures.v2.path });
    assert.equal(mislabelled.status, 400);
    assert.match(mislabelled.text, /is demand\/v2, not demand\/v3/);
    const description = (await call('/admin/endpoints/production')).json();
    assert.equal(description.status, 'InService');
    assert.equal(description.currentVersion, 'v1');
    assert.match(String(description.failureReason), /demand\/v3/);
    assert.equal((await invokeCsv('production', toCsv(fixtures.rows.slice(0, 3)))).headers.get('x-vigil-model-version'), 'v1');

    const fresh = await put('fresh', { model: 'demand', version: 'v3', artifactPath: join(fixtures.dir, 'nope.json') });
    assert.equal(fresh.status, 400);
    assert.equal((await call('/endpoints/fresh/ping')).status, 503);
    assert.equal((await call('/admin/endpoints/fresh')).json().status, 'Failed');

    const invalid = await put('production', { model: 'demand', version: 'v2', artifactPath: fixtures.v2.path, extra: 1 });
    assert.equal(invalid.status, 400);
    assert.equal((await put('bad_name!', { model: 'demand', version: 'v1', artifactPath: fixtures.v1.path })).status, 400);
  });

  it('persists endpoint state across a restart', async () => {
    await start();
    await deploy('staging', 'v1');
    await deploy('production', 'v1');
    await deploy('production', 'v2');
    await server?.close();
    server = undefined;

    await start();
    const { endpoints } = (await call('/admin/endpoints')).json<{ endpoints: Record<string, unknown>[] }>();
    assert.deepEqual(
      endpoints.map((e) => [e.name, e.status, e.currentVersion, e.previousVersion]),
      [
        ['production', 'InService', 'v2', 'v1'],
        ['staging', 'InService', 'v1', undefined],
      ],
    );
    const reply = await invokeCsv('production', toCsv(fixtures.rows.slice(0, 10)));
    assert.equal(reply.headers.get('x-vigil-model-version'), 'v2');
    assert.deepEqual(csvPredictions(reply), predict(fixtures.v2.artifact, fixtures.rows.slice(0, 10)));
  });

  it('deletes endpoints', async () => {
    await start();
    await deploy('staging', 'v1');
    assert.equal((await call('/admin/endpoints/staging', { method: 'DELETE' })).status, 204);
    assert.equal((await call('/admin/endpoints/staging')).status, 404);
    assert.equal((await call('/admin/endpoints/staging', { method: 'DELETE' })).status, 404);
    assert.equal((await call('/endpoints/staging/ping')).status, 404);
  });

  describe('test affordances', () => {
    it('injects latency', async () => {
      await start();
      await deploy('staging', 'v1', { injectLatencyMs: 150 });
      const started = performance.now();
      const reply = await invokeCsv('staging', toCsv(fixtures.rows.slice(0, 2)));
      assert.equal(reply.status, 200);
      assert.ok(performance.now() - started >= 140);
      assert.equal((await call('/admin/endpoints/staging')).json().injectLatencyMs, 150);
    });

    it('fails invocations with HTTP 500 at failureRate 1', async () => {
      await start();
      await deploy('staging', 'v1', { failureRate: 1 });
      const reply = await invokeCsv('staging', toCsv(fixtures.rows.slice(0, 2)));
      assert.equal(reply.status, 500);
      assert.match(reply.text, /injected failure/);
      // Re-pointing at the same version without the flag clears it, without a reload.
      await deploy('staging', 'v1');
      assert.equal((await invokeCsv('staging', toCsv(fixtures.rows.slice(0, 2)))).status, 200);
    });

    it('returns negative or NaN predictions when broken', async () => {
      await start();
      await deploy('staging', 'v1', { broken: 'negative' });
      assert.ok(csvPredictions(await invokeCsv('staging', toCsv(fixtures.rows.slice(0, 5)))).every((value) => value < 0));
      await deploy('staging', 'v1', { broken: 'nan' });
      assert.ok(csvPredictions(await invokeCsv('staging', toCsv(fixtures.rows.slice(0, 5)))).every((value) => Number.isNaN(value)));
      const json = await invokeCsv('staging', toCsv(fixtures.rows.slice(0, 2)), 'application/json');
      assert.deepEqual(json.json<{ predictions: unknown[] }>().predictions, [null, null]);
    });
  });
});
