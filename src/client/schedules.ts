// Temporal Schedules for Vigil's recurring work: one daily monitoring schedule per model, created
// or updated idempotently from the config (Schedules, not cronSchedule: they can be paused,
// triggered, backfilled and inspected).
import {
  ScheduleNotFoundError,
  ScheduleOverlapPolicy,
  type Client,
  type ScheduleOptions,
  type ScheduleSummary,
} from '@temporalio/client';
import type { LoadedConfig } from '../config/load.js';
import type { ModelConfig } from '../config/schema.js';

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

export interface AppliedSchedule {
  scheduleId: string;
  action: 'created' | 'updated';
}

/** Creates missing schedules and updates existing ones to match the config. */
export async function applySchedules(client: Client, loaded: LoadedConfig): Promise<AppliedSchedule[]> {
  const applied: AppliedSchedule[] = [];
  for (const model of loaded.config.models) {
    const options = monitoringSchedule(loaded, model);
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
      applied.push({ scheduleId: options.scheduleId, action: 'updated' });
    } catch (error) {
      if (!(error instanceof ScheduleNotFoundError)) throw error;
      await client.schedule.create(options);
      applied.push({ scheduleId: options.scheduleId, action: 'created' });
    }
  }
  return applied;
}

export async function listVigilSchedules(client: Client): Promise<ScheduleSummary[]> {
  const schedules: ScheduleSummary[] = [];
  for await (const summary of client.schedule.list()) {
    if (summary.scheduleId.startsWith('vigil-')) schedules.push(summary);
  }
  return schedules;
}
