// One Temporal dev server per test run, started on first use through @temporalio/testing with the
// CLI that src/dev/temporal-cli.ts provides, and torn down by the root hook.
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { resolveTemporalCli } from '../../src/dev/temporal-cli.js';
import { vigilSearchAttributes } from '../../src/workflows/shared/search-attributes.js';
import { workflowsPath } from '../../src/worker/workflows-path.js';
import { onTeardown } from './teardown.js';

let environment: Promise<TestWorkflowEnvironment> | undefined;
let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;

export function testEnv(): Promise<TestWorkflowEnvironment> {
  environment ??= (async () => {
    const cli = await resolveTemporalCli({ onProgress: (line) => console.error(line) });
    const env = await TestWorkflowEnvironment.createLocal({
      server: {
        executable: { type: 'existing-path', path: cli.path },
        searchAttributes: vigilSearchAttributes,
        log: { format: 'pretty', level: 'error' },
      },
    });
    onTeardown(() => env.teardown());
    return env;
  })();
  return environment;
}

/** The workflow bundle, built once per run (bundling takes seconds). */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleWorkflowCode({ workflowsPath, logger: quietBundlerLogger });
  return bundle;
}

const quietBundlerLogger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: (message: string) => console.warn(message),
  error: (message: string) => console.error(message),
};

let counter = 0;
/** A workflow id unique within the run, so tests never collide on the shared server. */
export function uniqueId(prefix: string): string {
  counter += 1;
  return `${prefix}-${process.pid}-${Date.now()}-${counter}`;
}
