// A registry of cleanups for resources shared across suites (dev server, moto, model server).
type Cleanup = () => Promise<void>;
const cleanups: Cleanup[] = [];

export function onTeardown(cleanup: Cleanup): void {
  cleanups.push(cleanup);
}

export async function teardownAll(): Promise<void> {
  const errors: unknown[] = [];
  while (cleanups.length > 0) {
    const cleanup = cleanups.pop();
    try {
      await cleanup?.();
    } catch (error) {
      errors.push(error);
    }
  }
  if (errors.length > 0) throw new AggregateError(errors, 'teardown failed');
}
