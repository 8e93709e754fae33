// Applies an approval decision to a retraining workflow through its validated Update. A refusal
// (not an approver, nothing pending) is reported back to the workflow by signal so it is audited
// in the run's own history, then returned to the caller (CLI or Slack) to show.
import { WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { decideUpdate, decisionRefusedSignal, type DecisionInput } from '../workflows/retraining-messages.js';

export type DecisionOutcome = { ok: true; summary: string } | { ok: false; error: string };

export async function applyDecision(client: Client, workflowId: string, decision: DecisionInput, via: string): Promise<DecisionOutcome> {
  const handle = client.workflow.getHandle(workflowId);
  try {
    const result = await handle.executeUpdate(decideUpdate, { args: [decision] });
    return { ok: true, summary: `${result.decision === 'approve' ? 'approved' : 'rejected'} by ${result.by}` };
  } catch (error) {
    if (!(error instanceof WorkflowUpdateFailedError)) throw error;
    const message = error.cause?.message ?? error.message;
    // Best effort: the refusal stands even if the run has closed and cannot take the signal.
    await handle.signal(decisionRefusedSignal, { ...decision, error: message, via }).catch(() => undefined);
    return { ok: false, error: message };
  }
}
