// The fan-out benchmark: many models' daily monitoring runs at once on one worker. Generates one
// data set that every model reads through sources of its own (fan-out-data.ts), starts a Temporal
// dev server on a free loopback port and the real `vigil worker` on the generated config (local
// adapters, one DuckDB warehouse), then times dailyMonitoringWorkflow for a sample of models run
// one at a time, and for every model started at once as their daily schedules would start them.
// Prints one JSON line on stdout (progress on stderr); stops everything it started, also on failure.
// Options: --models 100  --rows 10000  --baseline-rows 10000  --singles 5  --memory-limit 512MB
//          --connections N (local.warehouseConnections)  --activities N (temporal.maxConcurrentActivities)
//          --threads N (data generation)  --verbose (the worker's stderr)
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { loadConfig } from '../src/config/load.js';
import { ensureDevServer, type DevServerHandle } from '../src/dev/dev-server.js';
import type { DailyMonitoringResult } from '../src/workflows/monitoring/daily-monitoring.js';
import { fanOutAt, writeFanOutDeployment, type FanOutDeployment } from './fan-out-data.js';
import { findProcess, RssWatch, sampleProcess, startWorker, type WorkerProcess } from './fan-out-processes.js';
import { freePort } from '../test/support/free-port.js';

export interface FanOutResult {
  models: number;
  rows: number;
  baselineRows: number;
  settings: { warehouseConnections: number; maxConcurrentActivities: number; memoryLimit: string; duckdbThreads: number };
  /** Wall time of each sampled model's daily run with nothing else running. */
  singles: { model: string; wallMs: number }[];
  slowestSingleMs: number;
  /** From the first start to the last completion, every model started at once. */
  allMs: number;
  ratio: number;
  /** Each model's own wall time inside the fan-out (start to completion). */
  fanOutPerModelMs: { median: number; max: number };
  worker: {
    /** RSS once the worker polled (its workflow bundle built, the warehouse open). */
    startupRssMb: number;
    singlesPeakRssMb: number;
    fanOutPeakRssMb: number;
    /** The kernel's high-water mark over the worker's whole life (bundling included). */
    lifetimePeakRssMb: number;
    singlesCpuS: number;
    fanOutCpuS: number;
  };
  /** The dev server's CPU seconds during the fan-out (it shares the cores). */
  devServerFanOutCpuS: number | undefined;
  cores: number;
  /** One-minute load average before the singles and after the fan-out: other work on the machine shows here. */
  loadAverage: { before: number; after: number };
  windowRows: number;
  quarantinedPerWindow: number;
  breachesPerWindow: number;
}

const progress = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

interface Options {
  models: number;
  rows: number;
  baselineRows: number;
  singles: number;
  memoryLimit: string;
  connections: number | undefined;
  activities: number | undefined;
  threads: number;
  verbose: boolean;
}

function positive(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!(Number.isInteger(value) && value > 0)) throw new Error(`--${name} ${text} is not a positive whole number`);
  return value;
}

function parseOptions(): Options {
  const { values } = parseArgs({
    options: {
      models: { type: 'string', default: '100' },
      rows: { type: 'string', default: '10000' },
      'baseline-rows': { type: 'string', default: '10000' },
      singles: { type: 'string', default: '5' },
      'memory-limit': { type: 'string', default: '512MB' },
      connections: { type: 'string' },
      activities: { type: 'string' },
      threads: { type: 'string', default: String(availableParallelism()) },
      verbose: { type: 'boolean', default: false },
    },
  });
  const models = positive('models', values.models) ?? 100;
  return {
    models,
    rows: positive('rows', values.rows) ?? 10_000,
    baselineRows: positive('baseline-rows', values['baseline-rows']) ?? 10_000,
    // The first model warms the worker up; the sample is drawn from the others.
    singles: Math.min(positive('singles', values.singles) ?? 5, Math.max(1, models - 1)),
    memoryLimit: values['memory-limit'],
    connections: positive('connections', values.connections),
    activities: positive('activities', values.activities),
    threads: positive('threads', values.threads) ?? availableParallelism(),
    verbose: values.verbose,
  };
}

/** Runs the daily monitoring of `model` as its schedule would, and waits for its result. */
async function dailyRun(client: Client, deployment: FanOutDeployment, model: string, phase: string): Promise<{ wallMs: number; result: DailyMonitoringResult }> {
  const started = performance.now();
  const handle = await client.workflow.start('dailyMonitoringWorkflow', {
    taskQueue: deployment.taskQueue,
    workflowId: `vigil-daily-monitoring-${model}-${phase}`,
    args: [{ model, at: fanOutAt }],
    workflowRunTimeout: '1 hour',
  });
  const result = (await handle.result()) as DailyMonitoringResult;
  return { wallMs: performance.now() - started, result };
}

/** Every run must have monitored the whole window and quarantined exactly the malformed rows. */
function checkRun(model: string, result: DailyMonitoringResult, deployment: FanOutDeployment, rows: number): void {
  const { current } = result;
  if (current.status !== 'ok' || current.rows !== rows || current.quarantined !== deployment.malformed) {
    throw new Error(
      `${model}: the daily run monitored ${current.rows} rows, quarantined ${current.quarantined}, status ${current.status}; ` +
        `expected ${rows} rows, ${deployment.malformed} quarantined, ok`,
    );
  }
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

interface Phase<T> {
  value: T;
  peakRssMb: number;
  cpuS: number;
}

/** Runs `work` while watching the worker's RSS and counting its CPU seconds. */
async function watched<T>(worker: WorkerProcess, work: () => Promise<T>): Promise<Phase<T>> {
  const watch = new RssWatch(worker.pid);
  const cpuBefore = sampleProcess(worker.pid)?.cpuSeconds ?? 0;
  try {
    const value = await work();
    return { value, peakRssMb: watch.stop(), cpuS: (sampleProcess(worker.pid)?.cpuSeconds ?? 0) - cpuBefore };
  } finally {
    watch.stop();
  }
}

async function measure(options: Options, dir: string, cleanups: (() => Promise<void>)[]): Promise<FanOutResult> {
  progress(`fan-out: generating one data set for ${options.models} models (window ${options.rows.toLocaleString('en')} rows, baseline ${options.baselineRows.toLocaleString('en')})`);
  const deployment = await writeFanOutDeployment({
    dir,
    models: options.models,
    rows: options.rows,
    baselineRows: options.baselineRows,
    threads: options.threads,
    memoryLimit: options.memoryLimit,
    ...(options.connections === undefined ? {} : { warehouseConnections: options.connections }),
    ...(options.activities === undefined ? {} : { activityConcurrency: options.activities }),
    log: progress,
  });
  const { config } = await loadConfig(deployment.configPath);

  const port = await freePort();
  const uiPort = await freePort();
  const devServer: DevServerHandle = await ensureDevServer({ dataDir: join(dir, 'temporal'), port, uiPort, onProgress: progress });
  cleanups.push(() => devServer.stop());
  if (!devServer.started) throw new Error(`something else answered on ${devServer.address}`);
  const devServerPid = findProcess(['start-dev', '--port', String(port)]);

  progress(`fan-out: starting the worker (vigil worker; ${config.local.warehouseConnections} DuckDB connections, ${config.temporal.maxConcurrentActivities} concurrent activities)`);
  const worker = await startWorker(deployment.configPath, devServer.address, { verbose: options.verbose });
  cleanups.push(() => worker.stop());
  const startupRssMb = sampleProcess(worker.pid)?.rssMb ?? 0;
  const connection = await Connection.connect({ address: devServer.address });
  cleanups.push(() => connection.close());
  const client = new Client({ connection, namespace: 'default' });

  const [first, ...others] = deployment.models;
  if (first === undefined) throw new Error('no models');
  progress(`fan-out: warming up on ${first}...`);
  const warm = await dailyRun(client, deployment, first, 'warm-up');
  checkRun(first, warm.result, deployment, options.rows);
  progress(`  ${(warm.wallMs / 1000).toFixed(2)} s`);

  const loadBefore = loadavg()[0] ?? 0;
  const sample = others.slice(0, options.singles);
  progress(`fan-out: ${sample.length} models one at a time...`);
  const singles = await watched(worker, async () => {
    const runs: { model: string; wallMs: number }[] = [];
    for (const model of sample) {
      const { wallMs, result } = await dailyRun(client, deployment, model, 'single');
      checkRun(model, result, deployment, options.rows);
      runs.push({ model, wallMs: Math.round(wallMs) });
      progress(`  ${model}: ${(wallMs / 1000).toFixed(2)} s`);
    }
    return runs;
  });

  progress(`fan-out: all ${deployment.models.length} models at once...`);
  const devCpuBefore = devServerPid === undefined ? undefined : sampleProcess(devServerPid)?.cpuSeconds;
  const fanOut = await watched(worker, async () => {
    const started = performance.now();
    const runs = await Promise.all(deployment.models.map((model) => dailyRun(client, deployment, model, 'fan-out')));
    return { allMs: performance.now() - started, runs };
  });
  const devCpuAfter = devServerPid === undefined ? undefined : sampleProcess(devServerPid)?.cpuSeconds;
  for (const [index, run] of fanOut.value.runs.entries()) checkRun(deployment.models[index] ?? '?', run.result, deployment, options.rows);
  progress(`  ${(fanOut.value.allMs / 1000).toFixed(2)} s`);
  const lifetimePeakRssMb = sampleProcess(worker.pid)?.peakRssMb ?? 0;

  const slowestSingleMs = Math.max(...singles.value.map((run) => run.wallMs));
  const perModel = fanOut.value.runs.map((run) => run.wallMs);
  const analysis = warm.result.current.analysis;
  return {
    models: deployment.models.length,
    rows: options.rows,
    baselineRows: options.baselineRows,
    settings: {
      warehouseConnections: config.local.warehouseConnections,
      maxConcurrentActivities: config.temporal.maxConcurrentActivities,
      memoryLimit: config.local.warehouseMemoryLimit,
      // The worker leaves DuckDB's threads at its default, the machine's cores.
      duckdbThreads: availableParallelism(),
    },
    singles: singles.value,
    slowestSingleMs,
    allMs: Math.round(fanOut.value.allMs),
    ratio: fanOut.value.allMs / slowestSingleMs,
    fanOutPerModelMs: { median: Math.round(median(perModel)), max: Math.round(Math.max(...perModel)) },
    worker: {
      startupRssMb: Math.round(startupRssMb),
      singlesPeakRssMb: Math.round(singles.peakRssMb),
      fanOutPeakRssMb: Math.round(fanOut.peakRssMb),
      lifetimePeakRssMb: Math.round(lifetimePeakRssMb),
      singlesCpuS: Math.round(singles.cpuS * 10) / 10,
      fanOutCpuS: Math.round(fanOut.cpuS * 10) / 10,
    },
    devServerFanOutCpuS: devCpuBefore === undefined || devCpuAfter === undefined ? undefined : Math.round((devCpuAfter - devCpuBefore) * 10) / 10,
    cores: availableParallelism(),
    loadAverage: { before: Math.round(loadBefore * 10) / 10, after: Math.round((loadavg()[0] ?? 0) * 10) / 10 },
    windowRows: warm.result.current.rows,
    quarantinedPerWindow: warm.result.current.quarantined,
    breachesPerWindow: analysis?.breaches.length ?? 0,
  };
}

async function main(): Promise<void> {
  const options = parseOptions();
  const dir = await mkdtemp(join(tmpdir(), 'vigil-fan-out-'));
  const cleanups: (() => Promise<void>)[] = [() => rm(dir, { recursive: true, force: true })];
  const cleanUp = async (): Promise<void> => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch((error: unknown) => progress(`cleanup: ${String(error)}`));
  };
  const interrupted = (): void => {
    void cleanUp().finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    const result = await measure(options, dir, cleanups);
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    process.off('SIGINT', interrupted);
    process.off('SIGTERM', interrupted);
    await cleanUp();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
