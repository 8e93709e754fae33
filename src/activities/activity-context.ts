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

export function heartbeat(detail: unknown): void {
  current()?.heartbeat(detail);
}

export function cancellationSignal(): AbortSignal | undefined {
  return current()?.cancellationSignal;
}

export function namespaceOf(): string {
  return current()?.info.workflowNamespace ?? 'default';
}

export function heartbeatDetails<T>(): T | undefined {
  return current()?.info.heartbeatDetails as T | undefined;
}
