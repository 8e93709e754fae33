// Regression performance of a window from the sums the warehouse returns over rows whose delayed
// label has arrived (predictions joined to labels). Node never sees the rows.
import { ratioOrNull, rootMeanOrNull } from './ratio.js';

export interface RegressionSums {
  /** Scored rows in the window, labelled or not. */
  windowRows: number;
  /** Rows whose label has arrived. The sums below run over these rows. */
  labelledRows: number;
  /** Σ (prediction - label). SQL's SUM over no rows is NULL, hence null here. */
  sumError: number | null;
  sumAbsError: number | null;
  sumSquaredError: number | null;
  sumLabel: number | null;
  sumLabelSquared: number | null;
  /** Labelled rows with label != 0, over which MAPE is defined. */
  mapeRows: number;
  /** Σ |prediction - label| / |label| over those rows. */
  sumAbsPercentError: number | null;
}

export interface RegressionPerformance {
  rmse: number | null;
  mae: number | null;
  /** Mean absolute percentage error as a fraction (0.05 is 5 %). */
  mape: number | null;
  /** 1 - SSE/SST; null when the labels have no spread. */
  r2: number | null;
  /** Mean of prediction - label: positive means the model over-predicts. */
  meanError: number | null;
  /** labelledRows / windowRows. */
  labelCoverage: number | null;
}

export function regressionPerformance(sums: RegressionSums): RegressionPerformance {
  const rows = sums.labelledRows;
  return {
    rmse: rootMeanOrNull(sums.sumSquaredError, rows),
    mae: ratioOrNull(sums.sumAbsError, rows),
    mape: ratioOrNull(sums.sumAbsPercentError, sums.mapeRows),
    r2: coefficientOfDetermination(sums),
    meanError: ratioOrNull(sums.sumError, rows),
    labelCoverage: ratioOrNull(sums.labelledRows, sums.windowRows),
  };
}

/**
 * SST = Σ label² - (Σ label)²/n loses digits when the labels' mean is large against their spread.
 * When SST is not above the worst-case rounding error of summing n squares (n · ε · Σ label²) it
 * carries no signal, and the labels are treated as constant: R² is undefined (null) rather than a
 * huge number made of rounding noise.
 */
function coefficientOfDetermination(sums: RegressionSums): number | null {
  const rows = sums.labelledRows;
  const { sumLabel, sumLabelSquared, sumSquaredError } = sums;
  if (!(rows > 0) || sumLabel === null || sumLabelSquared === null || sumSquaredError === null) return null;
  const totalSquares = sumLabelSquared - (sumLabel / rows) * sumLabel;
  const roundingBound = rows * Number.EPSILON * sumLabelSquared;
  if (!(totalSquares > roundingBound)) return null;
  return 1 - sumSquaredError / totalSquares;
}
