// One chaos run's world in local mode, all of it its own: a workspace with the small demo
// scenario, a Temporal dev server on its own ports and SQLite file (so it can be restarted), a
// Slack stand-in recording every message, and `vigil worker` processes, each serving the local
// model server in-process, so a kill takes the model server down with the worker.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { artifactPathFor, LocalModelHost } from '../../src/adapters/local/model-host/local-model-host.js';
import { prepareDemoWorkspace } from '../../src/demo/run-demo.js';
import { demoApprover } from '../../src/demo/demo-config.js';
import { freePort } from '../support/free-port.js';
import { addDays, smallScenario } from '../support/monitoring-rig.js';
import { DuckDbWarehouse } from '../../src/adapters/local/duckdb/duckdb-warehouse.js';
import type { ChaosRig } from './chaos-rig.js';
import { deployAudited, rowsOnce } from './invariants.js';
import { slackStandIn } from './slack-stand-in.js';
import { workerSupervisor } from './worker-supervisor.js';
import { slackTokenVariable, startChaosTemporal } from './chaos-temporal.js';
import { chaosModelSettings, oldRegisteredAt, oldVersions } from './model-settings.js';
import { FileModelRegistry } from '../../src/adapters/local/files/file-model-registry.js';

export async function startLocalChaosRig(runKey: string): Promise<ChaosRig> {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-chaos-'));
  const closers: (() => Promise<void>)[] = [];
  const closeAll = async (): Promise<void> => {
    for (const closer of closers.reverse()) await closer().catch(() => undefined);
  };
  try {
    const { configPath: demoConfig } = await prepareDemoWorkspace(dir, smallScenario);
    const modelServerPort = await freePort();
    const slack = await slackStandIn();
    closers.push(() => slack.close());
    const taskQueue = `chaos-${runKey}`;
    const config = parse(await readFile(demoConfig, 'utf8')) as Record<string, unknown> & { models: Record<string, unknown>[] };
    config['temporal'] = { taskQueue };
    config['local'] = { modelServerPort };
    config['slack'] = { botToken: `env:${slackTokenVariable}`, channel: 'C0CHAOS', apiUrl: `${slack.origin}/api/` };
    config.models = config.models.map(chaosModelSettings);
    const configPath = join(dir, 'vigil.chaos.yaml');
    await writeFile(configPath, stringify(config));

    const temporal = await startChaosTemporal(dir);
    closers.push(() => temporal.close());
    const workers = workerSupervisor({ configPath, temporalAddress: temporal.address, env: { [slackTokenVariable]: 'xoxb-chaos' } });
    closers.push(() => workers.stop());
    await workers.start();

    // v1 serves production, as a first deployment would have left it.
    const modelHost = new LocalModelHost({ serverUrl: `http://127.0.0.1:${modelServerPort}`, dataDir: dir });
    const v1 = { model: 'demand', version: 'v1', artifactUri: artifactPathFor(dir, 'demand', 'v1') };
    const tags = { 'vigil:model': 'demand', 'vigil:version': 'v1', 'vigil:env': 'chaos' };
    await modelHost.createModelVersion(v1, tags);
    await modelHost.pointEndpoint('demand-production', v1, tags);
    // Old versions for the cleanup: each an artifact on the host and an approved registry entry.
    const registry = new FileModelRegistry(dir);
    const v1Artifact = JSON.parse(await readFile(v1.artifactUri, 'utf8')) as Record<string, unknown>;
    for (const [index, version] of oldVersions.entries()) {
      const artifactUri = join(dir, `${version}.json`);
      await writeFile(artifactUri, JSON.stringify({ ...v1Artifact, version }));
      await modelHost.createModelVersion({ model: 'demand', version, artifactUri }, { ...tags, 'vigil:version': version });
      await registry.register({ model: 'demand', version, artifactUri, metrics: {}, origin: { reason: 'older', workflowId: `wf-${version}` }, registeredAt: oldRegisteredAt(smallScenario.startDate, index) });
      await registry.setStatus('demand', version, 'Approved', 'setup', 'older');
    }

    return {
      mode: 'local',
      dir,
      client: temporal.client,
      taskQueue,
      workers,
      slack,
      modelHost,
      driftDate: addDays(smallScenario.startDate, smallScenario.driftFromDay),
      approver: demoApprover,
      ports: [modelServerPort, temporal.port],
      startAwsFaults: () => undefined,
      injectedBesidesKills: () => [],
      async checksAfterStop(candidate) {
        const warehouse = await DuckDbWarehouse.open({ path: join(dir, 'warehouse.duckdb') });
        try {
          const read = (sql: string) => warehouse.query(sql);
          return [...(await rowsOnce(read)), ...(candidate === undefined ? [] : [await deployAudited(read, `vigil-deploy-demand-${candidate}`)])];
        } finally {
          await warehouse.close();
        }
      },
      restartServer: (downMs) => temporal.restart(downMs),
      async close(options = {}) {
        await closeAll();
        if (options.keep !== true) await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await closeAll();
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}
