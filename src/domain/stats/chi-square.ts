// Chi-square test of homogeneity for a categorical feature: are the baseline and current category
// frequencies draws from the same distribution? Pearson's statistic on the 2×K table
// [baselineCounts; currentCounts] without continuity correction
// (scipy.stats.chi2_contingency(table, correction=False)).
import { assertAlignedCounts, sumOf } from './counts.js';
import { regularizedGammaQ } from './gamma.js';

export interface ChiSquareResult {
  statistic: number;
  /** K - 1, where K counts the categories present in at least one row. */
  dof: number;
  pValue: number;
}

/** P(χ²_dof > x): the regularised upper incomplete gamma Q(dof/2, x/2). */
export function chiSquareSurvival(x: number, dof: number): number {
  if (!(dof > 0)) throw new RangeError(`chi-square needs dof > 0, got ${dof}`);
  if (Number.isNaN(x)) throw new RangeError('chiSquareSurvival needs a number, got NaN');
  if (x <= 0) return 1;
  return regularizedGammaQ(dof / 2, x / 2);
}

/**
 * Test on aligned category counts (same category at the same index in both arrays). Categories
 * absent from both rows are dropped. Null when either row is empty, where the expected
 * frequencies are zero and the test is undefined. With a single category left there is nothing
 * to compare: statistic 0, dof 0, p-value 1, as scipy reports.
 */
export function chiSquareHomogeneity(
  baselineCounts: readonly number[],
  currentCounts: readonly number[],
): ChiSquareResult | null {
  assertAlignedCounts(baselineCounts, currentCounts);
  const columns = baselineCounts
    .map((baseline, index) => ({ baseline, current: currentCounts[index] ?? 0 }))
    .filter((column) => column.baseline + column.current > 0);
  const baselineTotal = sumOf(columns.map((column) => column.baseline));
  const currentTotal = sumOf(columns.map((column) => column.current));
  if (baselineTotal === 0 || currentTotal === 0) return null;
  const dof = columns.length - 1;
  if (dof === 0) return { statistic: 0, dof: 0, pValue: 1 };

  const total = baselineTotal + currentTotal;
  let statistic = 0;
  for (const column of columns) {
    const columnTotal = column.baseline + column.current;
    statistic += pearsonTerm(column.baseline, (baselineTotal * columnTotal) / total);
    statistic += pearsonTerm(column.current, (currentTotal * columnTotal) / total);
  }
  return { statistic, dof, pValue: chiSquareSurvival(statistic, dof) };
}

function pearsonTerm(observed: number, expected: number): number {
  const difference = observed - expected;
  return (difference * difference) / expected;
}
