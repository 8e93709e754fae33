// Window arithmetic on UTC days: the window a daily run covers, the older windows it re-evaluates,
// backfill ranges and the labels people read.
import assert from 'node:assert/strict';
import { dailyWindow, dayWindows, planWindows, windowLabel } from '../../../src/domain/monitoring/windows.js';

const day = (date: string): string => `${date}T00:00:00.000Z`;

describe('monitoring windows', () => {
  describe('dailyWindow', () => {
    it('covers the whole UTC day before the run', () => {
      assert.deepEqual(dailyWindow('2026-11-27T06:00:00.000Z'), { start: day('2026-11-26'), end: day('2026-11-27') });
      // Just after midnight is still "yesterday" = the day that just ended.
      assert.deepEqual(dailyWindow('2026-11-27T00:00:00.001Z'), { start: day('2026-11-26'), end: day('2026-11-27') });
    });

    it('reads the instant in UTC, not in its offset', () => {
      // 01:30 at +02:00 is 23:30 UTC on the 26th, so the window is the 25th.
      assert.deepEqual(dailyWindow('2026-11-27T01:30:00+02:00'), { start: day('2026-11-25'), end: day('2026-11-26') });
    });

    it('spans several days ending where the run day begins', () => {
      assert.deepEqual(dailyWindow('2026-03-02T06:00:00Z', 7), { start: day('2026-02-23'), end: day('2026-03-02') });
    });

    it('refuses an instant that is not a timestamp', () => {
      assert.throws(() => dailyWindow('yesterday'), /"yesterday" is not a timestamp/);
    });
  });

  describe('planWindows', () => {
    it('plans the current window and the relabel windows newest first', () => {
      const plan = planWindows('2026-11-27T06:00:00Z', 7, 3);
      assert.deepEqual(plan.current, { start: day('2026-11-20'), end: day('2026-11-27') });
      assert.deepEqual(plan.relabel, [
        { start: day('2026-11-19'), end: day('2026-11-26') },
        { start: day('2026-11-18'), end: day('2026-11-25') },
        { start: day('2026-11-17'), end: day('2026-11-24') },
      ]);
    });

    it('has no relabel windows when relabelDays is 0', () => {
      const plan = planWindows('2026-11-27T06:00:00Z', 1, 0);
      assert.deepEqual(plan, { current: { start: day('2026-11-26'), end: day('2026-11-27') }, relabel: [] });
    });
  });

  describe('dayWindows', () => {
    it('gives one window per day, both ends included, across a month end', () => {
      assert.deepEqual(dayWindows('2026-02-27', '2026-03-01'), [
        { start: day('2026-02-27'), end: day('2026-02-28') },
        { start: day('2026-02-28'), end: day('2026-03-01') },
        { start: day('2026-03-01'), end: day('2026-03-02') },
      ]);
    });

    it('ends each multi-day window with its day', () => {
      assert.deepEqual(dayWindows('2026-11-26', '2026-11-27', 7), [
        { start: day('2026-11-20'), end: day('2026-11-27') },
        { start: day('2026-11-21'), end: day('2026-11-28') },
      ]);
    });

    it('gives a single window when from and to are the same day', () => {
      assert.equal(dayWindows('2026-11-26', '2026-11-26').length, 1);
    });

    it('names the bad date and which end it is', () => {
      assert.throws(() => dayWindows('2026-02-30', '2026-03-01'), (error: unknown) => {
        assert.ok(error instanceof RangeError);
        assert.match(error.message, /^from "2026-02-30" is not a valid date/);
        return true;
      });
      assert.throws(() => dayWindows('2026-03-01', '2026/03/02'), /^RangeError: to "2026\/03\/02" is not a date \(YYYY-MM-DD\)/);
      assert.throws(() => dayWindows('2026-03-02', '2026-03-01'), /"to" \(2026-03-01\) is before "from" \(2026-03-02\)/);
    });
  });

  describe('windowLabel', () => {
    it('labels a one-day window with its day', () => {
      assert.equal(windowLabel({ start: day('2026-11-26'), end: day('2026-11-27') }), '2026-11-26');
    });

    it('labels a week with its first and last (inclusive) day', () => {
      assert.equal(windowLabel({ start: day('2026-11-20'), end: day('2026-11-27') }), '2026-11-20..2026-11-26');
    });
  });
});
