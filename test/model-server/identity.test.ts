// The identity challenge `vigil worker` puts to a model server already on its port: this data
// dir's server passes; an impostor, another data dir's server or a relay to the real one does not.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeServer, listen } from '../../src/adapters/shared/http-listen.js';
import { startModelServer, type ModelServer } from '../../src/model-server/model-server.js';
import {
  ensureOwnModelServer,
  ModelServerIdentityError,
  proveModelServerIdentity,
} from '../../src/model-server/identity.js';
import { readAdminToken } from '../../src/model-server/token.js';

describe('model server identity check', () => {
  let dir: string;
  let stateDir: string;
  let server: ModelServer;
  const others: Server[] = [];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vigil-identity-'));
    stateDir = join(dir, 'model-server');
    server = await startModelServer({ port: 0, stateDir, artifactsDir: join(dir, 'models') });
  });
  after(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });
  afterEach(async () => {
    for (const other of others.splice(0)) await closeServer(other);
  });

  async function plainServer(answer: (body: string) => { status: number; text: string }): Promise<string> {
    const other = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      request.on('end', () => {
        const { status, text } = answer(body);
        response.writeHead(status, { 'content-type': 'application/json' }).end(text);
      });
    });
    others.push(other);
    return (await listen(other, 0, '127.0.0.1')).origin;
  }

  const refusal = (pattern: RegExp) => (error: unknown): boolean => {
    assert.ok(error instanceof ModelServerIdentityError);
    assert.match(error.message, /is not this data dir's model server/);
    assert.match(error.message, pattern);
    assert.ok(!error.message.includes('\n'), 'one line');
    return true;
  };

  it('passes for this data dir\'s model server', async () => {
    assert.deepEqual(await proveModelServerIdentity(server.url, await readAdminToken(stateDir)), { proven: true });
    await ensureOwnModelServer(server.url, stateDir);
  });

  it('refuses an impostor that answers anything', async () => {
    const impostor = await plainServer(() => ({ status: 200, text: JSON.stringify({ proof: 'a'.repeat(64) }) }));
    await assert.rejects(ensureOwnModelServer(impostor, stateDir), refusal(/proof does not match/));
    const echo = await plainServer((body) => ({ status: 200, text: body }));
    await assert.rejects(ensureOwnModelServer(echo, stateDir), refusal(/has no "proof"/));
    const denies = await plainServer(() => ({ status: 404, text: '{}' }));
    await assert.rejects(ensureOwnModelServer(denies, stateDir), refusal(/HTTP 404/));
  });

  it('refuses a silent listener within the timeout', async () => {
    const silent = createServer(() => undefined);
    others.push(silent);
    const { origin } = await listen(silent, 0, '127.0.0.1');
    const started = performance.now();
    await assert.rejects(ensureOwnModelServer(origin, stateDir, 300), refusal(/no answer to the identity challenge within 300 ms/));
    assert.ok(performance.now() - started < 2_000);
  });

  it('refuses the model server of another data dir', async () => {
    const otherDir = join(dir, 'other');
    const other = await startModelServer({ port: 0, stateDir: join(otherDir, 'model-server'), artifactsDir: join(otherDir, 'models') });
    try {
      await assert.rejects(ensureOwnModelServer(other.url, stateDir), refusal(/proof does not match/));
    } finally {
      await other.close();
    }
  });

  it('refuses a relay that forwards the challenge to the real server from another port', async () => {
    const relay = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      request.on('end', () => {
        void fetch(`${server.url}${request.url ?? '/'}`, { method: request.method ?? 'GET', headers: { 'content-type': 'application/json' }, body }).then(async (answer) => {
          response.writeHead(answer.status, { 'content-type': 'application/json' }).end(await answer.text());
        });
      });
    });
    others.push(relay);
    const { origin } = await listen(relay, 0, '127.0.0.1');
    await assert.rejects(ensureOwnModelServer(origin, stateDir), refusal(/proof does not match/));
  });

  it('refuses when this data dir has no token, naming the file', async () => {
    await assert.rejects(ensureOwnModelServer(server.url, join(dir, 'nowhere', 'model-server')), refusal(/admin-token" does not exist/));
  });

  it('answers the challenge only to well-formed nonces', async () => {
    const response = await fetch(`${server.url}/admin/identity`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ nonce: 'short' }) });
    assert.equal(response.status, 400);
    assert.equal((await fetch(`${server.url}/admin/identity`)).status, 405);
  });
});
