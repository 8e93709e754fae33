// Kills the worker inside activities, as the run's schedule says: it watches the task queue's
// running workflows and, for each kill, lets `skip` activities of the kill's phase pass (or of a
// later phase, once the loop has moved on) and kills the worker in the next one seen in flight
// (started on a worker), then starts a new worker after the kill's down time. Once, while no
// worker runs after a kill, it also restarts the Temporal server.
import type { Client } from '@temporalio/client';
import proto from '@temporalio/proto';
import { loopPhases, type FaultSchedule, type LoopPhase } from './schedule.js';
import type { WorkerSupervisor } from './worker-supervisor.js';

export interface InjectedFault {
  fault: 'kill worker' | 'restart Temporal server' | 'decision while no worker runs';
  /** workflow type / activity type, or what was going on. */
  where: string;
  /** The activity the worker died in, to find how it ended in the workflow's history. */
  activity?: { workflowId: string; runId: string; activityId: string; attempt: number };
}

export interface FaultInjector {
  /** Resolves when every kill of the schedule happened or the loop ended. */
  run(): Promise<InjectedFault[]>;
  /** The loop is over: no more faults. */
  stop(): void;
  /** Records a fault the loop injected itself. */
  record(fault: InjectedFault): void;
}

export interface InjectorParts {
  client: Client;
  taskQueue: string;
  workers: WorkerSupervisor;
  schedule: FaultSchedule;
  restartServer: (downMs: number) => Promise<void>;
}

interface InFlight {
  /** One attempt of one step. */
  key: string;
  /** The step, whatever the attempt. */
  step: string;
  workflowType: string;
  activityType: string;
  workflowId: string;
  runId: string;
  activityId: string;
  attempt: number;
}

const pollMs = 50;
/** A step may be attempted five times (the retry policies): two kills leave it three. */
const maxKillsPerStep = 2;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export function faultInjector(parts: InjectorParts): FaultInjector {
  const faults: InjectedFault[] = [];
  const seen = new Set<string>();
  /** Kills per step (run and activity id): a step is killed at most twice, so the kills spread over the loop. */
  const killsPerStep = new Map<string, number>();
  let stopped = false;

  /** The next activity execution of `phase` (or a later one) seen running that was not seen before. */
  const nextInFlight = async (phase: LoopPhase): Promise<InFlight | undefined> => {
    while (!stopped) {
      for (const activity of await inFlight(parts.client, parts.taskQueue)) {
        if (seen.has(activity.key) || loopPhases.indexOf(phaseOf(activity.workflowType)) < loopPhases.indexOf(phase)) continue;
        seen.add(activity.key);
        if ((killsPerStep.get(activity.step) ?? 0) >= maxKillsPerStep) continue;
        return activity;
      }
      await sleep(pollMs);
    }
    return undefined;
  };

  return {
    record: (fault) => faults.push(fault),
    stop: () => {
      stopped = true;
    },
    async run() {
      for (const [index, kill] of parts.schedule.kills.entries()) {
        let target: InFlight | undefined;
        for (let passed = 0; passed <= kill.skip; passed += 1) target = await nextInFlight(kill.phase);
        if (target === undefined || stopped) break;
        await sleep(kill.afterMs);
        const killed = await parts.workers.exclusive(async (locked) => {
          if (stopped || !parts.workers.running()) return false;
          await locked.kill();
          return true;
        });
        if (!killed) continue;
        killsPerStep.set(target.step, (killsPerStep.get(target.step) ?? 0) + 1);
        faults.push({
          fault: 'kill worker',
          where: `${target.workflowType} ${target.workflowId}: ${target.activityType} (attempt ${target.attempt})`,
          activity: { workflowId: target.workflowId, runId: target.runId, activityId: target.activityId, attempt: target.attempt },
        });
        await sleep(kill.downMs);
        if (index === parts.schedule.serverRestartAfterKill) {
          await parts.restartServer(parts.schedule.serverDownMs);
          faults.push({ fault: 'restart Temporal server', where: `while no worker ran, down ${parts.schedule.serverDownMs} ms` });
        }
        await parts.workers.start();
      }
      return faults;
    },
  };
}

/** The phase of the loop a workflow type belongs to. */
function phaseOf(workflowType: string): LoopPhase {
  if (workflowType === 'retrainingWorkflow') return 'retraining';
  if (workflowType === 'deployWorkflow') return 'deploy';
  if (workflowType === 'cleanupWorkflow') return 'cleanup';
  return 'monitoring';
}

/** Activities of the queue's running workflows that a worker has started: their calls are in flight. */
async function inFlight(client: Client, taskQueue: string): Promise<InFlight[]> {
  const found: InFlight[] = [];
  try {
    for await (const execution of client.workflow.list({ query: `TaskQueue = '${taskQueue}' AND ExecutionStatus = 'Running'` })) {
      const description = await client.workflow.getHandle(execution.workflowId, execution.runId).describe();
      for (const pending of description.raw.pendingActivities ?? []) {
        if (pending.state !== proto.temporal.api.enums.v1.PendingActivityState.PENDING_ACTIVITY_STATE_STARTED) continue;
        const attempt = pending.attempt ?? 1;
        found.push({
          key: `${execution.runId}/${pending.activityId}/${attempt}`,
          step: `${execution.runId}/${pending.activityId}`,
          workflowType: execution.type,
          activityType: pending.activityType?.name ?? '?',
          workflowId: execution.workflowId,
          runId: execution.runId,
          activityId: pending.activityId ?? '',
          attempt,
        });
      }
    }
  } catch {
    // A workflow closed between the listing and its description, or the server is restarting: look again.
  }
  return found;
}
