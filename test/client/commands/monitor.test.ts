// `vigil monitor run`: which windows the options select.
import assert from 'node:assert/strict';
import { windowsFor } from '../../../src/client/commands/monitor.js';

const day = (date: string): string => `${date}T00:00:00.000Z`;
const now = new Date('2026-11-27T08:30:00.000Z');

describe('monitor command', () => {
  describe('windowsFor', () => {
    it('--date monitors that day', () => {
      assert.deepEqual(windowsFor({ date: '2026-11-20' }, 1, now), [{ start: day('2026-11-20'), end: day('2026-11-21') }]);
    });

    it('--date with a weekly window monitors the week ending with that day', () => {
      assert.deepEqual(windowsFor({ date: '2026-11-20' }, 7, now), [{ start: day('2026-11-14'), end: day('2026-11-21') }]);
    });

    it('--from/--to backfills every day of the range', () => {
      const windows = windowsFor({ from: '2026-11-20', to: '2026-11-22' }, 1, now);
      assert.deepEqual(
        windows.map((window) => window.start),
        [day('2026-11-20'), day('2026-11-21'), day('2026-11-22')],
      );
    });

    it('without a date monitors yesterday', () => {
      assert.deepEqual(windowsFor({}, 1, now), [{ start: day('2026-11-26'), end: day('2026-11-27') }]);
    });

    it('refuses --date together with --from/--to', () => {
      assert.throws(() => windowsFor({ date: '2026-11-20', from: '2026-11-19', to: '2026-11-21' }, 1, now), /either --date or --from\/--to, not both/);
      assert.throws(() => windowsFor({ date: '2026-11-20', to: '2026-11-21' }, 1, now), /not both/);
    });

    it('refuses --from without --to and the reverse', () => {
      assert.throws(() => windowsFor({ from: '2026-11-20' }, 1, now), /--from and --to go together/);
      assert.throws(() => windowsFor({ to: '2026-11-20' }, 1, now), /--from and --to go together/);
    });
  });
});
