// `vigil approve|reject <workflow-id> --as <user>` and `vigil retrain --model M --reason R`.
import { WorkflowIdConflictPolicy } from '@temporalio/client';
import { loadConfig } from '../../config/load.js';
import type { retrainingWorkflow } from '../../workflows/retraining.js';
import { retrainingWorkflowId } from '../../workflows/workflow-ids.js';
import { applyDecision } from '../approvals.js';
import { connectClient } from '../connect.js';

export async function decideCommand(workflowId: string, decision: 'approve' | 'reject', options: { as: string; reason?: string }): Promise<void> {
  const connected = await connectClient();
  try {
    const outcome = await applyDecision(
      connected.client,
      workflowId,
      { decision, by: options.as, ...(options.reason === undefined ? {} : { reason: options.reason }) },
      'cli',
    );
    if (!outcome.ok) throw new Error(`not applied: ${outcome.error}`);
    console.log(`${workflowId}: ${outcome.summary}`);
  } finally {
    await connected.close();
  }
}

export async function retrainCommand(options: { config: string; model: string; reason: string; as?: string }): Promise<void> {
  const loaded = await loadConfig(options.config);
  if (!loaded.config.models.some((model) => model.id === options.model)) {
    throw new Error(`unknown model "${options.model}" (configured: ${loaded.config.models.map((m) => m.id).join(', ')})`);
  }
  const connected = await connectClient();
  try {
    const handle = await connected.client.workflow.start<typeof retrainingWorkflow>('retrainingWorkflow', {
      taskQueue: loaded.config.temporal.taskQueue,
      workflowId: retrainingWorkflowId(options.model),
      args: [{ model: options.model, reason: `manual: ${options.reason}`, requestedBy: options.as ?? process.env.USER ?? 'cli' }],
      // One retraining at a time per model: a second request joins the running one.
      workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
    });
    console.log(`retraining ${options.model}: workflow ${handle.workflowId} (run ${handle.firstExecutionRunId})`);
  } finally {
    await connected.close();
  }
}
