import assert from 'node:assert/strict';
import { calendarNormalisedCounts } from '../../../src/domain/stats/calendar-counts.js';

describe('calendar-normalised category counts', () => {
  it('rows per day of each value: a month with five Mondays against a week with one is not drift', () => {
    // 10 rows per day; the baseline month holds Mondays five times and Fridays four times.
    const counts = calendarNormalisedCounts([
      { category: '1', baseline: 50, current: 10, baselineDays: 5, currentDays: 1 },
      { category: '5', baseline: 40, current: 10, baselineDays: 4, currentDays: 1 },
    ]);
    assert.deepEqual(counts.categories, ['1', '5']);
    assert.deepEqual(counts.baselineCounts, [45, 45]);
    assert.deepEqual(counts.currentCounts, [10, 10]);
    assert.equal(counts.outsideCalendarShare, 0);
  });

  it("a change in one weekday's traffic is kept, scaled to each side's row total", () => {
    const counts = calendarNormalisedCounts([
      { category: '1', baseline: 50, current: 30, baselineDays: 5, currentDays: 1 },
      { category: '5', baseline: 40, current: 10, baselineDays: 4, currentDays: 1 },
    ]);
    assert.deepEqual(counts.baselineCounts, [45, 45]);
    assert.deepEqual(counts.currentCounts, [30, 10]);
  });

  it('values outside the baseline calendar are left out and reported as a share of the window', () => {
    const counts = calendarNormalisedCounts([
      { category: '1', baseline: 10, current: 10, baselineDays: 1, currentDays: 1 },
      { category: '2', baseline: 10, current: 10, baselineDays: 1, currentDays: 1 },
      { category: '7', baseline: 0, current: 20, baselineDays: 0, currentDays: 1 },
    ]);
    assert.deepEqual(counts.categories, ['1', '2']);
    assert.deepEqual(counts.currentCounts, [10, 10]);
    assert.equal(counts.outsideCalendarShare, 0.5);
  });

  it('a side without event times keeps its raw counts', () => {
    const counts = calendarNormalisedCounts([
      { category: 'a', baseline: 30, current: 10, baselineDays: 0, currentDays: 2 },
      { category: 'b', baseline: 10, current: 10, baselineDays: 0, currentDays: 1 },
    ]);
    assert.deepEqual(counts.baselineCounts, [30, 10]);
    // Current: 5 and 10 rows per day, scaled to its 20 rows.
    assert.deepEqual(
      counts.currentCounts.map((value) => Number(value.toFixed(9))),
      [6.666666667, 13.333333333],
    );
  });

  it('an empty window has no outside share', () => {
    const counts = calendarNormalisedCounts([{ category: '1', baseline: 5, current: 0, baselineDays: 1, currentDays: 0 }]);
    assert.equal(counts.outsideCalendarShare, null);
    assert.deepEqual(counts.categories, []);
  });
});
