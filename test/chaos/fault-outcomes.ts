// How each injected fault ended, read from the workflow histories: the activity the worker died in
// completed on which attempt (or failed).
import type { Client } from '@temporalio/client';
import type { InjectedFault } from './fault-injector.js';

export async function faultOutcome(client: Client, fault: InjectedFault): Promise<string> {
  if (fault.activity === undefined) return fault.fault === 'restart Temporal server' ? 'every workflow went on' : 'applied once a worker ran';
  const { workflowId, runId, activityId } = fault.activity;
  try {
    const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
    const events = history.events ?? [];
    const scheduled = events.find((event) => event.activityTaskScheduledEventAttributes?.activityId === activityId);
    const id = scheduled?.eventId?.toString();
    if (id === undefined) return 'not in the history';
    const started = events.find((event) => event.activityTaskStartedEventAttributes?.scheduledEventId?.toString() === id);
    const attempt = started?.activityTaskStartedEventAttributes?.attempt ?? 0;
    if (events.some((event) => event.activityTaskCompletedEventAttributes?.scheduledEventId?.toString() === id)) {
      // The same attempt completing means its result reached the server just before the kill.
      return attempt > fault.activity.attempt ? `retried, completed on attempt ${attempt}` : `had completed as the worker died (attempt ${attempt})`;
    }
    if (events.some((event) => event.activityTaskFailedEventAttributes?.scheduledEventId?.toString() === id)) return `failed on attempt ${attempt}`;
    if (events.some((event) => event.activityTaskTimedOutEventAttributes?.scheduledEventId?.toString() === id)) return `timed out on attempt ${attempt}`;
    return 'did not end';
  } catch (error) {
    return `history unreadable: ${error instanceof Error ? error.message : String(error)}`;
  }
}
