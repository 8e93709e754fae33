// Temporal Schedules for Vigil's recurring work: one daily monitoring schedule per model, created
// or updated idempotently from the config (Schedules, not cronSchedule: they can be paused,
// triggered, backfilled and inspected).
import {
  ScheduleNotFoundError,
  ScheduleOverlapPolicy,
  type Client,
  type ScheduleDescription,
  type ScheduleOptions,
  type ScheduleSummary,
} from '@temporalio/client';
import type { LoadedConfig } from '../config/load.js';
import type { ModelConfig } from '../config/schema.js';
import { cleanupWorkflowId, retrainingWorkflowId } from '../workflows/shared/workflow-ids.js';

export function monitoringScheduleId(model: string): string {
  return `vigil-monitoring-${model}`;
}

export function monitoringSchedule(loaded: LoadedConfig, model: ModelConfig): ScheduleOptions {
  const schedule = model.monitoring.schedule;
  return {
    scheduleId: monitoringScheduleId(model.id),
    spec: {
      cronExpressions: [schedule.cron],
      timezone: schedule.timezone,
      jitter: schedule.jitter,
    },
    action: {
      type: 'startWorkflow',
      workflowType: 'dailyMonitoringWorkflow',
      args: [{ model: model.id }],
      taskQueue: loaded.config.temporal.taskQueue,
      workflowId: `vigil-daily-monitoring-${model.id}`,
      // A run cannot hang forever and block the next day's run.
      workflowRunTimeout: '20 hours',
    },
    policies: {
      // A day whose run is still going is skipped, not queued: tomorrow's run covers it.
      overlap: ScheduleOverlapPolicy.SKIP,
      catchupWindow: schedule.catchupWindow,
      pauseOnFailure: false,
    },
    state: { paused: schedule.paused, note: scheduleNote(model.id, schedule.cron, schedule.timezone) },
  };
}

/** The note carries the cron as written (the server keeps only its calendar form). */
export function scheduleNote(model: string, cron: string, timezone: string): string {
  return `daily monitoring of ${model}: cron "${cron}" ${timezone}; managed by vigil schedules apply`;
}

export function retrainingScheduleId(model: string): string {
  return `vigil-retraining-${model}`;
}

/** Weekly or monthly retraining, when the model's config asks for it. */
export function retrainingSchedule(loaded: LoadedConfig, model: ModelConfig): ScheduleOptions | undefined {
  const schedule = model.retraining.schedule;
  if (schedule === undefined) return undefined;
  return {
    scheduleId: retrainingScheduleId(model.id),
    spec: { cronExpressions: [schedule.cron], timezone: schedule.timezone },
    action: {
      type: 'startWorkflow',
      workflowType: 'retrainingWorkflow',
      args: [{ model: model.id, reason: `schedule: cron "${schedule.cron}"`, requestedBy: 'vigil-schedule' }],
      taskQueue: loaded.config.temporal.taskQueue,
      // The same id as drift-triggered runs: a retraining already in progress is not doubled.
      workflowId: retrainingWorkflowId(model.id),
    },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1d', pauseOnFailure: false },
    state: { paused: false, note: `retraining of ${model.id}: cron "${schedule.cron}" ${schedule.timezone}; managed by vigil schedules apply` },
  };
}

export function cleanupScheduleId(model: string): string {
  return `vigil-cleanup-${model}`;
}

/** The model's cleanup, applied (weekly by default: retention.schedule). */
export function cleanupSchedule(loaded: LoadedConfig, model: ModelConfig): ScheduleOptions {
  const schedule = model.retention.schedule;
  return {
    scheduleId: cleanupScheduleId(model.id),
    spec: { cronExpressions: [schedule.cron], timezone: schedule.timezone },
    action: {
      type: 'startWorkflow',
      workflowType: 'cleanupWorkflow',
      args: [{ model: model.id, apply: true }],
      taskQueue: loaded.config.temporal.taskQueue,
      // The same id as `vigil cleanup`: two cleanups of one model never run at once.
      workflowId: cleanupWorkflowId(model.id),
    },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1d', pauseOnFailure: false },
    state: { paused: false, note: `cleanup of ${model.id}: cron "${schedule.cron}" ${schedule.timezone}; managed by vigil schedules apply` },
  };
}

export interface AppliedSchedule {
  scheduleId: string;
  action: 'created' | 'updated' | 'deleted';
}

/** Each kind of schedule Vigil keeps per model: its id's prefix and the workflow it starts. */
const scheduleKinds = [
  { prefix: monitoringScheduleId(''), workflowType: 'dailyMonitoringWorkflow' },
  { prefix: retrainingScheduleId(''), workflowType: 'retrainingWorkflow' },
  { prefix: cleanupScheduleId(''), workflowType: 'cleanupWorkflow' },
] as const;

/**
 * The schedules of models the config no longer has: a schedule is one when its id is one Vigil
 * gives a model, it starts that kind's workflow for that model, and on this config's task queue
 * (so the schedules of another Vigil sharing the namespace are not touched).
 */
export async function removedModelSchedules(client: Client, loaded: LoadedConfig): Promise<string[]> {
  const configured = new Set(loaded.config.models.map((model) => model.id));
  const removed: string[] = [];
  for (const summary of await listVigilSchedules(client)) {
    const kind = scheduleKinds.find((candidate) => summary.scheduleId.startsWith(candidate.prefix));
    const model = kind === undefined ? undefined : summary.scheduleId.slice(kind.prefix.length);
    if (kind === undefined || model === undefined || model === '' || configured.has(model)) continue;
    let action: ScheduleDescription['action'];
    try {
      action = (await client.schedule.getHandle(summary.scheduleId).describe()).action;
    } catch (error) {
      if (error instanceof ScheduleNotFoundError) continue; // deleted since it was listed
      throw error;
    }
    const input: unknown = action.type === 'startWorkflow' ? (action.args as unknown[] | undefined)?.[0] : undefined;
    const forModel = typeof input === 'object' && input !== null && 'model' in input && input.model === model;
    if (action.type === 'startWorkflow' && action.workflowType === kind.workflowType && action.taskQueue === loaded.config.temporal.taskQueue && forModel) {
      removed.push(summary.scheduleId);
    }
  }
  return removed.sort();
}

/**
 * Creates missing schedules and updates existing ones to match the config, and deletes those of
 * models taken out of it (a removed model would otherwise be monitored, retrained and cleaned up
 * for ever, each run failing on a model the worker no longer knows).
 */
export async function applySchedules(client: Client, loaded: LoadedConfig): Promise<AppliedSchedule[]> {
  const applied: AppliedSchedule[] = [];
  for (const model of loaded.config.models) {
    const retraining = retrainingSchedule(loaded, model);
    if (retraining === undefined) {
      // The config no longer asks for scheduled retraining: remove a schedule left from before.
      try {
        await client.schedule.getHandle(retrainingScheduleId(model.id)).delete();
        applied.push({ scheduleId: retrainingScheduleId(model.id), action: 'deleted' });
      } catch (error) {
        if (!(error instanceof ScheduleNotFoundError)) throw error;
      }
    }
    for (const options of [monitoringSchedule(loaded, model), ...(retraining === undefined ? [] : [retraining]), cleanupSchedule(loaded, model)]) {
      applied.push(await applyOne(client, options));
    }
  }
  for (const scheduleId of await removedModelSchedules(client, loaded)) {
    try {
      await client.schedule.getHandle(scheduleId).delete();
      applied.push({ scheduleId, action: 'deleted' });
    } catch (error) {
      if (!(error instanceof ScheduleNotFoundError)) throw error;
    }
  }
  return applied;
}

async function applyOne(client: Client, options: ScheduleOptions): Promise<AppliedSchedule> {
  const handle = client.schedule.getHandle(options.scheduleId);
  try {
    await handle.describe();
    await handle.update((previous) => ({
      ...previous,
      spec: options.spec,
      action: { ...options.action, workflowType: options.action.workflowType as string },
      policies: { ...previous.policies, ...options.policies },
      state: { ...previous.state, paused: options.state?.paused ?? previous.state.paused, note: options.state?.note },
    }));
    return { scheduleId: options.scheduleId, action: 'updated' };
  } catch (error) {
    if (!(error instanceof ScheduleNotFoundError)) throw error;
    await client.schedule.create(options);
    return { scheduleId: options.scheduleId, action: 'created' };
  }
}

export async function listVigilSchedules(client: Client): Promise<ScheduleSummary[]> {
  const schedules: ScheduleSummary[] = [];
  for await (const summary of client.schedule.list()) {
    if (summary.scheduleId.startsWith('vigil-')) schedules.push(summary);
  }
  return schedules;
}
