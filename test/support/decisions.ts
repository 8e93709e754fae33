// Decisions as an approver would send them: naming the run, request and version pending now
// (read from the run's status), with fields overridable to send a stale or forged one.
import type { Client } from '@temporalio/client';
import { applyDecision, type DecisionOutcome } from '../../src/temporal/approvals.js';
import type { DecisionInput } from '../../src/domain/retraining/approval-check.js';
import { retrainingStatusQuery } from '../../src/workflows/retraining/messages.js';

/** The decision that matches what `workflowId`'s current run has pending. */
export async function pendingDecisionInput(
  client: Client,
  workflowId: string,
  decision: 'approve' | 'reject',
  by: string,
  overrides: Partial<DecisionInput> = {},
): Promise<DecisionInput> {
  const handle = client.workflow.getHandle(workflowId);
  const { runId } = await handle.describe();
  const pending = (await handle.query(retrainingStatusQuery)).pendingDecision;
  if (pending === undefined) throw new Error(`${workflowId} has nothing pending`);
  return { decision, by, via: 'cli', workflowId, runId, candidateVersion: pending.candidateVersion, requestId: pending.requestId, ...overrides };
}

export async function decide(
  client: Client,
  workflowId: string,
  decision: 'approve' | 'reject',
  by: string,
  overrides: Partial<DecisionInput> = {},
): Promise<DecisionOutcome> {
  return applyDecision(client, await pendingDecisionInput(client, workflowId, decision, by, overrides));
}
