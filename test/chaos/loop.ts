// The whole loop a chaos run drives, as the schedules and an approver would: daily monitoring from
// the day before the drift until the trigger starts a retraining, the approval (sent while no
// worker runs), the staged deploy it leads to, then the cleanup. Every call survives the faults:
// queries and starts are retried while no worker or no server answers.
import { WorkflowExecutionAlreadyStartedError, WorkflowFailedError, WorkflowIdReusePolicy, type Client } from '@temporalio/client';
import { applyDecision, type DecisionOutcome } from '../../src/temporal/approvals.js';
import type { DailyMonitoringResult, dailyMonitoringWorkflow } from '../../src/workflows/monitoring/daily-monitoring.js';
import { retrainingStatusQuery, type RetrainingResult } from '../../src/workflows/retraining/messages.js';
import type { CleanupResult, cleanupWorkflow } from '../../src/workflows/cleanup/cleanup.js';
import { cleanupWorkflowId } from '../../src/workflows/shared/workflow-ids.js';
import { addDays } from '../support/monitoring-rig.js';
import type { FaultInjector } from './fault-injector.js';
import type { WorkerSupervisor } from './worker-supervisor.js';

export interface LoopParts {
  client: Client;
  taskQueue: string;
  model: string;
  approver: string;
  driftDate: string;
  /** Unique per run: workflow ids of one run never meet another's. */
  runKey: string;
  workers: WorkerSupervisor;
  faults: FaultInjector;
  /** Whether the decision is sent while no worker runs. */
  decisionWhileWorkerAway: boolean;
}

export interface LoopOutcome {
  daily: { day: string; status: string; triggered: boolean }[];
  retraining?: { workflowId: string; candidate: string; decision: DecisionOutcome; result: RetrainingResult };
  cleanup?: CleanupResult;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Retries `call` while the server restarts or no worker answers a query (up to `ms`); a failed workflow is final. */
async function patiently<T>(what: string, call: () => Promise<T>, ms = 300_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      return await call();
    } catch (error) {
      if (error instanceof WorkflowFailedError || Date.now() > deadline) throw new Error(`${what}: ${failureText(error)}`);
      await sleep(250);
    }
  }
}

/** An error's message with its causes (a failed workflow's says which step failed, and why). */
function failureText(error: unknown): string {
  const parts: string[] = [];
  for (let current: unknown = error; current instanceof Error && parts.length < 4; current = current.cause) parts.push(current.message);
  return parts.length === 0 ? String(error) : parts.join(': ');
}

export async function driveLoop(parts: LoopParts): Promise<LoopOutcome> {
  const { client, taskQueue, model } = parts;
  const outcome: LoopOutcome = { daily: [] };
  let retrainingId: string | undefined;
  for (let offset = -1; offset <= 5 && retrainingId === undefined; offset += 1) {
    const day = addDays(parts.driftDate, offset);
    const at = `${addDays(day, 1)}T06:00:00.000Z`;
    const workflowId = `chaos-daily-${model}-${day}-${parts.runKey}`;
    await startOnce(client, 'dailyMonitoringWorkflow', { taskQueue, workflowId, args: [{ model, at }] });
    const result = await patiently(`the result of ${workflowId}`, () => client.workflow.getHandle<typeof dailyMonitoringWorkflow>(workflowId).result(), 900_000);
    outcome.daily.push({ day, status: result.current.status, triggered: result.retraining.triggered });
    retrainingId = triggeredRun(result);
  }
  if (retrainingId === undefined) return outcome;

  const handle = client.workflow.getHandle(retrainingId);
  const deadline = Date.now() + 900_000;
  for (;;) {
    const status = await patiently(`the status of ${retrainingId}`, () => handle.query(retrainingStatusQuery));
    if (status.stage === 'awaiting-approval' && status.pendingDecision !== undefined) break;
    if (status.stage === 'done' || status.stage === 'failed' || Date.now() > deadline) throw new Error(`${retrainingId} did not ask for approval: ${JSON.stringify(status)}`);
    await sleep(200);
  }
  const { runId } = await patiently(`describing ${retrainingId}`, () => handle.describe());
  const pending = (await patiently(`the status of ${retrainingId}`, () => handle.query(retrainingStatusQuery))).pendingDecision;
  if (pending === undefined) throw new Error(`${retrainingId} has nothing pending`);
  const send = (): Promise<DecisionOutcome> =>
    applyDecision(client, {
      decision: 'approve',
      by: parts.approver,
      via: 'cli',
      workflowId: retrainingId,
      runId,
      candidateVersion: pending.candidateVersion,
      requestId: pending.requestId,
      reason: 'chaos run',
    });
  const decision = parts.decisionWhileWorkerAway ? await decideWhileWorkerAway(parts, send) : await send();
  const result = await patiently(`the result of ${retrainingId}`, () => handle.result() as Promise<RetrainingResult>, 900_000);
  outcome.retraining = { workflowId: retrainingId, candidate: pending.candidateVersion, decision, result };

  const cleanupId = `${cleanupWorkflowId(model)}-${parts.runKey}`;
  await startOnce(client, 'cleanupWorkflow', { taskQueue, workflowId: cleanupId, args: [{ model, apply: true }] });
  outcome.cleanup = await patiently('the cleanup', () => client.workflow.getHandle<typeof cleanupWorkflow>(cleanupId).result(), 900_000);
  return outcome;
}

/**
 * Starts a workflow once, even when the start is retried across a server restart: the id is new to
 * this run, so a start refused as a duplicate is one that took before.
 */
async function startOnce(client: Client, workflowType: string, options: { taskQueue: string; workflowId: string; args: unknown[] }): Promise<void> {
  await patiently(`starting ${options.workflowId}`, async () => {
    try {
      await client.workflow.start(workflowType, { ...options, workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE });
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    }
  });
}

function triggeredRun(result: DailyMonitoringResult): string | undefined {
  return result.retraining.triggered && result.retraining.joined !== true ? result.retraining.workflowId : undefined;
}

/** Kills the worker, sends the decision, and starts a worker only once the decision is on its way. */
async function decideWhileWorkerAway(parts: LoopParts, send: () => Promise<DecisionOutcome>): Promise<DecisionOutcome> {
  const sent = await parts.workers.exclusive(async (locked) => {
    await locked.kill();
    const decision = send();
    decision.catch(() => undefined);
    // The Update waits on the server for a worker to take it.
    await sleep(1_500);
    parts.faults.record({ fault: 'decision while no worker runs', where: 'retrainingWorkflow awaiting approval: the approval was sent, then a worker started' });
    // Wrapped: an async function returning the promise itself would wait for it, and it waits for a worker.
    return { decision };
  });
  await parts.workers.start();
  return sent.decision;
}
