// `vigil demo` / `npm run demo`: the whole monitoring loop on one machine. Generates five weeks of
// production traffic for a demand model (drift injected from a known day, labels arriving 1-7
// days late), trains and serves model v1, then replays the daily monitoring schedule over every
// day and prints what it found. Starts what it needs and stops what it started.
import { appendFile, mkdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Client, Connection, WorkflowIdReusePolicy } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime as TemporalRuntime, type Worker } from '@temporalio/worker';
import { writeDemoFiles, type DemoFilesOptions, type DemoFilesResult } from './demo-files.js';
import { artifactPathFor } from '../adapters/local/model-host/local-model-host.js';
import { startModelServer, type ModelServer } from '../model-server/model-server.js';
import { loadConfig, type LoadedConfig } from '../config/load.js';
import { ensureDevServer, type DevServerHandle } from '../dev/dev-server.js';
import { ensureSearchAttributes } from '../dev/search-attributes.js';
import type { MonitorWindowResult } from '../domain/monitoring/types.js';
import { windowLabel } from '../domain/monitoring/windows.js';
import { dayMs, hourMs } from '../domain/time.js';
import type { dailyMonitoringWorkflow } from '../workflows/monitoring/daily-monitoring.js';
import { bar, ProgressLine } from '../terminal/progress.js';
import { summaryTable } from '../terminal/monitor-summary.js';
import { composeRuntime, type Runtime } from '../worker/compose-runtime.js';
import { serveDemoDay, type ServedDay } from './demo-serving.js';
import { startLocalIngest, type RunningIngest } from '../stream/start-local-ingest.js';
import { applyDecision } from '../temporal/approvals.js';
import { retrainingStatusQuery, type RetrainingResult } from '../workflows/retraining/messages.js';
import type { retrainingWorkflow } from '../workflows/retraining/retraining.js';
import { createVigilWorker } from '../worker/create-worker.js';
import type { CleanupResult, cleanupWorkflow } from '../workflows/cleanup/cleanup.js';
import { cleanupWorkflowId } from '../workflows/shared/workflow-ids.js';
import { cleanupPlanText } from '../terminal/cleanup-plan.js';
import { demoApprover, demoDriftDate, demoScenario, writeDemoConfig } from './demo-config.js';

/** Where `vigil dashboard` listens by default. */
const dashboardUrl = 'http://127.0.0.1:8090/';

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
  /** The cleanup run at the end (planned and applied). */
  cleanup: CleanupResult;
}

/** What every step of the run shares: where it works, what it says, and what it must stop. */
interface DemoRun {
  dir: string;
  scenario: DemoScenario;
  options: DemoOptions;
  log: (line: string) => void;
  progress: ProgressLine;
  /** Stops what the run started, run in reverse order when the demo ends. */
  cleanups: (() => Promise<void>)[];
}

/** The running parts the daily loop drives. */
interface DemoStack {
  dev: DevServerHandle;
  loaded: LoadedConfig;
  runtime: Runtime;
  client: Client;
  worker: Worker;
  alertsLog: string;
  /** Alert messages written so far. */
  alerts(): number;
  /** The stream path's HTTP ingest the day's traffic is logged through. */
  ingest: RunningIngest;
  /** The first day the schedule runs for (index from the first day of traffic). */
  firstDay: number;
  /** The days before it, served and logged (while the worker started). */
  earlierDays: Promise<Logged>;
}

interface Logged {
  valid: number;
  quarantined: number;
}

/** The parts serving a day needs. */
type ServingParts = Pick<DemoStack, 'loaded' | 'runtime' | 'ingest'>;

interface Replayed {
  windows: MonitorWindowResult[];
  coverageHistory: DemoResult['coverageHistory'];
  retrainings: DemoResult['retrainings'];
  driftDate: string;
  /** The weekly cleanup, run once at the end and applied. */
  cleanup: CleanupResult;
}

export async function runDemo(options: DemoOptions = {}): Promise<DemoResult> {
  const run: DemoRun = {
    dir: resolve(options.dir ?? join('.vigil', 'demo')),
    scenario: { ...demoScenario, ...(options.scale ?? {}) },
    options,
    log: options.log ?? ((line: string) => console.log(line)),
    progress: new ProgressLine(),
    cleanups: [],
  };
  quietWorkerLogs();
  try {
    const configPath = await generateWorkspace(run);
    const stack = await startStack(run, configPath);
    const replayed = await replayDays(run, stack);
    printSummary(run, stack, replayed);
    return {
      windows: replayed.windows,
      coverageHistory: replayed.coverageHistory,
      alerts: stack.alerts(),
      uiUrl: stack.dev.uiUrl,
      retrainings: replayed.retrainings,
      cleanup: replayed.cleanup,
    };
  } finally {
    run.progress.done();
    for (const cleanup of run.cleanups.reverse()) {
      try {
        await cleanup();
      } catch (error) {
        console.error(`vigil demo: cleanup failed: ${String(error)}`);
      }
    }
  }
}

/** Writes the config, the traffic and model v1, and says what was generated. */
async function generateWorkspace(run: DemoRun): Promise<string> {
  const { configPath, files } = await prepareDemoWorkspace(run.dir, run.scenario, (date) => run.progress.update(`generating demo traffic ${date}`), {
    stream: true,
    uiUrl: `http://localhost:${run.options.uiPort ?? 8233}`,
  });
  run.log(`vigil demo: config ${configPath}`);
  run.progress.done(
    `generated ${files.counts.production} requests over ${files.counts.days} days ` +
      `(${files.counts.malformed} malformed), ${files.counts.baseline} baseline rows; trained model v1` +
      (files.artifact.metrics === undefined ? '' : ` (holdout RMSE ${files.artifact.metrics.rmse.toFixed(2)})`),
  );
  return configPath;
}

/** Temporal, the model server serving v1, the composed runtime and a worker, each stopped at the end. */
async function startStack(run: DemoRun, configPath: string): Promise<DemoStack> {
  const dev = await ensureDevServer({
    dataDir: join(run.dir, 'temporal'),
    ...(run.options.temporalPort === undefined ? {} : { port: run.options.temporalPort }),
    ...(run.options.uiPort === undefined ? {} : { uiPort: run.options.uiPort }),
    onProgress: (line) => run.progress.update(line),
  });
  run.progress.done(`Temporal at ${dev.address}, Web UI ${dev.uiUrl}`);
  run.cleanups.push(() => dev.stop());

  const modelServer: ModelServer = await startModelServer({ port: 0, host: '127.0.0.1', stateDir: join(run.dir, 'model-server'), artifactsDir: join(run.dir, 'models') });
  run.cleanups.push(() => modelServer.close());
  const { loaded, runtime, alertsLog, alerts } = await composeDemoRuntime(run, configPath, modelServer.url);
  await serveV1(run, runtime);
  run.log(`model server ${modelServer.url}: endpoint demand-production serves v1`);
  const ingest = await startLocalIngest(loaded);
  run.cleanups.push(() => ingest.close());
  run.log(`stream ingest ${ingest.recordsUrl('demand')}: the day's requests are logged through it`);
  // Start where the first run's windows, and the older ones it re-evaluates, are all full:
  // windows reaching back before the first day of traffic would look like drift.
  const { windowDays, relabelDays } = loaded.config.models[0]!.monitoring;
  const firstDay = Math.min(run.scenario.days - 1, windowDays - 1 + relabelDays);
  // The days before the first run need no worker: they are served while it bundles its workflows.
  const earlierDays = serveDays(run, { loaded, runtime, ingest }, 0, firstDay);
  earlierDays.catch(() => undefined);
  const { client, worker } = await startDemoWorker(run, dev, loaded, runtime);
  return { dev, loaded, runtime, client, worker, alertsLog, alerts, ingest, firstDay, earlierDays };
}

/** The worker's runtime, its alerts counted and appended to alerts.log, approval requests printed. */
async function composeDemoRuntime(
  run: DemoRun,
  configPath: string,
  modelServerUrl: string,
): Promise<{ loaded: LoadedConfig; runtime: Runtime; alertsLog: string; alerts: () => number }> {
  const alertsLog = join(run.dir, 'alerts.log');
  await rm(alertsLog, { force: true });
  await rm(join(run.dir, 'incidents.json'), { force: true });
  let alerts = 0;
  const loaded = await loadConfig(configPath);
  const runtime: Runtime = await composeRuntime(loaded, {
    modelServerUrl,
    writeApproval: (text) => {
      run.progress.done();
      run.log(text.trimEnd());
    },
    writeAlert: (text) => {
      alerts += 1;
      void appendFile(alertsLog, text);
    },
  });
  run.cleanups.push(() => runtime.close());
  return { loaded, runtime, alertsLog, alerts: () => alerts };
}

/** Model v1, as a first deployment would have left it: registered with the host and serving production. */
async function serveV1(run: DemoRun, runtime: Runtime): Promise<void> {
  const v1 = { model: 'demand', version: 'v1', artifactUri: artifactPathFor(run.dir, 'demand', 'v1') };
  const tags = { 'vigil:model': 'demand', 'vigil:version': 'v1', 'vigil:env': 'demo' };
  await runtime.deps.modelHost.createModelVersion(v1, tags);
  await runtime.deps.modelHost.pointEndpoint('demand-production', v1, tags);
}

async function startDemoWorker(run: DemoRun, dev: DevServerHandle, loaded: LoadedConfig, runtime: Runtime): Promise<{ client: Client; worker: Worker }> {
  const workerConnection = await NativeConnection.connect({ address: dev.address });
  run.cleanups.push(() => workerConnection.close());
  const clientConnection = await Connection.connect({ address: dev.address });
  run.cleanups.push(() => clientConnection.close());
  const client = new Client({ connection: clientConnection });
  if (!dev.started) await ensureSearchAttributes(clientConnection, 'default');
  await endInterruptedRuns(run, client, loaded.config.temporal.taskQueue);
  run.progress.update('starting the worker (bundling workflows)');
  const worker = await createVigilWorker({
    connection: workerConnection,
    namespace: 'default',
    taskQueue: loaded.config.temporal.taskQueue,
    deps: runtime.deps,
  });
  return { client, worker };
}

/**
 * A demo stopped half way leaves its workflows running on the kept Temporal history, and the
 * next run would meet them under the same ids: they are ended first (the demo's queue only).
 */
async function endInterruptedRuns(run: DemoRun, client: Client, taskQueue: string): Promise<void> {
  let ended = 0;
  for await (const execution of client.workflow.list({ query: `TaskQueue = '${taskQueue}' AND ExecutionStatus = 'Running'` })) {
    await client.workflow.getHandle(execution.workflowId, execution.runId).terminate('an earlier demo run was interrupted');
    ended += 1;
  }
  if (ended > 0) run.log(`ended ${ended} workflow${ended === 1 ? '' : 's'} left running by an interrupted demo run`);
}

/** The daily monitoring schedule over every day of traffic, following the retrainings it starts. */
async function replayDays(run: DemoRun, stack: DemoStack): Promise<Replayed> {
  const { scenario, progress } = run;
  const first = Date.parse(`${scenario.startDate}T00:00:00Z`);
  const driftDate = new Date(first + scenario.driftFromDay * dayMs).toISOString().slice(0, 10);
  const recorder = windowRecorder(first, driftDate);
  const retrainings: DemoResult['retrainings'] = [];
  let cleanup: CleanupResult | undefined;
  await stack.worker.runUntil(async () => {
    const { relabelDays } = stack.loaded.config.models[0]!.monitoring;
    const { firstDay } = stack;
    let logged = await stack.earlierDays;
    for (let day = firstDay; day < scenario.days; day += 1) {
      const date = new Date(first + day * dayMs).toISOString().slice(0, 10);
      const served = await serveDay(run, stack, date);
      logged = { valid: logged.valid + served.valid, quarantined: logged.quarantined + served.quarantined };
      const result = await monitorDay(run, stack, date, `monitoring ${bar(day - firstDay, scenario.days - firstDay)} ${date}`);
      for (const relabelled of [...result.relabelled].reverse()) recorder.record(relabelled);
      recorder.record(result.current);
      const retraining = result.retraining;
      if (retraining.triggered && retraining.workflowId !== undefined && retraining.joined !== true) {
        progress.done(`${date}: drift persisted (${retraining.reason}): retraining ${retraining.workflowId}`);
        retrainings.push(await followRetraining(stack.client, retraining.workflowId, date, retraining.reason, run.options.yes === true, run.log));
      }
    }
    progress.done();
    run.log(
      `logged ${(logged.valid + logged.quarantined).toLocaleString('en')} requests through the stream path: ${logged.valid.toLocaleString('en')} to the production log, ` +
        `${logged.quarantined.toLocaleString('en')} refused to the stream quarantine`,
    );
    progress.done(`ran the daily monitoring for ${scenario.days - firstDay} days (each run also re-evaluates the ${relabelDays} windows before it as labels arrive)`);
    progress.update('cleaning up old model versions');
    cleanup = await stack.client.workflow.execute<typeof cleanupWorkflow>('cleanupWorkflow', {
      taskQueue: stack.loaded.config.temporal.taskQueue,
      workflowId: cleanupWorkflowId('demand'),
      args: [{ model: 'demand', apply: true }],
      workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
    });
    progress.done();
  });
  if (cleanup === undefined) throw new Error('the demo ended before its cleanup ran');
  return { windows: recorder.windows(), coverageHistory: recorder.coverageHistory, retrainings, driftDate, cleanup };
}

/** Days [from, to) of traffic, one after the other, served and logged. */
async function serveDays(run: DemoRun, parts: ServingParts, from: number, to: number): Promise<Logged> {
  const first = Date.parse(`${run.scenario.startDate}T00:00:00Z`);
  const logged: Logged = { valid: 0, quarantined: 0 };
  for (let day = from; day < to; day += 1) {
    const served = await serveDay(run, parts, new Date(first + day * dayMs).toISOString().slice(0, 10));
    logged.valid += served.valid;
    logged.quarantined += served.quarantined;
  }
  return logged;
}

/** One day's requests (YYYY-MM-DD) served through the production endpoint and logged through the stream path. */
function serveDay(run: DemoRun, stack: ServingParts, date: string): Promise<ServedDay> {
  return serveDemoDay({
    trafficPath: join(run.dir, 'data', 'traffic', `date=${date}`, 'part.parquet'),
    date,
    contract: stack.loaded.contracts.demand!,
    endpoint: 'demand-production',
    modelHost: stack.runtime.deps.modelHost,
    ingestUrl: stack.ingest.recordsUrl('demand'),
  });
}

/** The schedule's run for one day (YYYY-MM-DD), with `progressLine` shown while it monitors. */
async function monitorDay(
  run: DemoRun,
  stack: DemoStack,
  date: string,
  progressLine: string,
): Promise<Awaited<ReturnType<typeof dailyMonitoringWorkflow>>> {
  // The schedule fires at 06:00 UTC the next day and monitors the day before.
  const at = new Date(Date.parse(`${date}T00:00:00Z`) + dayMs + 6 * hourMs).toISOString();
  run.progress.update(progressLine);
  return stack.client.workflow.execute<typeof dailyMonitoringWorkflow>('dailyMonitoringWorkflow', {
    taskQueue: stack.loaded.config.temporal.taskQueue,
    workflowId: `vigil-demo-daily-demand-${at.slice(0, 10)}`,
    args: [{ model: 'demand', at }],
    workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
  });
}

/** Keeps the newest result of each window, and how the drift day's label coverage grew. */
function windowRecorder(first: number, driftDate: string): {
  record(result: MonitorWindowResult): void;
  windows(): MonitorWindowResult[];
  coverageHistory: DemoResult['coverageHistory'];
} {
  const latest = new Map<string, MonitorWindowResult>();
  const coverageHistory: DemoResult['coverageHistory'] = [];
  return {
    record(result) {
      // Windows reaching back before the first day of traffic are partial: not shown.
      if (Date.parse(result.window.start) < first) return;
      latest.set(result.window.start, result);
      if (windowLabel(result.window).endsWith(driftDate)) coverageHistory.push({ asOf: result.asOf, labelCoverage: result.analysis?.labelCoverage ?? null });
    },
    windows: () => [...latest.values()].sort((a, b) => a.window.start.localeCompare(b.window.start)),
    coverageHistory,
  };
}

function printSummary(run: DemoRun, stack: DemoStack, replayed: Replayed): void {
  const { log } = run;
  const { driftDate, coverageHistory } = replayed;
  log('');
  log(summaryTable(replayed.windows, { markDay: driftDate }));
  log('');
  log(`drift was injected from ${driftDate}; windows marked << breached a threshold (details in ${stack.alertsLog}).`);
  if (coverageHistory.length > 0) {
    const steps = coverageHistory.map((entry) => `${entry.asOf.slice(0, 10)}: ${entry.labelCoverage === null ? '-' : `${Math.round(entry.labelCoverage * 100)}%`}`);
    log(`label coverage of ${driftDate} as its delayed labels arrived: ${steps.join(' -> ')}`);
  }
  log(`${stack.alerts()} alert messages (new incidents and updates); results in ${join(run.dir, 'warehouse.duckdb')} (monitoring_metrics, monitoring_runs, quarantine), as Parquet in ${join(run.dir, 'results')} (npx vigil query -c ${join(run.dir, 'vigil.config.yaml')} "SELECT ...")`);
  log(`Temporal UI: ${stack.dev.uiUrl}/namespaces/default/workflows?query=${encodeURIComponent("VigilModel='demand'")}`);
  if (stack.dev.started) log('(the demo stops its Temporal dev server on exit; run `npx vigil dev` to keep one running and browse the UI)');
  for (const entry of replayed.retrainings) {
    log(`retraining triggered on ${entry.day} (${entry.reason}): ${entry.outcome}${entry.version === undefined ? '' : ` ${entry.version}`}`);
  }
  log('');
  log(cleanupPlanText(replayed.cleanup.plan, replayed.cleanup.applied));
  log('');
  log(`dashboard (the windows, the drift, the labels filling in, the retraining and the deploy on one timeline): npx vigil dashboard -c ${join(run.dir, 'vigil.config.yaml')}`);
  log(`  then open ${dashboardUrl}#model=demand`);
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
  /**
   * stream: the days are requests (data/traffic) the demo logs through the stream path itself;
   * uiUrl: the Temporal Web UI its links point to.
   */
  options: { stream?: boolean; uiUrl?: string } = {},
): Promise<{ configPath: string; files: DemoFilesResult }> {
  await mkdir(dir, { recursive: true });
  // A run starts from a clean state (the Temporal history of earlier runs is kept).
  const staleData = ['data/production_log', 'data/stream_quarantine', 'data/traffic'];
  for (const stale of ['warehouse.duckdb', 'warehouse.duckdb.wal', 'models', 'registry', 'pipelines', 'model-server', 'incidents.json', 'alerts.log', ...staleData]) {
    await rm(join(dir, stale), { recursive: true, force: true });
  }
  const configPath = await writeDemoConfig(dir, options.uiUrl === undefined ? {} : { uiUrl: options.uiUrl });
  const files = await writeDemoFiles({
    ...scenario,
    dir: join(dir, 'data'),
    dayFolder: options.stream === true ? 'traffic' : 'production_log',
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
