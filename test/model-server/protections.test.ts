// The model server's protections, over real HTTP on loopback: artifact paths confined to the
// artifacts folder (no content echoed, nothing that blocks), the admin token, and fault-injection
// switches only when the server was started for tests.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFile, mkdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { isLoopbackAddress } from '../../src/model-server/admin-access.js';
import { modelServerOptions } from '../../src/model-server/main.js';
import { startModelServer, type ModelServer, type ModelServerOptions } from '../../src/model-server/model-server.js';
import { adminTokenFile, readAdminToken } from '../../src/model-server/token.js';
import { modelFixtures, toCsv, type ModelFixtures } from '../support/models.js';

interface Reply {
  status: number;
  text: string;
  ms: number;
}

describe('local model server protections', function () {
  let fixtures: ModelFixtures;
  let server: ModelServer | undefined;
  let root: string;
  let stateDir: string;
  let artifactsDir: string;
  let v1Path: string;

  before(async () => {
    fixtures = await modelFixtures();
  });
  after(async () => {
    await fixtures.cleanup();
  });
  beforeEach(async function () {
    root = join(fixtures.dir, `protect-${this.currentTest?.title.replace(/\W+/g, '-') ?? 'x'}`);
    stateDir = join(root, 'model-server');
    artifactsDir = join(root, 'models');
    await mkdir(artifactsDir, { recursive: true });
    v1Path = join(artifactsDir, 'demand-v1.json');
    await copyFile(fixtures.v1.path, v1Path);
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function start(options: Partial<ModelServerOptions> = {}): Promise<ModelServer> {
    server = await startModelServer({ port: 0, stateDir, artifactsDir, ...options });
    return server;
  }

  async function call(path: string, init: RequestInit = {}, token?: string): Promise<Reply> {
    assert.ok(server);
    const headers = new Headers(init.headers);
    const bearer = token ?? (await readAdminToken(stateDir));
    if (bearer !== '') headers.set('authorization', `Bearer ${bearer}`);
    const started = performance.now();
    const response = await fetch(`${server.url}${path}`, { ...init, headers, signal: AbortSignal.timeout(10_000) });
    const text = await response.text();
    return { status: response.status, text, ms: performance.now() - started };
  }

  const put = (name: string, body: Record<string, unknown>, token?: string): Promise<Reply> =>
    call(`/admin/endpoints/${name}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }, token);
  const deployPath = (artifactPath: string): Promise<Reply> => put('staging', { model: 'demand', version: 'v1', artifactPath });

  async function closesWithin(ms: number): Promise<void> {
    assert.ok(server);
    const started = performance.now();
    await server.close();
    server = undefined;
    assert.ok(performance.now() - started < ms, `close took ${Math.round(performance.now() - started)} ms`);
  }

  describe('artifact paths', () => {
    it('refuses /etc/passwd within a second without echoing any of it', async () => {
      await start();
      const reply = await deployPath('/etc/passwd');
      assert.equal(reply.status, 400, reply.text);
      assert.ok(reply.ms < 1_000, `took ${reply.ms} ms`);
      assert.match(reply.text, /artifact \\"\/etc\/passwd\\" is outside the artifacts folder/);
      assert.doesNotMatch(reply.text, /root:/);
      const lines = (await readFile('/etc/passwd', 'utf8')).split('\n').filter((line) => line.trim().length > 3);
      for (const line of lines) assert.ok(!reply.text.includes(line), 'a line of /etc/passwd was echoed');
      assert.equal((await deployPath(v1Path)).status, 200);
    });

    it('refuses a path that climbs out of the folder with ..', async () => {
      await start();
      const reply = await deployPath(join(artifactsDir, '..', 'model-server', 'admin-token'));
      assert.equal(reply.status, 400);
      assert.match(reply.text, /is outside the artifacts folder/);
    });

    it('refuses a symlink inside the folder that points outside', async () => {
      const outside = join(root, 'outside.json');
      await copyFile(fixtures.v1.path, outside);
      await symlink(outside, join(artifactsDir, 'escape.json'));
      await symlink('/etc/passwd', join(artifactsDir, 'passwd.json'));
      await start();
      const escape = await deployPath(join(artifactsDir, 'escape.json'));
      assert.equal(escape.status, 400);
      assert.match(escape.text, /escape\.json\\" resolves outside the artifacts folder/);
      const passwd = await deployPath(join(artifactsDir, 'passwd.json'));
      assert.equal(passwd.status, 400);
      assert.doesNotMatch(passwd.text, /root:/);
      // A symlink that stays inside is fine.
      await symlink(v1Path, join(artifactsDir, 'current.json'));
      assert.equal((await deployPath(join(artifactsDir, 'current.json'))).status, 200);
    });

    it('refuses a FIFO inside or outside the folder within a second, then serves and closes cleanly', async () => {
      const inside = join(artifactsDir, 'fifo.json');
      const outside = join(root, 'fifo.json');
      execFileSync('mkfifo', [inside]);
      execFileSync('mkfifo', [outside]);
      await start();
      for (const path of [inside, outside]) {
        const reply = await deployPath(path);
        assert.equal(reply.status, 400, reply.text);
        assert.ok(reply.ms < 1_000, `took ${reply.ms} ms`);
      }
      assert.match((await deployPath(inside)).text, /fifo\.json\\" is not a regular file/);
      const valid = await deployPath(v1Path);
      assert.equal(valid.status, 200, valid.text);
      const invoked = await call('/endpoints/staging/invocations', { method: 'POST', headers: { 'content-type': 'text/csv' }, body: toCsv(fixtures.rows.slice(0, 2)) });
      assert.equal(invoked.status, 200);
      await closesWithin(2_000);
    });

    it('refuses a file over the size limit', async () => {
      await start({ maxArtifactBytes: 1_024 });
      const big = join(artifactsDir, 'big.json');
      await writeFile(big, `"${'x'.repeat(4_000)}"`);
      const reply = await deployPath(big);
      assert.equal(reply.status, 400);
      assert.match(reply.text, /big\.json\\" is 4002 bytes, over the limit of 1024 bytes/);
    });

    it('refuses a file that is not JSON, or not an artifact, without quoting it', async () => {
      await start();
      const secret = 'SECRET-CONTENT-4711';
      const notJson = join(artifactsDir, 'notes.json');
      await writeFile(notJson, `password=${secret}\n`);
      const reply = await deployPath(notJson);
      assert.equal(reply.status, 400);
      assert.match(reply.text, /notes\.json\\" is not a valid model artifact \(JSON\)/);
      assert.ok(!reply.text.includes(secret));
      const notArtifact = join(artifactsDir, 'other.json');
      await writeFile(notArtifact, JSON.stringify({ format: secret, features: [{ type: secret }] }));
      const other = await deployPath(notArtifact);
      assert.equal(other.status, 400);
      assert.match(other.text, /other\.json\\" is not a valid model artifact \(vigil-ridge\/1 format\)/);
      assert.ok(!other.text.includes(secret));
    });

    it('refuses everything when the artifacts folder does not exist', async () => {
      await start({ artifactsDir: join(root, 'missing') });
      const reply = await deployPath(v1Path);
      assert.equal(reply.status, 400);
      assert.match(reply.text, /the artifacts folder .*missing\\" does not exist/);
    });
  });

  describe('admin token', () => {
    it('keeps a 64-hex-digit token in a 0600 file and reuses it across restarts', async () => {
      await start();
      const token = await readAdminToken(stateDir);
      assert.match(token, /^[0-9a-f]{64}$/);
      assert.equal((await stat(adminTokenFile(stateDir))).mode & 0o777, 0o600);
      await server?.close();
      await start();
      assert.equal(await readAdminToken(stateDir), token);
    });

    it('answers 401 without the token or with a wrong one; invocations and pings stay open', async () => {
      await start();
      assert.equal((await deployPath(v1Path)).status, 200);
      const missing = await call('/admin/endpoints', {}, '');
      assert.equal(missing.status, 401);
      assert.match(missing.text, /needs \\"Authorization: Bearer <token>\\"/);
      assert.equal((await call('/admin/endpoints/staging', {}, 'f'.repeat(64))).status, 401);
      assert.equal((await call('/admin/endpoints/staging', { method: 'DELETE' }, 'wrong')).status, 401);
      assert.equal((await put('staging', { model: 'demand', version: 'v1', artifactPath: v1Path }, 'wrong')).status, 401);
      assert.equal((await call('/admin/endpoints/staging')).status, 200);
      assert.equal((await call('/endpoints/staging/ping', {}, '')).status, 200);
      assert.equal((await call('/ping', {}, '')).status, 200);
      const invoked = await call('/endpoints/staging/invocations', { method: 'POST', headers: { 'content-type': 'text/csv' }, body: toCsv(fixtures.rows.slice(0, 2)) }, '');
      assert.equal(invoked.status, 200);
    });

    it('answers 403 to a client that is not on loopback', async function () {
      const external = Object.values(networkInterfaces())
        .flat()
        .find((address) => address !== undefined && address.family === 'IPv4' && !address.internal);
      if (external === undefined) this.skip();
      const listening = await start({ host: '0.0.0.0' });
      const response = await fetch(`http://${external.address}:${listening.port}/admin/endpoints`, {
        headers: { authorization: `Bearer ${await readAdminToken(stateDir)}` },
      });
      assert.equal(response.status, 403);
      assert.match(await response.text(), /answers only loopback clients/);
      assert.equal((await fetch(`http://${external.address}:${listening.port}/ping`)).status, 200);
    });

    it('recognises loopback addresses', () => {
      for (const address of ['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1']) assert.ok(isLoopbackAddress(address), address);
      for (const address of [undefined, '10.0.0.1', '::ffff:10.0.0.1', '0.0.0.0', '::', '1127.0.0.1']) assert.ok(!isLoopbackAddress(address), String(address));
    });
  });

  describe('fault injection', () => {
    for (const [field, value] of [['broken', 'nan'], ['failureRate', 1], ['injectLatencyMs', 10], ['loadDelayMs', 10]] as const) {
      it(`refuses ${field} unless the server was started with faultInjection`, async () => {
        await start();
        const reply = await put('staging', { model: 'demand', version: 'v1', artifactPath: v1Path, [field]: value });
        assert.equal(reply.status, 400);
        assert.match(reply.text, new RegExp(`field \\\\"${field}\\\\" is a fault-injection switch`));
        assert.equal((await call('/endpoints/staging/ping', {}, '')).status, 404, 'nothing was created');
      });
    }

    it('drops switches persisted by a fault-injection run when restarted without it', async () => {
      await start({ faultInjection: true });
      assert.equal((await put('staging', { model: 'demand', version: 'v1', artifactPath: v1Path, failureRate: 1 })).status, 200);
      await server?.close();
      await start();
      const invoked = await call('/endpoints/staging/invocations', { method: 'POST', headers: { 'content-type': 'text/csv' }, body: toCsv(fixtures.rows.slice(0, 2)) }, '');
      assert.equal(invoked.status, 200, invoked.text);
      const description = JSON.parse((await call('/admin/endpoints/staging')).text) as Record<string, unknown>;
      assert.equal(description.failureRate, undefined);
    });

    it('cannot be turned on in the standalone process', () => {
      const options = modelServerOptions(['--state-dir', '/tmp/x/model-server'], {});
      assert.equal('faultInjection' in options, false);
      assert.equal(options.artifactsDir, '/tmp/x/models');
      assert.throws(() => modelServerOptions(['--fault-injection'], {}), /Unknown option/);
    });
  });
});
