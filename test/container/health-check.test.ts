// The image's HEALTHCHECK: what it checks follows the command the container runs, and it tells a
// serving container or a worker that cannot do its job from one that can.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { checkHealth, roleOf } from '../../src/container/health-check.js';
import { startSageMakerContainerServer, type ContainerServer } from '../../src/sagemaker-container/container-server.js';
import { modelFixtures, type ModelFixtures } from '../support/models.js';

describe('the image health check', () => {
  it('reads the role from the container command: the default CMD is the worker', () => {
    assert.equal(roleOf(['node', '/app/dist/cli.js', 'worker', '']), 'worker');
    assert.equal(roleOf(['node', '/app/dist/cli.js', '']), 'worker');
    assert.equal(roleOf(['/sbin/docker-init', '--', 'node', '/app/dist/cli.js', 'serve', '']), 'serve');
    assert.equal(roleOf(['node', '/app/dist/cli.js', 'train']), 'other');
    assert.equal(roleOf(['node', '/app/dist/cli.js', 'evaluate']), 'other');
    assert.equal(roleOf(['/bin/sh']), 'other');
  });

  it('has nothing to check in a job', async () => {
    assert.equal(await checkHealth('other', {}), undefined);
  });

  describe('serve', () => {
    let fixtures: ModelFixtures;
    let server: ContainerServer;

    before(async () => {
      fixtures = await modelFixtures();
      const modelDir = join(fixtures.dir, 'model');
      await mkdir(modelDir);
      await copyFile(fixtures.v1.path, join(modelDir, 'model.json'));
      server = await startSageMakerContainerServer({ modelDir, port: 0, host: '127.0.0.1' });
    });
    after(async () => {
      await server?.close();
      await fixtures?.cleanup();
    });

    it('is healthy while /ping answers 200 on SAGEMAKER_BIND_TO_PORT, and says why not otherwise', async () => {
      assert.equal(await checkHealth('serve', { SAGEMAKER_BIND_TO_PORT: String(server.port) }), undefined);
      const closed = await freePort();
      assert.match((await checkHealth('serve', { SAGEMAKER_BIND_TO_PORT: String(closed) }, 1000)) ?? '', new RegExp(`^GET /ping on port ${closed} failed`));
    });
  });

  describe('worker', () => {
    let temporal: Server;

    before(async () => {
      temporal = createServer((socket) => socket.end());
      temporal.listen(0, '127.0.0.1');
      await once(temporal, 'listening');
    });
    after(() => {
      temporal.close();
    });

    it('is healthy while Temporal at TEMPORAL_ADDRESS accepts a connection', async () => {
      const { port } = temporal.address() as AddressInfo;
      assert.equal(await checkHealth('worker', { TEMPORAL_ADDRESS: `127.0.0.1:${port}` }), undefined);
      const closed = await freePort();
      assert.match((await checkHealth('worker', { TEMPORAL_ADDRESS: `127.0.0.1:${closed}` }, 1000)) ?? '', /^Temporal at 127\.0\.0\.1:\d+ is unreachable/);
    });
  });

  it('runs as a script: exit 0 when healthy, else 1 and the reason on one line', async () => {
    const script = (args: string[], env: Record<string, string>) =>
      spawnSync(process.execPath, ['--import', 'tsx', 'src/container/health-check.ts', ...args], { encoding: 'utf8', timeout: 30_000, env: { PATH: process.env.PATH ?? '', ...env } });
    // PID 1 here is no Vigil container: nothing to check.
    assert.equal(script([], {}).status, 0);
    const closed = await freePort();
    const down = script(['node', '/app/dist/cli.js', 'worker'], { TEMPORAL_ADDRESS: `127.0.0.1:${closed}` });
    assert.equal(down.status, 1);
    assert.match(down.stderr, new RegExp(`^unhealthy: Temporal at 127\\.0\\.0\\.1:${closed} is unreachable: .*\\n$`));
  });
});

/** A port nothing listens on (taken and released). */
async function freePort(): Promise<number> {
  const probe = createServer();
  probe.listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as AddressInfo;
  probe.close();
  await once(probe, 'close');
  return port;
}
