// A worker of the real workflows whose activities are the real ones with some replaced, so a test
// can make a step fail (or answer) on demand; on a task queue of its own against the shared dev
// server, so no other suite's worker takes its tasks.
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../../src/activities/index.js';
import { uniqueId, workflowBundle } from './temporal.js';

export type VigilActivities = ReturnType<typeof createActivities>;

/**
 * Runs `work` while such a worker polls; `replace` gets the real activities (to wrap them) and
 * returns the ones to use instead. Workflows `work` starts must use the task queue it is given.
 */
export async function withReplacedActivities<T>(
  env: TestWorkflowEnvironment,
  deps: ActivityDeps,
  replace: (real: VigilActivities) => Partial<VigilActivities>,
  work: (taskQueue: string) => Promise<T>,
): Promise<T> {
  const taskQueue = uniqueId('stubbed');
  const real = createActivities(deps);
  const worker = await Worker.create({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue,
    workflowBundle: await workflowBundle(),
    activities: { ...real, ...replace(real) },
  });
  const running = worker.run();
  try {
    return await work(taskQueue);
  } finally {
    if (worker.getState() === 'RUNNING') worker.shutdown();
    await running;
  }
}
