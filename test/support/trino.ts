// One Trino server per test run, started on first use and torn down by the root hook (like the
// Temporal dev server in temporal.ts). A suite that needs it calls trinoOrSkip() in its before
// hook: where the machine has no Java 24+, the suite is skipped with the reason, never passed.
import { onTeardown } from './teardown.js';
import { type TrinoClient } from './trino/client.js';
import { startTrino, TrinoUnavailableError, type TrinoServer } from './trino/server.js';

let server: Promise<TrinoServer> | undefined;

export function sharedTrino(): Promise<TrinoServer> {
  server ??= (async () => {
    const started = await startTrino({ onProgress: (line) => console.error(line) });
    onTeardown(() => started.stop());
    return started;
  })();
  return server;
}

/** The shared server's client, or this.skip() with the reason when Trino cannot run here. */
export async function trinoOrSkip(context: Mocha.Context): Promise<TrinoClient> {
  // The first run downloads and unpacks Trino (~1 min) and every run waits for it to start.
  context.timeout(600_000);
  try {
    return (await sharedTrino()).client;
  } catch (error) {
    if (error instanceof TrinoUnavailableError) {
      console.error(`skipping: ${error.message}`);
      context.skip();
    }
    throw error;
  }
}
