// Retraining runs as the workflow tests drive them: started on the rig's task queue, followed
// through their stages by the status query.
import type { Client, WorkflowHandle } from '@temporalio/client';
import { retrainingStatusQuery, type RetrainingStatus } from '../../src/workflows/retraining/messages.js';
import type { retrainingWorkflow } from '../../src/workflows/retraining/retraining.js';

export function startRetraining(
  rig: { client: Client; taskQueue: string },
  workflowId: string,
  args: { at: string; reason?: string; requestedBy?: string },
): Promise<WorkflowHandle<typeof retrainingWorkflow>> {
  return rig.client.workflow.start<typeof retrainingWorkflow>('retrainingWorkflow', {
    taskQueue: rig.taskQueue,
    workflowId,
    args: [{ model: 'demand', reason: args.reason ?? 'test', requestedBy: args.requestedBy ?? 'tester', at: args.at }],
  });
}

/** Polls the run's status until `stage` (or fails after two minutes, naming the stage it is in). */
export async function waitForStage(client: Client, workflowId: string, stage: RetrainingStatus['stage']): Promise<RetrainingStatus> {
  const handle = client.workflow.getHandle(workflowId);
  const deadline = Date.now() + 120_000;
  for (;;) {
    const status = await handle.query(retrainingStatusQuery);
    if (status.stage === stage) return status;
    if (Date.now() > deadline) throw new Error(`still ${status.stage}, waiting for ${stage}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
