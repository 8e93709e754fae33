// A worker killed (SIGKILL) in the middle of a cleanup's deletions: a second worker process
// finishes it, and every version is deleted once — one audit event each, nothing left behind,
// nothing that serves touched.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { artifactPathFor, LocalModelHost } from '../../src/adapters/local/model-host/local-model-host.js';
import { DuckDbWarehouse } from '../../src/adapters/local/duckdb/duckdb-warehouse.js';
import { FileModelRegistry } from '../../src/adapters/local/files/file-model-registry.js';
import { startModelServer, type ModelServer } from '../../src/model-server/model-server.js';
import { prepareDemoWorkspace } from '../../src/demo/run-demo.js';
import type { cleanupWorkflow } from '../../src/workflows/cleanup/cleanup.js';
import { smallScenario } from '../support/monitoring-rig.js';
import { testEnv, uniqueId } from '../support/temporal.js';
import { exited, workerProcesses } from '../support/worker-processes.js';

const versions = 40;

describe('a worker killed mid-cleanup', function () {
  this.timeout(600_000);
  let dir: string;
  let server: ModelServer;
  let configPath: string;
  const workers = workerProcesses();

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vigil-cleanup-crash-'));
    ({ configPath } = await prepareDemoWorkspace(dir, smallScenario));
    server = await startModelServer({ port: 0, host: '127.0.0.1', stateDir: join(dir, 'model-server'), artifactsDir: join(dir, 'models') });
  });

  after(async () => {
    workers.killAll();
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });



  const onHost = async (): Promise<string[]> => (await readdir(join(dir, 'models', 'demand'))).filter((file) => file.endsWith('.json') && !file.endsWith('.meta.json'));

  it('resumes on another worker and deletes each version once', async () => {
    const env = await testEnv();
    const config = parse(await readFile(configPath, 'utf8')) as Record<string, unknown> & { models: (Record<string, unknown> & { retention?: Record<string, unknown> })[] };
    const taskQueue = uniqueId('cleanup-crash');
    config['temporal'] = { taskQueue };
    config['local'] = { modelServerPort: server.port };
    config.models[0]!.retention = { keepVersions: 1 };
    const crashConfig = join(dir, 'vigil.crash.yaml');
    await writeFile(crashConfig, stringify(config));

    // v40 serves production; v1..v39 are older versions (the same weights under other names).
    const host = new LocalModelHost({ serverUrl: server.url, dataDir: dir });
    const registry = new FileModelRegistry(dir);
    const v1 = JSON.parse(await readFile(artifactPathFor(dir, 'demand', 'v1'), 'utf8')) as Record<string, unknown>;
    for (let n = 1; n <= versions; n += 1) {
      const version = `v${n}`;
      const artifactUri = artifactPathFor(dir, 'demand', version);
      if (n > 1) await writeFile(artifactUri, JSON.stringify({ ...v1, version }));
      await host.createModelVersion({ model: 'demand', version, artifactUri }, {});
      await registry.register({ model: 'demand', version, artifactUri, metrics: {}, origin: { reason: 'test', workflowId: `wf-${version}` }, registeredAt: new Date(Date.UTC(2025, 0, n)).toISOString() });
      await registry.setStatus('demand', version, 'Approved', 'alice', 'test');
    }
    await host.pointEndpoint('demand-production', { model: 'demand', version: `v${versions}`, artifactUri: artifactPathFor(dir, 'demand', `v${versions}`) }, {});
    assert.equal((await onHost()).length, versions);

    const first = workers.start(crashConfig, env.address);
    const workflowId = uniqueId('cleanup-crash');
    const handle = await env.client.workflow.start<typeof cleanupWorkflow>('cleanupWorkflow', { taskQueue, workflowId, args: [{ model: 'demand', apply: true }] });
    // Kill the first worker once a few deletions are done.
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline && (await onHost()).length > versions - 5) await new Promise((resolve) => setTimeout(resolve, 10));
    first.kill('SIGKILL');
    await exited(first);
    const leftAtKill = (await onHost()).length;
    assert.ok(leftAtKill > 1, `the worker died before the cleanup finished (${leftAtKill} versions left)`);

    const second = workers.start(crashConfig, env.address);
    const result = await handle.result();
    second.kill('SIGTERM');
    await exited(second);

    // v40 serves; everything else is gone, each deletion recorded once.
    assert.deepEqual(await onHost(), [`v${versions}.json`]);
    const deleted = result.applied.map((outcome) => outcome.version);
    assert.equal(deleted.length, versions - 1);
    assert.equal(new Set(deleted).size, versions - 1);
    assert.ok(result.applied.every((outcome) => outcome.skipped === undefined));
    const warehouse = await DuckDbWarehouse.open({ path: join(dir, 'warehouse.duckdb') });
    try {
      const audit = await warehouse.query(`SELECT action, count(*) AS n FROM audit_events WHERE workflow_id = '${workflowId}' GROUP BY action`);
      assert.deepEqual(audit.rows, [{ action: 'cleanup.deleted', n: versions - 1 }]);
    } finally {
      await warehouse.close();
    }
  });
});
