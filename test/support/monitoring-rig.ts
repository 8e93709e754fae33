// The local stack the workflow tests run on: a small demo data set in a temporary folder, the
// local model server serving v1, the composed runtime (real DuckDB, real adapters) and a worker on
// its own task queue against the shared dev server.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import type { ActivityDeps } from '../../src/activities/index.js';
import { artifactPathFor } from '../../src/adapters/local/model-host/local-model-host.js';
import { startModelServer, type ModelServer } from '../../src/model-server/model-server.js';
import { loadConfig, type LoadedConfig } from '../../src/config/load.js';
import { prepareDemoWorkspace, type DemoScenario } from '../../src/demo/run-demo.js';
import { composeRuntime, type Runtime } from '../../src/worker/compose-runtime.js';
import { testEnv } from './temporal.js';
import { startTestWorker } from './vigil-worker.js';

export interface MonitoringRig {
  env: TestWorkflowEnvironment;
  client: Client;
  dir: string;
  loaded: LoadedConfig;
  runtime: Runtime;
  worker: Worker;
  taskQueue: string;
  alerts: string[];
  scenario: DemoScenario;
  driftDate: string;
  /** Runs `work` while the worker polls (failing fast if the worker died). */
  run<T>(work: () => Promise<T>): Promise<T>;
  /**
   * Runs `work` against a worker of its own (its own task queue) whose config is a copy of the
   * rig's changed by `variant.configure`, and whose deps are the rig's with `variant.deps` swapped
   * in: a test that needs other settings or adapters leaves the suite's rig as it was.
   */
  withVariant<T>(variant: Variant, work: (lane: Lane) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface MonitoringRigOptions {
  scenario?: DemoScenario;
  /** The suite's settings, applied to the rig's own config before anything reads it. */
  configure?: (loaded: LoadedConfig) => void;
}

/** What one test changes for itself. */
export interface Variant {
  configure?: (loaded: LoadedConfig) => void;
  deps?: Partial<Omit<ActivityDeps, 'loaded'>>;
}

/** A worker of one test's own: start workflows on `taskQueue` to run them with the variant. */
export interface Lane {
  client: Client;
  taskQueue: string;
  loaded: LoadedConfig;
  deps: ActivityDeps;
}

/** Two full weeks before the drift, so the rolling weekly windows have a clean history. */
export const smallScenario: DemoScenario = {
  seed: 11,
  startDate: '2026-03-02',
  days: 18,
  rowsPerDay: 300,
  driftFromDay: 14,
  baselineRows: 1500,
};

/**
 * Retraining settings for the small data set: its holdout is too noisy for the gate (tested on its
 * own), and the smoke test's latency bounds leave room for a busy test machine.
 */
export function smallDataRetraining(loaded: LoadedConfig): void {
  const retraining = loaded.config.models[0]!.retraining;
  retraining.tolerance = 1;
  Object.assign(retraining.smoke, { p50Ms: 2000, p95Ms: 5000, maxMs: 10000 });
}

export async function startMonitoringRig(options: MonitoringRigOptions = {}): Promise<MonitoringRig> {
  const scenario = options.scenario ?? smallScenario;
  const env = await testEnv();
  const dir = await mkdtemp(join(tmpdir(), 'vigil-rig-'));
  const closers: (() => Promise<void>)[] = [() => rm(dir, { recursive: true, force: true })];
  const close = async (): Promise<void> => {
    for (const closer of closers.reverse()) await closer();
  };
  try {
    const { configPath } = await prepareDemoWorkspace(dir, scenario);
    const loaded = await loadConfig(configPath);
    options.configure?.(loaded);
    const modelServer: ModelServer = await startModelServer({ port: 0, host: '127.0.0.1', stateDir: join(dir, 'model-server'), artifactsDir: join(dir, 'models'), faultInjection: true });
    closers.push(() => modelServer.close());
    const alerts: string[] = [];
    const runtime = await composeRuntime(loaded, { modelServerUrl: modelServer.url, writeAlert: (text) => alerts.push(text) });
    closers.push(() => runtime.close());
    const v1 = { model: 'demand', version: 'v1', artifactUri: artifactPathFor(dir, 'demand', 'v1') };
    await runtime.deps.modelHost.createModelVersion(v1, { 'vigil:model': 'demand' });
    await runtime.deps.modelHost.pointEndpoint('demand-production', v1, { 'vigil:model': 'demand' });
    const { worker, taskQueue, stop } = await startTestWorker(env, runtime.deps, 'monitoring');
    closers.push(stop);
    const start = Date.parse(`${scenario.startDate}T00:00:00Z`);
    const driftDate = new Date(start + scenario.driftFromDay * 86_400_000).toISOString().slice(0, 10);
    return {
      env,
      client: env.client,
      dir,
      loaded,
      runtime,
      worker,
      taskQueue,
      alerts,
      scenario,
      driftDate,
      run: async (work) => {
        if (worker.getState() !== 'RUNNING') throw new Error(`the worker is ${worker.getState()}`);
        return work();
      },
      withVariant: async (variant, work) => {
        const copy = structuredClone(loaded);
        variant.configure?.(copy);
        const deps: ActivityDeps = { ...runtime.deps, ...variant.deps, loaded: copy };
        const lane = await startTestWorker(env, deps, 'variant');
        try {
          return await work({ client: env.client, taskQueue: lane.taskQueue, loaded: copy, deps });
        } finally {
          await lane.stop();
        }
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * A rig for the suite: started before its tests, closed after them. `onStart` receives it (the
 * suite keeps it in a variable of its own).
 */
export function useMonitoringRig(options: MonitoringRigOptions, onStart: (rig: MonitoringRig) => void): void {
  let rig: MonitoringRig | undefined;
  before(async function () {
    this.timeout(600_000);
    rig = await startMonitoringRig(options);
    onStart(rig);
  });
  after(async () => {
    await rig?.close();
  });
}

/** The rolling weekly window whose last day is `day` (YYYY-MM-DD). */
export function weekEndingOn(day: string): { start: string; end: string } {
  const end = Date.parse(`${day}T00:00:00Z`) + 86_400_000;
  return { start: new Date(end - 7 * 86_400_000).toISOString(), end: new Date(end).toISOString() };
}

export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}
