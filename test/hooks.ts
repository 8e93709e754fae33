// Mocha root hooks: shared resources started lazily by the suites that need them are torn down
// here once, even when tests fail.
import { teardownAll } from './support/teardown.js';

export const mochaHooks = {
  async afterAll(this: Mocha.Context): Promise<void> {
    this.timeout(60_000);
    await teardownAll();
  },
};
