// `vigil demo` / `npm run demo`: the whole monitoring loop on one machine. Generates five weeks of
// production traffic for a demand model (drift injected from a known day, labels arriving 1-7
// days late), trains and serves model v1, then replays the daily monitoring schedule over every
// day and prints what it found. Starts what it needs and stops what it started.
import { appendFile, mkdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Client, Connection, WorkflowIdReusePolicy } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime as TemporalRuntime } from '@temporalio/worker';
import { writeDemoFiles, type DemoFilesOptions, type DemoFilesResult } from './demo-files.js';
import { artifactPathFor } from '../adapters/local/model-host/local-model-host.js';
import { startModelServer, type ModelServer } from '../model-server/model-server.js';
import { loadConfig } from '../config/load.js';
import { ensureDevServer, type DevServerHandle } from '../dev/dev-server.js';
import { ensureSearchAttributes } from '../dev/search-attributes.js';
import type { MonitorWindowResult } from '../domain/monitoring/types.js';
import { windowLabel } from '../domain/monitoring/windows.js';
import { dayMs, hourMs } from '../domain/time.js';
import type { dailyMonitoringWorkflow } from '../workflows/monitoring/daily-monitoring.js';
import { bar, ProgressLine } from '../terminal/progress.js';
import { summaryTable } from '../terminal/monitor-summary.js';
import { composeRuntime, type Runtime } from '../worker/compose-runtime.js';
import { serveDemoDay } from './demo-serving.js';
import { applyDecision } from '../temporal/approvals.js';
import { retrainingStatusQuery, type RetrainingResult } from '../workflows/retraining/messages.js';
import type { retrainingWorkflow } from '../workflows/retraining/retraining.js';
import { createVigilWorker } from '../worker/create-worker.js';
import { demoApprover, demoDriftDate, demoScenario, writeDemoConfig } from './demo-config.js';

export interface DemoOptions {
  /** Demo folder (config, data, warehouse, Temporal database); default .vigil/demo. */
  dir?: string;
  temporalPort?: number;
  uiPort?: number;
  /** Fewer days/rows for a quick run (tests). */
  scale?: { days: number; rowsPerDay: number; driftFromDay: number };
  log?: (line: string) => void;
  /** Approve the retraining the drift triggers without waiting for a person. */
  yes?: boolean;
}

export interface DemoResult {
  windows: MonitorWindowResult[];
  /** How label coverage of the drift day's window grew as its labels arrived. */
  coverageHistory: { asOf: string; labelCoverage: number | null }[];
  alerts: number;
  uiUrl: string;
  retrainings: { day: string; reason: string; outcome: RetrainingResult['outcome'] | 'pending'; version?: string }[];
}

export async function runDemo(options: DemoOptions = {}): Promise<DemoResult> {
  const dir = resolve(options.dir ?? join('.vigil', 'demo'));
  const log = options.log ?? ((line: string) => console.log(line));
  const scenario = { ...demoScenario, ...(options.scale ?? {}) };
  const progress = new ProgressLine();
  quietWorkerLogs();
  const cleanups: (() => Promise<void>)[] = [];
  let dev: DevServerHandle | undefined;
  try {
    const { configPath, files } = await prepareDemoWorkspace(dir, scenario, (date) => progress.update(`generating demo traffic ${date}`));
    log(`vigil demo: config ${configPath}`);
    progress.done(
      `generated ${files.counts.production} production rows over ${files.counts.days} days ` +
        `(${files.counts.malformed} malformed), ${files.counts.baseline} baseline rows; trained model v1` +
        (files.artifact.metrics === undefined ? '' : ` (holdout RMSE ${files.artifact.metrics.rmse.toFixed(2)})`),
    );

    dev = await ensureDevServer({
      dataDir: join(dir, 'temporal'),
      ...(options.temporalPort === undefined ? {} : { port: options.temporalPort }),
      ...(options.uiPort === undefined ? {} : { uiPort: options.uiPort }),
      onProgress: (line) => progress.update(line),
    });
    progress.done(`Temporal at ${dev.address}, Web UI ${dev.uiUrl}`);
    const devServer = dev;
    cleanups.push(() => devServer.stop());

    const modelServer: ModelServer = await startModelServer({ port: 0, host: '127.0.0.1', stateDir: join(dir, 'model-server'), artifactsDir: join(dir, 'models') });
    cleanups.push(() => modelServer.close());

    const alertsLog = join(dir, 'alerts.log');
    await rm(alertsLog, { force: true });
    await rm(join(dir, 'incidents.json'), { force: true });
    let alerts = 0;
    const loaded = await loadConfig(configPath);
    const runtime: Runtime = await composeRuntime(loaded, {
      modelServerUrl: modelServer.url,
      writeApproval: (text) => {
        progress.done();
        log(text.trimEnd());
      },
      writeAlert: (text) => {
        alerts += 1;
        void appendFile(alertsLog, text);
      },
    });
    cleanups.push(() => runtime.close());

    const v1 = { model: 'demand', version: 'v1', artifactUri: artifactPathFor(dir, 'demand', 'v1') };
    const tags = { 'vigil:model': 'demand', 'vigil:version': 'v1', 'vigil:env': 'demo' };
    await runtime.deps.modelHost.createModelVersion(v1, tags);
    await runtime.deps.modelHost.pointEndpoint('demand-production', v1, tags);
    log(`model server ${modelServer.url}: endpoint demand-production serves v1`);

    const workerConnection = await NativeConnection.connect({ address: dev.address });
    cleanups.push(() => workerConnection.close());
    const clientConnection = await Connection.connect({ address: dev.address });
    cleanups.push(() => clientConnection.close());
    const client = new Client({ connection: clientConnection });
    if (!dev.started) await ensureSearchAttributes(clientConnection, 'default');
    progress.update('starting the worker (bundling workflows)');
    const worker = await createVigilWorker({
      connection: workerConnection,
      namespace: 'default',
      taskQueue: loaded.config.temporal.taskQueue,
      deps: runtime.deps,
    });

    const latest = new Map<string, MonitorWindowResult>();
    const retrainings: DemoResult['retrainings'] = [];
    const coverageHistory: DemoResult['coverageHistory'] = [];
    const driftDate = new Date(Date.parse(`${scenario.startDate}T00:00:00Z`) + scenario.driftFromDay * dayMs).toISOString().slice(0, 10);
    const record = (result: MonitorWindowResult): void => {
      // Windows reaching back before the first day of traffic are partial: not shown.
      if (Date.parse(result.window.start) < Date.parse(`${scenario.startDate}T00:00:00Z`)) return;
      latest.set(result.window.start, result);
      if (windowLabel(result.window).endsWith(driftDate)) coverageHistory.push({ asOf: result.asOf, labelCoverage: result.analysis?.labelCoverage ?? null });
    };

    await worker.runUntil(async () => {
      const first = Date.parse(`${scenario.startDate}T00:00:00Z`);
      // Start where the first run's windows, and the older ones it re-evaluates, are all full:
      // windows reaching back before the first day of traffic would look like drift.
      const { windowDays, relabelDays } = loaded.config.models[0]!.monitoring;
      const firstDay = Math.min(scenario.days - 1, windowDays - 1 + relabelDays);
      for (let day = firstDay; day < scenario.days; day += 1) {
        // The schedule fires at 06:00 UTC the next day and monitors the day before.
        const at = new Date(first + (day + 1) * dayMs + 6 * hourMs).toISOString();
        const date = new Date(first + day * dayMs).toISOString().slice(0, 10);
        // The day's traffic goes through the production endpoint: the log records who served it.
        await serveDemoDay({
          partitionPath: join(dir, 'data', 'production_log', `date=${date}`, 'part.parquet'),
          contract: loaded.contracts.demand!,
          endpoint: 'demand-production',
          modelHost: runtime.deps.modelHost,
        });
        progress.update(`monitoring ${bar(day - firstDay, scenario.days - firstDay)} ${new Date(first + day * dayMs).toISOString().slice(0, 10)}`);
        const result = await client.workflow.execute<typeof dailyMonitoringWorkflow>('dailyMonitoringWorkflow', {
          taskQueue: loaded.config.temporal.taskQueue,
          workflowId: `vigil-demo-daily-demand-${at.slice(0, 10)}`,
          args: [{ model: 'demand', at }],
          workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
        });
        for (const relabelled of [...result.relabelled].reverse()) record(relabelled);
        record(result.current);
        if (result.retraining.triggered && result.retraining.workflowId !== undefined && result.retraining.joined !== true) {
          progress.done(`${date}: drift persisted (${result.retraining.reason}): retraining ${result.retraining.workflowId}`);
          retrainings.push(await followRetraining(client, result.retraining.workflowId, date, result.retraining.reason, options.yes === true, log));
        }
      }
      progress.done(`ran the daily monitoring for ${scenario.days - firstDay} days (each run also re-evaluates the ${relabelDays} windows before it as labels arrive)`);
    });

    const windows = [...latest.values()].sort((a, b) => a.window.start.localeCompare(b.window.start));
    log('');
    log(summaryTable(windows, { markDay: driftDate }));
    log('');
    log(`drift was injected from ${driftDate}; windows marked << breached a threshold (details in ${alertsLog}).`);
    if (coverageHistory.length > 0) {
      const steps = coverageHistory.map((entry) => `${entry.asOf.slice(0, 10)}: ${entry.labelCoverage === null ? '-' : `${Math.round(entry.labelCoverage * 100)}%`}`);
      log(`label coverage of ${driftDate} as its delayed labels arrived: ${steps.join(' -> ')}`);
    }
    log(`${alerts} alert messages (new incidents and updates); results in ${join(dir, 'warehouse.duckdb')} (monitoring_metrics, monitoring_runs, quarantine)`);
    log(`Temporal UI: ${dev.uiUrl}/namespaces/default/workflows?query=${encodeURIComponent("VigilModel='demand'")}`);
    if (dev.started) log('(the demo stops its Temporal dev server on exit; run `npx vigil dev` to keep one running and browse the UI)');
    for (const entry of retrainings) {
      log(`retraining triggered on ${entry.day} (${entry.reason}): ${entry.outcome}${entry.version === undefined ? '' : ` ${entry.version}`}`);
    }
    return { windows, coverageHistory, alerts, uiUrl: dev.uiUrl, retrainings };
  } finally {
    progress.done();
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup();
      } catch (error) {
        console.error(`vigil demo: cleanup failed: ${String(error)}`);
      }
    }
  }
}

export { demoDriftDate };

/** Waits for the approval request, approves it (--yes) or says how to, then waits for the outcome. */
async function followRetraining(
  client: Client,
  workflowId: string,
  day: string,
  reason: string,
  yes: boolean,
  log: (line: string) => void,
): Promise<DemoResult['retrainings'][number]> {
  const handle = client.workflow.getHandle<typeof retrainingWorkflow>(workflowId);
  for (;;) {
    const description = await handle.describe();
    if (description.status.name !== 'RUNNING') break;
    const status = await handle.query(retrainingStatusQuery);
    if (status.stage === 'awaiting-approval' && status.pendingDecision !== undefined) {
      const pending = status.pendingDecision;
      const approver = demoApprover;
      if (yes) {
        const outcome = await applyDecision(client, {
          decision: 'approve',
          by: approver,
          via: 'cli',
          workflowId,
          runId: description.runId,
          candidateVersion: pending.candidateVersion,
          requestId: pending.requestId,
          reason: 'approved by the demo (--yes)',
        });
        log(`${day}: ${outcome.ok ? outcome.summary : `${pending.candidateVersion} not approved: ${outcome.error}`}`);
      } else {
        log(`${day}: waiting for a decision on ${pending.candidateVersion}; in another terminal run:`);
        log(`  npx vigil approve ${workflowId} --version ${pending.candidateVersion} --request ${pending.requestId} --as ${approver} --reason "..."   (or: npx vigil reject ...)`);
      }
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const result = await handle.result();
  log(`${day}: retraining ${result.outcome}${result.candidateVersion === undefined ? '' : ` (${result.candidateVersion})`}`);
  return { day, reason, outcome: result.outcome, ...(result.candidateVersion === undefined ? {} : { version: result.candidateVersion }) };
}

export type DemoScenario = Omit<DemoFilesOptions, 'dir'>;

/** Writes the demo's config, contract, data files and model v1 artifact under `dir`. */
export async function prepareDemoWorkspace(
  dir: string,
  scenario: DemoScenario,
  onDay?: (date: string) => void,
): Promise<{ configPath: string; files: DemoFilesResult }> {
  await mkdir(dir, { recursive: true });
  // A run starts from a clean state (the Temporal history of earlier runs is kept).
  for (const stale of ['warehouse.duckdb', 'warehouse.duckdb.wal', 'models', 'registry', 'pipelines', 'model-server', 'incidents.json', 'alerts.log']) {
    await rm(join(dir, stale), { recursive: true, force: true });
  }
  const configPath = await writeDemoConfig(dir);
  const files = await writeDemoFiles({
    ...scenario,
    dir: join(dir, 'data'),
    modelVersion: 'v1',
    artifactPath: artifactPathFor(dir, 'demand', 'v1'),
    ...(onDay === undefined ? {} : { onDay: ({ date }: { date: string }) => onDay(date) }),
  });
  return { configPath, files };
}

/** The worker's own lifecycle lines would drown the demo's output. */
function quietWorkerLogs(): void {
  try {
    TemporalRuntime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    // Already installed (the demo running inside a bigger process, e.g. tests): keep that one.
  }
}
