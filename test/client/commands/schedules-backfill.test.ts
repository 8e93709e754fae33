// `vigil schedules backfill`: its day flags are checked, naming the flag, before any server is asked.
import assert from 'node:assert/strict';
import { schedulesBackfill } from '../../../src/client/commands/schedules.js';

describe('vigil schedules backfill: flags', () => {
  it('names the flag of a day that is not one', async () => {
    await assert.rejects(schedulesBackfill('demand', '2001-3-01', '2001-03-05'), /--from "2001-3-01" is not a date \(YYYY-MM-DD\)/);
    await assert.rejects(schedulesBackfill('demand', '2001-03-01', '2001-02-30'), /--to "2001-02-30" is not a valid date/);
  });

  it('refuses a range that ends before it starts', async () => {
    await assert.rejects(schedulesBackfill('demand', '2001-03-05', '2001-03-01'), /--to 2001-03-01 is before --from 2001-03-05/);
  });
});
