// A version is deployable only under a contract that reads the one it was trained under: the
// registry records each version's contract, and the deploy's first step checks it.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { artifactPathFor } from '../../../src/adapters/local/model-host/local-model-host.js';
import { createActivities } from '../../../src/activities/index.js';
import { loadConfig } from '../../../src/config/load.js';
import { prepareDemoWorkspace } from '../../../src/demo/run-demo.js';
import { startModelServer, type ModelServer } from '../../../src/model-server/model-server.js';
import { composeRuntime, type Runtime } from '../../../src/worker/compose-runtime.js';
import { smallScenario } from '../../support/monitoring-rig.js';

describe('deploying a model version under the current contract', function () {
  this.timeout(120_000);
  let dir: string;
  let server: ModelServer;
  let runtime: Runtime;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vigil-contract-deploy-'));
    const { configPath } = await prepareDemoWorkspace(dir, smallScenario);
    server = await startModelServer({ port: 0, host: '127.0.0.1', stateDir: join(dir, 'model-server'), artifactsDir: join(dir, 'models') });
    runtime = await composeRuntime(await loadConfig(configPath), { modelServerUrl: server.url });
  });

  after(async () => {
    await runtime?.close();
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('records the contract with each version, and refuses one trained under a version the contract does not read', async () => {
    const { registry, loaded } = runtime.deps;
    const artifactUri = artifactPathFor(dir, 'demand', 'v1');
    const hash = loaded.contractHashes.demand ?? '';
    const origin = { reason: 'test', workflowId: 'wf-contract' };
    await registry.register({ model: 'demand', version: 'v1', artifactUri, metrics: {}, origin, contract: { featureSchemaVersion: 1, hash }, registeredAt: '2026-10-01T00:00:00.000Z' });
    await registry.register({ model: 'demand', version: 'v9', artifactUri, metrics: {}, origin, contract: { featureSchemaVersion: 2, hash: 'other' }, registeredAt: '2026-10-01T00:00:00.000Z' });
    assert.deepEqual((await registry.get('demand', 'v1'))?.contract, { featureSchemaVersion: 1, hash });

    const activities = createActivities(runtime.deps);
    await activities.createModelVersion({ model: 'demand', version: 'v1', artifactUri, workflowId: 'wf-contract' });
    await assert.rejects(
      activities.createModelVersion({ model: 'demand', version: 'v9', artifactUri, workflowId: 'wf-contract' }),
      (error: Error) => {
        assert.match(error.message, /demand v9 was trained under contract version 2, which the model's contract \(version 1\) does not read \(it reads 1\): retrain it/);
        return true;
      },
    );
  });
});
