// Mocha root hooks: shared resources started lazily by the suites that need them are torn down
// here once, even when tests fail.
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { teardownAll } from './support/teardown.js';

// Worker lifecycle lines and the warnings of failures tests provoke on purpose would bury the
// report; what a test expects, it asserts.
Runtime.install({ logger: new DefaultLogger('ERROR') });

export const mochaHooks = {
  async afterAll(this: Mocha.Context): Promise<void> {
    this.timeout(60_000);
    await teardownAll();
  },
};
