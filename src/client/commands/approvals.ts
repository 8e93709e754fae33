// `vigil approve|reject <workflow-id> --version vN --as <user>` and `vigil retrain --model M --reason R`.
import { WorkflowIdConflictPolicy, WorkflowNotFoundError } from '@temporalio/client';
import { modelById } from '../../config/models.js';
import { loadCliConfig } from '../load-cli-config.js';
import { retrainingStatusQuery, type RetrainingStatus } from '../../workflows/retraining/messages.js';
import type { retrainingWorkflow } from '../../workflows/retraining/retraining.js';
import { retrainingWorkflowId } from '../../workflows/shared/workflow-ids.js';
import { applyDecision } from '../../temporal/approvals.js';
import { connectClient } from '../../temporal/connect.js';

export interface DecideOptions {
  as: string;
  /** The candidate the decider means; required, so a decision never lands on another version. */
  version?: string;
  /** The approval request id printed with the request; defaults to the one pending now. */
  request?: string;
  /** The run; defaults to the workflow's current run. */
  run?: string;
  reason?: string;
}

/** What `vigil approve|reject` tells a user who did not name the version. */
function pendingHint(workflowId: string, decision: string, pending: RetrainingStatus['pendingDecision'], runId: string): string {
  if (pending === undefined) return `nothing is pending in ${workflowId} (run ${runId})`;
  return (
    `--version is required. Pending in ${workflowId}: ${pending.candidateVersion} (request ${pending.requestId}, run ${runId}, deadline ${pending.deadline}). ` +
    `Run: vigil ${decision} ${workflowId} --version ${pending.candidateVersion} --request ${pending.requestId} --as <you>`
  );
}

export async function decideCommand(workflowId: string, decision: 'approve' | 'reject', options: DecideOptions): Promise<void> {
  const connected = await connectClient();
  try {
    const latest = connected.client.workflow.getHandle(workflowId, options.run);
    let runId: string;
    let pending: RetrainingStatus['pendingDecision'];
    try {
      const description = await latest.describe();
      runId = description.runId;
      pending = description.status.name === 'RUNNING' ? (await latest.query(retrainingStatusQuery)).pendingDecision : undefined;
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) throw new Error(`no workflow ${workflowId}${options.run === undefined ? '' : ` run ${options.run}`}`);
      throw error;
    }
    if (options.version === undefined) throw new Error(pendingHint(workflowId, decision, pending, runId));
    const outcome = await applyDecision(connected.client, {
      decision,
      by: options.as,
      via: 'cli',
      workflowId,
      runId,
      candidateVersion: options.version,
      // Naming no request decides the one pending now, but only if it is for --version.
      requestId: options.request ?? pending?.requestId ?? 'none',
      ...(options.reason === undefined ? {} : { reason: options.reason }),
    });
    if (!outcome.ok) throw new Error(`not applied: ${outcome.error}`);
    console.log(`${workflowId}: ${outcome.summary}`);
  } finally {
    await connected.close();
  }
}

export async function retrainCommand(options: { config: string; model: string; reason: string; as?: string }): Promise<void> {
  const loaded = await loadCliConfig(options.config);
  // Refuses an unknown model before anything starts.
  modelById(loaded.config, options.model);
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
