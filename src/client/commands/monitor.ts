// `vigil monitor run`: monitors one window (a date) or backfills a range, one workflow per window,
// with a progress line, then prints the summary table.
import { WorkflowIdConflictPolicy, WorkflowIdReusePolicy } from '@temporalio/client';
import { modelById } from '../../config/models.js';
import { loadCliConfig } from '../load-cli-config.js';
import type { MonitorWindowResult, TimeWindow } from '../../domain/monitoring/types.js';
import { dailyWindow, dayWindows, parseDay, windowLabel } from '../../domain/monitoring/windows.js';
import type { monitorWindowWorkflow } from '../../workflows/monitoring/monitor-window.js';
import { monitorWindowWorkflowId } from '../../workflows/shared/workflow-ids.js';
import { connectClient } from '../../temporal/connect.js';
import { bar, ProgressLine } from '../../terminal/progress.js';
import { summaryTable } from '../../terminal/monitor-summary.js';

export interface MonitorRunOptions {
  config: string;
  model: string;
  date?: string;
  from?: string;
  to?: string;
  json?: boolean;
}

export function windowsFor(options: { date?: string; from?: string; to?: string }, windowDays: number, now: Date): TimeWindow[] {
  checkDayFlags(options);
  if (options.date !== undefined && (options.from !== undefined || options.to !== undefined)) {
    throw new Error('give either --date or --from/--to, not both');
  }
  if (options.date !== undefined) return dayWindows(options.date, options.date, windowDays);
  if (options.from !== undefined || options.to !== undefined) {
    if (options.from === undefined || options.to === undefined) throw new Error('--from and --to go together');
    return dayWindows(options.from, options.to, windowDays);
  }
  return [dailyWindow(now.toISOString(), windowDays)];
}

/** Names the flag of a malformed day: `--date "2001-3-01" is not a date (YYYY-MM-DD)`. */
export function checkDayFlags(options: { date?: string; from?: string; to?: string }): void {
  for (const flag of ['date', 'from', 'to'] as const) {
    const day = options[flag];
    if (day !== undefined) parseDay(day, `--${flag}`);
  }
}

export async function monitorRun(options: MonitorRunOptions): Promise<MonitorWindowResult[]> {
  checkDayFlags(options);
  const loaded = await loadCliConfig(options.config);
  const model = modelById(loaded.config, options.model);
  const windows = windowsFor(options, model.monitoring.windowDays, new Date());
  const connected = await connectClient();
  const progress = new ProgressLine();
  const results: MonitorWindowResult[] = [];
  try {
    for (const [index, window] of windows.entries()) {
      progress.update(`monitoring ${model.id} ${bar(index, windows.length)} ${windowLabel(window)}`);
      results.push(
        await connected.client.workflow.execute<typeof monitorWindowWorkflow>('monitorWindowWorkflow', {
          taskQueue: loaded.config.temporal.taskQueue,
          workflowId: monitorWindowWorkflowId(model.id, window),
          args: [{ model: model.id, window, purpose: windows.length > 1 ? 'backfill' : 'manual' }],
          workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
          workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
        }),
      );
    }
    progress.done(`monitored ${results.length} window${results.length === 1 ? '' : 's'} of ${model.id}`);
  } finally {
    progress.done();
    await connected.close();
  }
  if (options.json === true) console.log(JSON.stringify(results, null, 2));
  else console.log(summaryTable(results));
  return results;
}
