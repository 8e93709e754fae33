// Builds the Temporal worker: every workflow, and the activities bound to the adapters the
// composition root chose. Production loads a pre-built workflow bundle; development bundles sources.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker, type NativeConnection, type WorkerOptions } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../activities/index.js';
import { workflowsPath } from './workflows-path.js';
import { activityPulseWorkerOptions } from './activity-pulse.js';

/** Written by `npm run build` (bin/bundle-workflows.mjs). */
export const prebuiltBundlePath = fileURLToPath(new URL('../../dist/workflow-bundle.js', import.meta.url));

export interface CreateWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  deps: ActivityDeps;
  /** A bundle built once (tests, demo); otherwise the pre-built file when present, else sources. */
  workflowBundle?: WorkerOptions['workflowBundle'];
}

export async function createVigilWorker(options: CreateWorkerOptions): Promise<Worker> {
  const compiled = import.meta.url.endsWith('.js');
  const bundle = options.workflowBundle ?? (compiled && existsSync(prebuiltBundlePath) ? { codePath: prebuiltBundlePath } : undefined);
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    ...(bundle === undefined ? { workflowsPath } : { workflowBundle: bundle }),
    activities: createActivities(options.deps),
    // Sized from the config (temporal.maxConcurrentActivities): the daily runs of every model start
    // together, and an activity mostly waits on the warehouse, whose connections bound the real work.
    maxConcurrentActivityTaskExecutions: options.deps.loaded.config.temporal.maxConcurrentActivities,
    // Every activity heartbeats while it runs, so a lost worker's steps are retried in seconds.
    ...activityPulseWorkerOptions,
  });
}
