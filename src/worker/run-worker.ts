// `vigil worker`: loads the config, builds the runtime for its mode and runs the worker until
// SIGINT/SIGTERM. In local mode it also serves the local model server, unless this data dir's
// model server already listens on the port; anything else listening there is refused.
import { NativeConnection } from '@temporalio/worker';
import { loadConfig } from '../config/load.js';
import { modelsDirOf } from '../adapters/local/model-host/local-model-host.js';
import { startModelServer, type ModelServer } from '../model-server/model-server.js';
import { ensureOwnModelServer, ModelServerIdentityError } from '../model-server/identity.js';
import { modelServerStateDir } from '../model-server/token.js';
import { isListening } from '../dev/dev-server.js';
import { composeRuntime, dataDirOf } from './compose-runtime.js';
import { temporalTarget } from '../temporal/connection.js';
import { createVigilWorker } from './create-worker.js';
import { startInteractions } from './slack-interactions.js';
import { localDashboardData } from '../dashboard/dashboard-data.js';
import { startDashboard, type RunningDashboard } from '../dashboard/dashboard-server.js';
import type { LoadedConfig } from '../config/load.js';

/** In local mode with local.dashboard.enabled, the dashboard over the results this worker writes. */
async function startWorkerDashboard(loaded: LoadedConfig, namespace: string): Promise<RunningDashboard | undefined> {
  const settings = loaded.config.local.dashboard;
  if (loaded.config.mode !== 'local' || !settings.enabled) return undefined;
  const dashboard = await startDashboard(localDashboardData(loaded, namespace), { host: settings.host, port: settings.port });
  console.error(`vigil: dashboard on ${dashboard.url}`);
  return dashboard;
}

export async function runWorker(configPath: string): Promise<void> {
  const loaded = await loadConfig(configPath);
  for (const warning of loaded.warnings) console.error(`vigil: warning: ${warning}`);
  const target = temporalTarget();
  let modelServer: ModelServer | undefined;
  if (loaded.config.mode === 'local') {
    const port = loaded.config.local.modelServerPort;
    const dataDir = dataDirOf(loaded);
    const stateDir = modelServerStateDir(dataDir);
    if (port === 0 || !(await isListening('127.0.0.1', port))) {
      modelServer = await startModelServer({ port, host: '127.0.0.1', stateDir, artifactsDir: modelsDirOf(dataDir) });
      console.error(`vigil: local model server on ${modelServer.url}`);
    } else {
      try {
        await ensureOwnModelServer(`http://127.0.0.1:${port}`, stateDir);
      } catch (error) {
        if (!(error instanceof ModelServerIdentityError)) throw error;
        // One line, no stack: the fix is to stop the other process or change the port.
        console.error(error.message);
        process.exitCode = 1;
        return;
      }
      console.error(`vigil: using this data dir's model server on http://127.0.0.1:${port}`);
    }
  }
  const runtime = await composeRuntime(loaded, modelServer === undefined ? {} : { modelServerUrl: modelServer.url });
  let interactions: { close(): Promise<void> } | undefined;
  let dashboard: { close(): Promise<void> } | undefined;
  const connection = await NativeConnection.connect(target.connectionOptions);
  try {
    const worker = await createVigilWorker({
      connection,
      namespace: target.namespace,
      taskQueue: loaded.config.temporal.taskQueue,
      deps: runtime.deps,
    });
    console.error(`vigil: worker on task queue "${loaded.config.temporal.taskQueue}" at ${target.address} (namespace ${target.namespace})`);
    interactions = await startInteractions(loaded, runtime);
    dashboard = await startWorkerDashboard(loaded, target.namespace);
    await worker.run();
  } finally {
    await dashboard?.close();
    await interactions?.close();
    await connection.close();
    await runtime.close();
    await modelServer?.close();
  }
}
