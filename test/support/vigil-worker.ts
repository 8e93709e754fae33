// A Vigil worker for the rigs: on a task queue of its own against the shared dev server, so suites
// never take each other's tasks. One per suite (a Worker runs once); stop() shuts it down and waits.
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import type { ActivityDeps } from '../../src/activities/index.js';
import { createVigilWorker } from '../../src/worker/create-worker.js';
import { uniqueId, workflowBundle } from './temporal.js';

export interface TestWorker {
  worker: Worker;
  taskQueue: string;
  stop: () => Promise<void>;
}

export async function startTestWorker(env: TestWorkflowEnvironment, deps: ActivityDeps, queuePrefix: string): Promise<TestWorker> {
  const taskQueue = uniqueId(queuePrefix);
  const worker = await createVigilWorker({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue,
    deps,
    workflowBundle: await workflowBundle(),
  });
  const running = worker.run();
  return {
    worker,
    taskQueue,
    stop: async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
    },
  };
}
