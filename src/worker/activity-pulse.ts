// Every activity heartbeats while it runs, also the short steps that never report progress: a
// worker that dies mid-step is then noticed within the step's heartbeat timeout (seconds) instead
// of its start-to-close timeout (minutes), and the step is retried on another worker that soon.
// The pulse re-sends the details the activity last reported (or those its earlier attempt left),
// so it never wipes what a retry resumes from. It first beats after a second, not at the start:
// the SDK sends an attempt's first heartbeat at once and throttles the rest, and the first should
// be the activity's own record of what it did (the delivery ledger's), not the pulse's.
import type { Context } from '@temporalio/activity';
import type { ActivityExecuteInput, ActivityInboundCallsInterceptor, Next, WorkerOptions } from '@temporalio/worker';
import { lastReportedDetails } from '../activities/shared/activity-context.js';

/** How often a running activity's pulse heartbeats (the SDK sends at most one per throttle interval). */
export const activityPulseMs = 1_000;

export class ActivityPulse implements ActivityInboundCallsInterceptor {
  constructor(private readonly context: Context) {}

  async execute(input: ActivityExecuteInput, next: Next<ActivityInboundCallsInterceptor, 'execute'>): Promise<unknown> {
    const beat = (): void => this.context.heartbeat(lastReportedDetails(this.context) ?? this.context.info.heartbeatDetails);
    const timer = setInterval(beat, activityPulseMs);
    try {
      return await next(input);
    } finally {
      clearInterval(timer);
    }
  }
}

/**
 * What a worker needs for the pulse: the interceptor, and heartbeats sent at least every 3 s, well
 * inside the 10 s timeout (workerLossTimeout) even when the server or the event loop is slow.
 */
export const activityPulseWorkerOptions = {
  interceptors: { activity: [(context: Context) => ({ inbound: new ActivityPulse(context) })] },
  maxHeartbeatThrottleInterval: '3 seconds',
} satisfies Pick<WorkerOptions, 'interceptors' | 'maxHeartbeatThrottleInterval'>;
