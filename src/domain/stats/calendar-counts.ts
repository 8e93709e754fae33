// Calendar features (e.g. a day of week): a 7-day window holds each weekday once while a month-long
// baseline holds some five times, so raw value shares differ with no change in behaviour. Each
// value's count is divided by the number of days it occurs on (rows per day of that value), and the
// rates are scaled back to the side's row total so chi-square keeps the sample sizes. Values one
// side's calendar lacks are left out of the comparison and reported as a share of the window.
import { type AlignedCategoryCounts, alignCategoryCounts } from './categorical-drift.js';
import { sumOf } from './counts.js';

export interface DayCounts {
  category: string;
  baseline: number;
  current: number;
  /** Distinct days the value occurs on in the baseline / the window. */
  baselineDays: number;
  currentDays: number;
}

export function calendarNormalisedCounts(entries: readonly DayCounts[]): AlignedCategoryCounts {
  const baselineDated = entries.some((entry) => entry.baselineDays > 0);
  const currentDated = entries.some((entry) => entry.currentDays > 0);
  // A side without event times cannot be normalised: its raw counts are compared as they are.
  const days = (count: number, dayCount: number, dated: boolean): number => (count === 0 ? 0 : dated ? dayCount : 1);
  const shared = entries.filter(
    (entry) => days(entry.baseline, entry.baselineDays, baselineDated) > 0 && days(entry.current, entry.currentDays, currentDated) > 0,
  );
  const normalised = (count: (entry: DayCounts) => number, dayCount: (entry: DayCounts) => number, dated: boolean): Map<string, number> => {
    const rates = shared.map((entry) => count(entry) / days(count(entry), dayCount(entry), dated));
    const rateTotal = sumOf(rates);
    const rowTotal = sumOf(shared.map(count));
    return new Map(shared.map((entry, index) => [entry.category, rateTotal > 0 ? ((rates[index] ?? 0) / rateTotal) * rowTotal : 0]));
  };
  const aligned = alignCategoryCounts(
    normalised((entry) => entry.baseline, (entry) => entry.baselineDays, baselineDated),
    normalised((entry) => entry.current, (entry) => entry.currentDays, currentDated),
  );
  const currentTotal = sumOf(entries.map((entry) => entry.current));
  const outside = currentTotal - sumOf(shared.map((entry) => entry.current));
  return { ...aligned, outsideCalendarShare: currentTotal > 0 ? outside / currentTotal : null };
}
