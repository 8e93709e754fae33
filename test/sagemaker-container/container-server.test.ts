// The SageMaker inference container (`vigil serve`): one model from <model dir>/model.json, the
// hosting contract on /ping and /invocations, in process and as the real CLI started as SageMaker does.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import {
  loadModelDir,
  ModelLoadError,
  startSageMakerContainerServer,
  type ContainerServer,
} from '../../src/sagemaker-container/container-server.js';
import { predict } from '../../src/domain/model/predict.js';
import { modelFixtures, toCsv, type ModelFixtures } from '../support/models.js';

interface Reply {
  status: number;
  headers: Headers;
  text: string;
}

describe('SageMaker inference container server', function () {
  let fixtures: ModelFixtures;
  let modelDir: string;
  let server: ContainerServer | undefined;

  before(async () => {
    fixtures = await modelFixtures();
    modelDir = join(fixtures.dir, 'opt-ml-model');
    await mkdir(modelDir);
    await copyFile(fixtures.v1.path, join(modelDir, 'model.json'));
  });
  after(async () => {
    await fixtures.cleanup();
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function start(): Promise<ContainerServer> {
    server = await startSageMakerContainerServer({ modelDir, port: 0, host: '127.0.0.1' });
    return server;
  }

  async function call(path: string, init: RequestInit = {}): Promise<Reply> {
    assert.ok(server);
    const response = await fetch(`${server.url}${path}`, init);
    return { status: response.status, headers: response.headers, text: await response.text() };
  }

  const invoke = (body: string, contentType: string, accept?: string): Promise<Reply> =>
    call('/invocations', { method: 'POST', headers: { 'content-type': contentType, ...(accept === undefined ? {} : { accept }) }, body });

  it('answers /ping 200 with an empty body and the model version', async () => {
    const started = await start();
    assert.deepEqual([started.artifact.model, started.artifact.version], ['demand', 'v1']);
    const ping = await call('/ping');
    assert.equal(ping.status, 200);
    assert.equal(ping.text, '');
    assert.equal(ping.headers.get('x-vigil-model-version'), 'v1');
    assert.equal((await call('/ping', { method: 'POST' })).status, 405);
    assert.equal((await call('/invocations')).status, 405);
    const unknown = await call('/endpoints/demand/invocations', { method: 'POST' });
    assert.equal(unknown.status, 404);
    assert.match(unknown.text, /GET \/ping and POST \/invocations/);
  });

  it('scores CSV and JSON rows exactly as predict() does, with X-Vigil-Model-Version', async () => {
    await start();
    const expected = predict(fixtures.v1.artifact, fixtures.rows);
    assert.ok(fixtures.rows.length > 300);

    const csv = await invoke(toCsv(fixtures.rows), 'text/csv', 'text/csv');
    assert.equal(csv.status, 200, csv.text);
    assert.match(csv.headers.get('content-type') ?? '', /^text\/csv/);
    assert.equal(csv.headers.get('x-vigil-model-version'), 'v1');
    assert.deepEqual(csv.text.trim().split('\n').map(Number), expected);

    const arrays = await invoke(JSON.stringify({ instances: fixtures.rows }), 'application/json; charset=utf-8');
    assert.equal(arrays.status, 200, arrays.text);
    assert.equal(arrays.headers.get('x-vigil-model-version'), 'v1');
    assert.deepEqual(JSON.parse(arrays.text), { predictions: expected, model_version: 'v1' });

    const names = fixtures.v1.artifact.features;
    const records = fixtures.rows.map((row) => Object.fromEntries(names.map((name, i) => [name, row[i]])));
    const objects = await invoke(JSON.stringify({ instances: records }), 'application/json', 'text/csv');
    assert.deepEqual(objects.text.trim().split('\n').map(Number), expected);
  });

  it('answers 400 naming the row and feature of a malformed row, and 406/415 for media types it does not speak', async () => {
    await start();
    const good = toCsv(fixtures.rows.slice(0, 1));
    const bad = await invoke(`${good}\n12abc,20,false,mall,2,15,900\n${good}`, 'text/csv');
    assert.equal(bad.status, 400);
    assert.equal(bad.headers.get('x-vigil-model-version'), 'v1');
    assert.match((JSON.parse(bad.text) as { error: string }).error, /row 2: feature "price": "12abc" is not a float/);
    const unknown = await invoke(JSON.stringify({ instances: [{ prize: 3 }] }), 'application/json');
    assert.equal(unknown.status, 400);
    assert.match(unknown.text, /row 1: unknown feature \\"prize\\"/);
    assert.equal((await invoke('', 'text/csv')).status, 400);
    assert.equal((await invoke(good, 'text/plain')).status, 415);
    assert.equal((await invoke(good, 'text/csv', 'application/x-protobuf')).status, 406);
  });

  it('answers 413 over the 6 MB payload limit and still scores a request within it', async () => {
    await start();
    const row = `${toCsv(fixtures.rows.slice(0, 1))}\n`;
    const over = row.repeat(Math.ceil((6 * 1024 * 1024 + 1) / row.length));
    const tooBig = await invoke(over, 'text/csv');
    assert.equal(tooBig.status, 413);
    assert.match(tooBig.text, /exceeds the limit of 6291456 bytes/);
    const within = await invoke(row.repeat(Math.floor((6 * 1024 * 1024) / row.length)), 'text/csv', 'text/csv');
    assert.equal(within.status, 200);
  });

  it('on close, answers the invocation in flight and then stops listening', async () => {
    const started = await start();
    const body = toCsv(fixtures.rows.slice(0, 3));
    const answered = new Promise<{ status: number; text: string }>((resolve, reject) => {
      const request = httpRequest(`${started.url}/invocations`, { method: 'POST', headers: { 'content-type': 'text/csv', 'content-length': String(body.length) } });
      request.on('response', (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
      });
      request.on('error', reject);
      // Half the body now, the rest once the server is closing.
      request.write(body.slice(0, 10));
      setTimeout(() => request.end(body.slice(10)), 200);
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const closing = performance.now();
    const closed = started.close();
    server = undefined;
    const reply = await answered;
    assert.equal(reply.status, 200, reply.text);
    assert.deepEqual(JSON.parse(reply.text), { predictions: predict(fixtures.v1.artifact, fixtures.rows.slice(0, 3)), model_version: 'v1' });
    await closed;
    // The answered connection is not kept alive: closing waits for the answer, not for an idle timeout.
    assert.ok(performance.now() - closing < 2_000, `closing took ${Math.round(performance.now() - closing)} ms`);
    await assert.rejects(fetch(`${started.url}/ping`));
  });

  it('refuses to start without a loadable model, naming the path and the cause', async () => {
    const missing = join(fixtures.dir, 'nowhere');
    await assert.rejects(startSageMakerContainerServer({ modelDir: missing, port: 0, host: '127.0.0.1' }), (error: unknown) => {
      assert.ok(error instanceof ModelLoadError, String(error));
      assert.equal(error.message, `no model artifact at ${join(missing, 'model.json')}: ${missing} does not exist`);
      return true;
    });

    const nested = join(fixtures.dir, 'nested');
    await mkdir(join(nested, 'model'), { recursive: true });
    await assert.rejects(loadModelDir(nested), { name: 'ModelLoadError', message: new RegExp(`no model artifact at ${join(nested, 'model.json')}: ${nested} holds model$`) });

    const broken = join(fixtures.dir, 'broken');
    await mkdir(broken);
    await writeFile(join(broken, 'model.json'), '{"format": "vigil-ridge/1"');
    await assert.rejects(loadModelDir(broken), { name: 'ModelLoadError', message: /model\.json is not valid JSON/ });
    await writeFile(join(broken, 'model.json'), JSON.stringify({ ...fixtures.v1.artifact, coefficients: [] }));
    await assert.rejects(loadModelDir(broken), { name: 'ModelLoadError', message: /broken\/model\.json: 0 coefficients for \d+ encoded columns/ });

    await assert.rejects(loadModelDir(modelDir, { model: 'demand', version: 'v2' }), {
      name: 'ModelLoadError',
      message: /is demand\/v1, but this container serves version v2/,
    });
    assert.equal((await loadModelDir(modelDir, { model: 'demand', version: 'v1' })).artifact.version, 'v1');
  });

  describe('`vigil serve` as a process', function () {
    this.timeout(60_000);
    const children: ChildProcess[] = [];

    afterEach(async () => {
      for (const child of children.splice(0)) {
        if (child.exitCode === null && child.signalCode === null) {
          child.kill('SIGKILL');
          await once(child, 'exit');
        }
      }
    });

    function serve(args: string[], env: NodeJS.ProcessEnv = {}): { child: ChildProcess; stdout: () => string; stderr: () => string } {
      const child = spawn(process.execPath, ['bin/vigil.mjs', 'serve', ...args], {
        env: { ...process.env, SM_MODEL_DIR: '', SAGEMAKER_BIND_TO_PORT: '', VIGIL_MODEL: '', VIGIL_MODEL_VERSION: '', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      children.push(child);
      let out = '';
      let err = '';
      child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
      child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
      return { child, stdout: () => out, stderr: () => err };
    }

    async function listeningUrl(child: ChildProcess, stdout: () => string, stderr: () => string): Promise<string> {
      const deadline = Date.now() + 45_000;
      for (;;) {
        const found = /listening on (http:\/\/\S+)/.exec(stdout());
        if (found?.[1] !== undefined) return found[1];
        if (child.exitCode !== null) throw new Error(`vigil serve exited ${child.exitCode}: ${stderr()}`);
        if (Date.now() > deadline) throw new Error(`vigil serve did not start: ${stdout()} ${stderr()}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }

    it('starts on the model folder of SM_MODEL_DIR, answers /ping and /invocations, and exits 0 on SIGTERM', async () => {
      const { child, stdout, stderr } = serve(['--port', '0', '--host', '127.0.0.1'], { SM_MODEL_DIR: modelDir, VIGIL_MODEL_VERSION: 'v1' });
      const url = await listeningUrl(child, stdout, stderr);
      assert.match(stdout(), new RegExp(`demand/v1 from ${join(modelDir, 'model.json')}`));
      const ping = await fetch(`${url}/ping`);
      assert.equal(ping.status, 200);
      assert.equal(await ping.text(), '');
      const rows = fixtures.rows.slice(0, 5);
      const scored = await fetch(`${url}/invocations`, { method: 'POST', headers: { 'content-type': 'text/csv', accept: 'text/csv' }, body: toCsv(rows) });
      assert.equal(scored.headers.get('x-vigil-model-version'), 'v1');
      assert.deepEqual((await scored.text()).trim().split('\n').map(Number), predict(fixtures.v1.artifact, rows));

      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const [code, signal] = (await exited) as [number | null, NodeJS.Signals | null];
      assert.deepEqual([code, signal], [0, null], stderr());
      assert.match(stdout(), /SIGTERM, closing/);
    });

    it('exits 1 with the missing path on stderr when --model-dir holds no model', async () => {
      const missing = join(fixtures.dir, 'nowhere');
      const { child, stderr } = serve(['--model-dir', missing, '--port', '0', '--host', '127.0.0.1']);
      const [code] = (await once(child, 'exit')) as [number | null];
      assert.equal(code, 1);
      assert.equal(stderr().trim(), `vigil serve: no model artifact at ${join(missing, 'model.json')}: ${missing} does not exist`);
    });
  });
});
