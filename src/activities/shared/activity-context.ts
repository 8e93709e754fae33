// What an activity may ask of its Temporal context, and quietly nothing when the same code runs
// outside one (CLI tools, direct calls in tests).
import { Context } from '@temporalio/activity';

function current(): Context | undefined {
  try {
    return Context.current();
  } catch {
    return undefined;
  }
}

/** The details each running activity last heartbeated, so keepAlive can carry them forward. */
const lastDetails = new WeakMap<Context, unknown>();

export function heartbeat(detail: unknown): void {
  const context = current();
  if (context === undefined) return;
  lastDetails.set(context, detail);
  context.heartbeat(detail);
}

/**
 * A heartbeat from deep inside an adapter (a long query, an endpoint wait): it adds `progress` to
 * the activity's own last details instead of replacing them, because a retry resumes from those
 * (e.g. the scoring position).
 */
export function keepAlive(progress: unknown): void {
  const context = current();
  if (context === undefined) return;
  const last = lastDetails.get(context);
  context.heartbeat(typeof last === 'object' && last !== null && !Array.isArray(last) ? { ...last, progress } : { progress });
}

/** What the running activity last heartbeated itself (undefined until it has). */
export function lastReportedDetails(context: Context): unknown {
  return lastDetails.get(context);
}

export function cancellationSignal(): AbortSignal | undefined {
  return current()?.cancellationSignal;
}

export function namespaceOf(): string {
  return current()?.info.workflowNamespace ?? 'default';
}

/** This run of the activity is a retry: an earlier attempt may have done part of its work unrecorded. */
export function isRetryAttempt(): boolean {
  return (current()?.info.attempt ?? 1) > 1;
}

export function heartbeatDetails<T>(): T | undefined {
  return current()?.info.heartbeatDetails as T | undefined;
}

/**
 * A key that is the same for every attempt of this activity and different for any other activity
 * (its workflow run and activity id): what makes a retried send recognisable as the same send.
 */
export function attemptIndependentKey(): string | undefined {
  const info = current()?.info;
  const runId = info?.workflowExecution?.runId;
  return info === undefined || runId === undefined ? undefined : `${runId}/${info.activityId}`;
}
