// `vigil schedules ...`: one verb per operation on Vigil's Temporal Schedules.
import { ScheduleOverlapPolicy } from '@temporalio/client';
import { loadCliConfig } from '../load-cli-config.js';
import { syncAlarms } from '../alarms.js';
import { alarmPlanText } from '../../terminal/alarm-plan.js';
import { applySchedules, listVigilSchedules, monitoringScheduleId } from '../schedules.js';
import { connectClient } from '../../temporal/connect.js';
import { renderTable } from '../../terminal/table.js';
import { parseDay } from '../../domain/monitoring/windows.js';
import { dayMs } from '../../domain/time.js';

async function withClient<T>(work: (client: Awaited<ReturnType<typeof connectClient>>['client']) => Promise<T>): Promise<T> {
  const connected = await connectClient();
  try {
    return await work(connected.client);
  } finally {
    await connected.close();
  }
}

export async function schedulesApply(configPath: string): Promise<void> {
  const loaded = await loadCliConfig(configPath);
  const applied = await withClient((client) => applySchedules(client, loaded));
  for (const entry of applied) console.log(`${entry.action} ${entry.scheduleId}`);
  // The alarms and their dashboards follow the same config, so they change when the schedules do.
  if (loaded.config.mode === 'aws') console.log(alarmPlanText(await syncAlarms(loaded, { apply: true })));
}

export async function schedulesList(): Promise<void> {
  const schedules = await withClient(async (client) => {
    const summaries = await listVigilSchedules(client);
    return Promise.all(summaries.map((summary) => client.schedule.getHandle(summary.scheduleId).describe()));
  });
  const rows = schedules.map((schedule) => [
    schedule.scheduleId,
    schedule.state.paused ? 'paused' : 'active',
    /cron "([^"]*)"/.exec(schedule.state.note ?? '')?.[1] ?? '-',
    schedule.spec.timezone ?? 'UTC',
    schedule.info.nextActionTimes[0]?.toISOString() ?? '-',
    schedule.info.recentActions.at(-1)?.takenAt.toISOString() ?? '-',
  ]);
  console.log(renderTable(['schedule', 'state', 'spec', 'zone', 'next run', 'last run'], rows));
}

function scheduleIdOf(target: string): string {
  return target.startsWith('vigil-') ? target : monitoringScheduleId(target);
}

export async function schedulesPause(target: string, note: string | undefined, pause: boolean): Promise<void> {
  await withClient(async (client) => {
    const handle = client.schedule.getHandle(scheduleIdOf(target));
    if (pause) await handle.pause(note ?? 'paused with vigil schedules pause');
    else await handle.unpause(note ?? 'unpaused with vigil schedules unpause');
  });
  console.log(`${pause ? 'paused' : 'unpaused'} ${scheduleIdOf(target)}`);
}

export async function schedulesTrigger(target: string): Promise<void> {
  await withClient((client) => client.schedule.getHandle(scheduleIdOf(target)).trigger(ScheduleOverlapPolicy.ALLOW_ALL));
  console.log(`triggered ${scheduleIdOf(target)}`);
}

/**
 * Replays history: every daily run the schedule would have made, each as of its own day and each
 * re-evaluating the windows before it (relabelDays + 1 analyses per day). To fill in results for
 * a range, `vigil monitor run --from --to` analyses each window once, as of now.
 */
export async function schedulesBackfill(target: string, from: string, to: string): Promise<void> {
  const start = new Date(parseDay(from, '--from'));
  const end = new Date(parseDay(to, '--to') + dayMs - 1000);
  if (end < start) throw new Error(`--to ${to} is before --from ${from}`);
  await withClient((client) =>
    client.schedule.getHandle(scheduleIdOf(target)).backfill([{ start, end, overlap: ScheduleOverlapPolicy.BUFFER_ALL }]),
  );
  console.log(`backfilling ${scheduleIdOf(target)} over ${from}..${to}: each day's run as it would have happened, re-evaluating the windows before it`);
  console.log(`(to analyse each window once, as of now: npx vigil monitor run -m <model> --from ${from} --to ${to})`);
}

export async function schedulesDelete(target: string): Promise<void> {
  await withClient((client) => client.schedule.getHandle(scheduleIdOf(target)).delete());
  console.log(`deleted ${scheduleIdOf(target)}`);
}
