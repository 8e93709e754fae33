// `vigil cleanup plan|apply [-m M]`: runs a model's cleanup through the worker (which owns the
// host and the registry) and prints the plan; `apply` also deletes what it plans to.
import { WorkflowIdConflictPolicy, WorkflowIdReusePolicy } from '@temporalio/client';
import { loadCliConfig } from '../load-cli-config.js';
import { modelById } from '../../config/models.js';
import { connectClient } from '../../temporal/connect.js';
import { cleanupPlanText } from '../../terminal/cleanup-plan.js';
import type { CleanupResult, cleanupWorkflow } from '../../workflows/cleanup/cleanup.js';
import { cleanupPlanWorkflowId, cleanupWorkflowId } from '../../workflows/shared/workflow-ids.js';

export interface CleanupCommandOptions {
  config: string;
  model?: string;
  json?: boolean;
}

export async function cleanupCommand(apply: boolean, options: CleanupCommandOptions): Promise<CleanupResult[]> {
  const loaded = await loadCliConfig(options.config);
  const models = options.model === undefined ? loaded.config.models : [modelById(loaded.config, options.model)];
  const connected = await connectClient();
  const results: CleanupResult[] = [];
  try {
    for (const model of models) {
      results.push(
        await connected.client.workflow.execute<typeof cleanupWorkflow>('cleanupWorkflow', {
          taskQueue: loaded.config.temporal.taskQueue,
          workflowId: apply ? cleanupWorkflowId(model.id) : cleanupPlanWorkflowId(model.id, new Date().toISOString()),
          args: [{ model: model.id, apply }],
          workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
          // A cleanup already running for the model (its Schedule) is waited for, not doubled.
          workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
        }),
      );
    }
  } finally {
    await connected.close();
  }
  if (options.json === true) console.log(JSON.stringify(results, null, 2));
  else console.log(results.map((result) => cleanupPlanText(result.plan, apply ? result.applied : undefined)).join('\n\n'));
  return results;
}
