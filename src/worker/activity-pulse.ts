// Every activity heartbeats while it runs, also the short steps that never report progress: a
// worker that dies mid-step is then noticed within the step's heartbeat timeout (seconds) instead
// of its start-to-close timeout (minutes), and the step is retried on another worker that soon.
// The pulse re-sends the details the activity last reported (or those its earlier attempt left),
// so it never wipes what a retry resumes from.
import type { Context } from '@temporalio/activity';
import type { ActivityExecuteInput, ActivityInboundCallsInterceptor, Next } from '@temporalio/worker';
import { lastReportedDetails } from '../activities/shared/activity-context.js';

/** How often a running activity's pulse heartbeats (the SDK sends at most one per throttle interval). */
export const activityPulseMs = 1_000;

export class ActivityPulse implements ActivityInboundCallsInterceptor {
  constructor(private readonly context: Context) {}

  async execute(input: ActivityExecuteInput, next: Next<ActivityInboundCallsInterceptor, 'execute'>): Promise<unknown> {
    const beat = (): void => this.context.heartbeat(lastReportedDetails(this.context) ?? this.context.info.heartbeatDetails);
    beat();
    const timer = setInterval(beat, activityPulseMs);
    try {
      return await next(input);
    } finally {
      clearInterval(timer);
    }
  }
}
