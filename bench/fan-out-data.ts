// The fan-out bench's deployment: one generated data set (a baseline and a one-day production log
// with its labels, from generate-data.ts) that every model reads through sources of its own, one
// contract file per model, and a local-mode config naming them all, as `vigil init` would write it
// for each of them.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { benchContract, benchWindow, dataFiles, generateData } from './generate-data.js';

/** Three-day windows: the generated day, then the two days its labels take to arrive (all known by the run). */
export const fanOutWindowDays = 3;
/** The schedule's nominal time for the run: the morning after the window's last day. */
export const fanOutAt = new Date(Date.parse(benchWindow.start) + fanOutWindowDays * 86_400_000 + 6 * 3_600_000).toISOString();

export interface FanOutDeployment {
  configPath: string;
  models: string[];
  taskQueue: string;
  /** Malformed rows in the shared window (what each model's quarantine should find). */
  malformed: number;
  duckdbVersion: string;
}

export interface FanOutDeploymentOptions {
  dir: string;
  models: number;
  rows: number;
  baselineRows: number;
  threads: number;
  memoryLimit: string;
  /** local.warehouseConnections; left to the config's default when undefined. */
  warehouseConnections?: number;
  /** temporal.maxConcurrentActivities; left to the config's default when undefined. */
  activityConcurrency?: number;
  log: (line: string) => void;
}

function fanOutModelId(index: number): string {
  return `bench_${String(index).padStart(3, '0')}`;
}

export async function writeFanOutDeployment(options: FanOutDeploymentOptions): Promise<FanOutDeployment> {
  const dataDir = join(options.dir, 'data');
  await mkdir(dataDir, { recursive: true });
  const data = await generateData({ dir: dataDir, baselineRows: options.baselineRows, windowSizes: [options.rows], threads: options.threads, log: options.log });
  const files = dataFiles(dataDir, options.rows);
  const contractsDir = join(options.dir, 'contracts');
  await mkdir(contractsDir, { recursive: true });
  const models = Array.from({ length: options.models }, (_, index) => fanOutModelId(index));
  for (const id of models) {
    await writeFile(join(contractsDir, `${id}.contract.json`), `${JSON.stringify({ ...benchContract(), model: id }, null, 2)}\n`);
  }
  const taskQueue = 'vigil-fan-out';
  const config = {
    mode: 'local',
    dataDir: join(options.dir, 'state'),
    temporal: { taskQueue, ...(options.activityConcurrency === undefined ? {} : { maxConcurrentActivities: options.activityConcurrency }) },
    local: {
      // A port of its own, chosen by the worker: nothing is scored (every row has its prediction).
      modelServerPort: 0,
      warehouseMemoryLimit: options.memoryLimit,
      ...(options.warehouseConnections === undefined ? {} : { warehouseConnections: options.warehouseConnections }),
    },
    models: models.map((id) => ({
      id,
      contract: join(contractsDir, `${id}.contract.json`),
      endpoints: { production: `${id.replaceAll('_', '-')}-production`, staging: `${id.replaceAll('_', '-')}-staging` },
      sources: {
        productionLog: { path: files.productionLog, format: 'parquet' },
        labels: { path: files.labels, format: 'parquet' },
        baseline: { path: files.baseline, format: 'parquet' },
      },
      // One window per daily run (no re-evaluations of older windows): a run is one 10k-row window.
      // The window holds one day of rows out of three, hence the lower coverage bar.
      monitoring: { windowDays: fanOutWindowDays, minWindowCoverage: 0.3, relabelDays: 0 },
    })),
  };
  const configPath = join(options.dir, 'vigil.config.json');
  await writeFile(configPath, `${JSON.stringify(config, null, 2)}\n`);
  return { configPath, models, taskQueue, malformed: data.malformed.get(options.rows) ?? 0, duckdbVersion: data.duckdbVersion };
}
