// Applies an approval decision to exactly the retraining run it names, through that run's
// validated Update (the handle carries the run id, so a decision can never reach a later run of
// the same workflow id). Every refused attempt is audited as its own row: reported to the run when
// it is open (so it shows in the run's history), or recorded by a short audit workflow when the
// run has closed (the server refuses those before any workflow code runs).
import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { refusalAuditDetail, refusalKindOfFailureType, type DecisionInput, type RefusalKind } from '../domain/retraining/approval-check.js';
import type { auditEventWorkflow } from '../workflows/shared/audit-event.js';
import { decideUpdate, decisionRefusedSignal, retrainingStatusQuery } from '../workflows/retraining/messages.js';
import { modelIdKey } from '../workflows/shared/search-attributes.js';
import { auditEventWorkflowId } from '../workflows/shared/workflow-ids.js';

export type DecisionOutcome =
  | { ok: true; summary: string }
  | {
      ok: false;
      error: string;
      kind: RefusalKind;
      /** The request the decision names is no longer pending (its message can say so). */
      superseded: boolean;
    };

export interface ApplyDecisionOptions {
  /** Task queue for the audit of a decision on a closed run when the run's own is unknown. */
  taskQueue?: string;
  /** Where warnings go (an audit that could not be written); stderr by default. */
  warn?: (line: string) => void;
}

export async function applyDecision(client: Client, decision: DecisionInput, options: ApplyDecisionOptions = {}): Promise<DecisionOutcome> {
  const handle = client.workflow.getHandle(decision.workflowId, decision.runId);
  const attemptId = randomUUID();
  try {
    const result = await handle.executeUpdate(decideUpdate, { args: [decision] });
    return { ok: true, summary: `${result.candidateVersion} ${result.decision === 'approve' ? 'approved' : 'rejected'} by ${result.by}` };
  } catch (error) {
    if (error instanceof WorkflowUpdateFailedError) {
      const failure = error.cause instanceof ApplicationFailure ? error.cause : undefined;
      const kind = refusalKindOfFailureType(failure?.type) ?? 'malformed';
      const message = failure?.message ?? error.cause?.message ?? error.message;
      try {
        await handle.signal(decisionRefusedSignal, { decision, kind, error: message, attemptId });
      } catch (signalError) {
        // The run closed between the refusal and its report: audit it like a closed run's.
        if (!(signalError instanceof WorkflowNotFoundError)) throw signalError;
        await auditClosedRunAttempt(client, decision, kind, message, attemptId, options);
      }
      return { ok: false, error: message, kind, superseded: kind === 'superseded' };
    }
    if (!(error instanceof WorkflowNotFoundError)) throw error;
    const message = await closedRunMessage(client, decision);
    await auditClosedRunAttempt(client, decision, 'superseded', message, attemptId, options);
    return { ok: false, error: message, kind: 'superseded', superseded: true };
  }
}

/** Why a decision for a closed (or unknown) run cannot apply, and what is pending now, if anything. */
async function closedRunMessage(client: Client, decision: DecisionInput): Promise<string> {
  const asked = `${decision.candidateVersion} is no longer pending: run ${decision.runId} of ${decision.workflowId} has ended`;
  try {
    const latest = client.workflow.getHandle(decision.workflowId);
    const description = await latest.describe();
    if (description.status.name !== 'RUNNING') return asked;
    const pending = (await latest.query(retrainingStatusQuery)).pendingDecision;
    if (pending === undefined) return `${asked}; its newest run ${description.runId} has nothing pending yet`;
    return `${asked}; ${pending.candidateVersion} is pending in run ${description.runId} (request ${pending.requestId})`;
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return `${asked} (or never existed)`;
    throw error;
  }
}

async function auditClosedRunAttempt(
  client: Client,
  decision: DecisionInput,
  kind: RefusalKind,
  message: string,
  attemptId: string,
  options: ApplyDecisionOptions,
): Promise<void> {
  const warn = options.warn ?? ((line: string) => console.error(line));
  let taskQueue = options.taskQueue;
  let model = 'unknown';
  try {
    const description = await client.workflow.getHandle(decision.workflowId, decision.runId).describe();
    taskQueue = description.taskQueue;
    model = description.typedSearchAttributes.get(modelIdKey) ?? model;
  } catch (error) {
    if (!(error instanceof WorkflowNotFoundError)) throw error;
  }
  if (taskQueue === undefined) {
    warn(`vigil: the refused decision on ${decision.workflowId} could not be audited: the run is unknown and no task queue is configured`);
    return;
  }
  await client.workflow.execute<typeof auditEventWorkflow>('auditEventWorkflow', {
    taskQueue,
    workflowId: auditEventWorkflowId(attemptId),
    args: [
      {
        model,
        workflowId: decision.workflowId,
        runId: decision.runId,
        action: 'approval.refused',
        actor: decision.by,
        attemptId,
        detail: { ...refusalAuditDetail(decision, kind, message), runClosed: true },
      },
    ],
  });
}
