// One clear line for a failed command: the message of every error in its cause chain (a
// WorkflowFailedError's ActivityFailure's ApplicationFailure, ...), outermost first, without
// stacks and without the generic wrappers' words when a cause says more.
const genericMessages = new Set(['Workflow execution failed', 'Activity task failed', 'Child Workflow execution failed', 'Workflow Update failed']);

function causeOf(error: unknown): unknown {
  return typeof error === 'object' && error !== null && 'cause' in error ? (error as { cause?: unknown }).cause : undefined;
}

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message.trim();
  return String(error).trim();
}

/** The messages along the cause chain, joined by ": ", duplicates and generic wrappers dropped. */
export function errorLine(error: unknown): string {
  const parts: string[] = [];
  const seen = new Set<unknown>();
  for (let current: unknown = error; current !== undefined && current !== null && !seen.has(current); current = causeOf(current)) {
    seen.add(current);
    const message = messageOf(current);
    const last = parts[parts.length - 1];
    if (message === '' || message === last || (last !== undefined && last.endsWith(message))) continue;
    parts.push(message);
  }
  const specific = parts.filter((part) => !genericMessages.has(part));
  return (specific.length > 0 ? specific : parts).join(': ') || 'failed';
}

/** True when a failure should print its stack: `--debug` or VIGIL_DEBUG=1. */
export function debugRequested(argv: readonly string[], env: NodeJS.ProcessEnv): boolean {
  return argv.includes('--debug') || env.VIGIL_DEBUG === '1' || env.VIGIL_DEBUG === 'true';
}
