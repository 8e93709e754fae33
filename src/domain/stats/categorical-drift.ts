// Drift of a categorical feature from its category frequencies in the baseline and the current
// window (nulls excluded upstream).
import { jensenShannonDistance, linfDistance, populationStabilityIndex } from './binned-distances.js';
import { chiSquareHomogeneity } from './chi-square.js';
import { assertAlignedCounts, sumOf } from './counts.js';

export interface AlignedCategoryCounts {
  /** The union of both windows' categories, sorted by UTF-16 code units. */
  categories: string[];
  baselineCounts: number[];
  currentCounts: number[];
  /**
   * Calendar features only: the share of the window's rows whose value the baseline's calendar
   * lacks (e.g. a weekday the baseline never covered), left out of the comparison.
   */
  outsideCalendarShare?: number | null;
}

export interface CategoricalDrift {
  chi2Statistic: number | null;
  chi2Dof: number | null;
  chi2PValue: number | null;
  psi: number | null;
  jsDistance: number | null;
  linf: number | null;
  unseenShare: number | null;
}

/** Lines the two frequency tables up over the union of their categories (0 where one lacks it). */
export function alignCategoryCounts(
  baseline: ReadonlyMap<string, number>,
  current: ReadonlyMap<string, number>,
): AlignedCategoryCounts {
  const categories = [...new Set([...baseline.keys(), ...current.keys()])].sort(compareCodeUnits);
  return {
    categories,
    baselineCounts: categories.map((category) => baseline.get(category) ?? 0),
    currentCounts: categories.map((category) => current.get(category) ?? 0),
  };
}

/** Share of current rows whose category never occurs in the baseline. Null when the current window is empty. */
export function unseenShare(baselineCounts: readonly number[], currentCounts: readonly number[]): number | null {
  assertAlignedCounts(baselineCounts, currentCounts);
  const currentTotal = sumOf(currentCounts);
  if (currentTotal === 0) return null;
  const unseen = sumOf(currentCounts.filter((_, index) => baselineCounts[index] === 0));
  return unseen / currentTotal;
}

/** Every categorical drift measure over aligned category counts. */
export function categoricalDrift(baselineCounts: readonly number[], currentCounts: readonly number[]): CategoricalDrift {
  const chiSquare = chiSquareHomogeneity(baselineCounts, currentCounts);
  return {
    chi2Statistic: chiSquare?.statistic ?? null,
    chi2Dof: chiSquare?.dof ?? null,
    chi2PValue: chiSquare?.pValue ?? null,
    psi: populationStabilityIndex(baselineCounts, currentCounts),
    jsDistance: jensenShannonDistance(baselineCounts, currentCounts),
    linf: linfDistance(baselineCounts, currentCounts),
    unseenShare: unseenShare(baselineCounts, currentCounts),
  };
}

function compareCodeUnits(left: string, right: string): number {
  return left < right ? -1 : left > right ? 1 : 0;
}
