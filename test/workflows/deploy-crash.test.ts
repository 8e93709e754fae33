// A worker killed (SIGKILL) in the middle of a deploy: a second worker process finishes it, and
// nothing exists twice — one model version, one deployment record, endpoints on the new version.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { artifactPathFor, LocalModelHost } from '../../src/adapters/local/model-host/local-model-host.js';
import { DuckDbWarehouse } from '../../src/adapters/local/duckdb/duckdb-warehouse.js';
import { startModelServer, type ModelServer } from '../../src/model-server/model-server.js';
import { prepareDemoWorkspace } from '../../src/demo/run-demo.js';
import type { DeployStage } from '../../src/domain/deploy/types.js';
import type { deployWorkflow } from '../../src/workflows/deploy/deploy.js';
import { addDays, smallScenario } from '../support/monitoring-rig.js';
import { testEnv, uniqueId } from '../support/temporal.js';
import { exited, workerProcesses } from '../support/worker-processes.js';

describe('a worker killed mid-deploy', function () {
  this.timeout(600_000);
  let dir: string;
  let server: ModelServer;
  let configPath: string;
  const workers = workerProcesses();

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vigil-crash-'));
    // First: preparing the workspace clears <dir>/model-server, where the server keeps its admin token.
    ({ configPath } = await prepareDemoWorkspace(dir, smallScenario));
    server = await startModelServer({ port: 0, host: '127.0.0.1', stateDir: join(dir, 'model-server'), artifactsDir: join(dir, 'models') });
  });

  after(async () => {
    workers.killAll();
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });



  it('resumes on another worker without creating anything twice', async () => {
    const env = await testEnv();
    const config = parse(await readFile(configPath, 'utf8')) as Record<string, Record<string, unknown> & { models?: Record<string, unknown>[] }>;
    const taskQueue = uniqueId('crash');
    config.temporal = { taskQueue };
    config.local = { modelServerPort: server.port };
    const crashConfig = join(dir, 'vigil.crash.yaml');
    await writeFile(crashConfig, stringify(config));

    // v1 serves production; v2 is the candidate (the same weights under a new version name).
    const host = new LocalModelHost({ serverUrl: server.url, dataDir: dir });
    const v1 = { model: 'demand', version: 'v1', artifactUri: artifactPathFor(dir, 'demand', 'v1') };
    await host.createModelVersion(v1, {});
    await host.pointEndpoint('demand-production', v1, {});
    const candidate = JSON.parse(await readFile(artifactPathFor(dir, 'demand', 'v1'), 'utf8')) as Record<string, unknown>;
    const candidatePath = join(dir, 'candidate-v2.json');
    await writeFile(candidatePath, JSON.stringify({ ...candidate, version: 'v2' }));

    const first = workers.start(crashConfig, env.address);
    const workflowId = uniqueId('deploy-crash');
    const handle = await env.client.workflow.start<typeof deployWorkflow>('deployWorkflow', {
      taskQueue,
      workflowId,
      args: [
        {
          model: 'demand',
          version: 'v2',
          artifactUri: candidatePath,
          requestedBy: 'tester',
          reason: 'crash test',
          sampleWindow: { start: `${addDays(smallScenario.startDate, 7)}T00:00:00.000Z`, end: `${addDays(smallScenario.startDate, 14)}T00:00:00.000Z` },
        },
      ],
    });
    // Kill the first worker as soon as the deploy has switched staging.
    const deadline = Date.now() + 120_000;
    let stage: DeployStage | undefined;
    while (Date.now() < deadline) {
      stage = await handle.query<DeployStage>('stage').catch(() => undefined);
      if (stage === 'smoke-staging' || stage === 'production' || stage === 'verify-production' || stage === 'done') break;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    first.kill('SIGKILL');
    await exited(first);
    assert.notEqual(stage, 'done', 'the worker died before the deploy finished');

    const second = workers.start(crashConfig, env.address);
    const result = await handle.result();
    second.kill('SIGTERM');
    await exited(second);

    assert.equal(result.outcome, 'deployed', JSON.stringify(result));
    assert.equal((await host.describeEndpoint('demand-production'))?.currentVersion, 'v2');
    assert.equal(await host.describeEndpoint('demand-staging'), undefined, 'staging is deleted once production serves v2');
    const artifacts = (await readdir(join(dir, 'models', 'demand'))).filter((file) => !file.endsWith('.meta.json')).sort();
    assert.deepEqual(artifacts, ['v1.json', 'v2.json'], 'one artifact per version');
    const warehouse = await DuckDbWarehouse.open({ path: join(dir, 'warehouse.duckdb') });
    try {
      const deployments = await warehouse.query(`SELECT stage, status, count(*) AS n FROM deployments WHERE workflow_id = '${workflowId}' GROUP BY stage, status`);
      assert.deepEqual(deployments.rows, [{ stage: 'production', status: 'deployed', n: 1 }]);
      const audit = await warehouse.query(`SELECT action, count(*) AS n FROM audit_events WHERE workflow_id = '${workflowId}' GROUP BY action HAVING count(*) > 1`);
      assert.deepEqual(audit.rows, [], 'no audit event twice');
    } finally {
      await warehouse.close();
    }
  });
});
