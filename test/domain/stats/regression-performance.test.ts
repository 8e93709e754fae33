import assert from 'node:assert/strict';
import { type RegressionSums, regressionPerformance } from '../../../src/domain/stats/index.js';
import { assertClose, type Tolerance } from '../../support/assert-close.js';
import { type PerformanceCase, statsFixtures } from '../../support/stats-cases.js';
import { compensatedSum } from '../../support/samples.js';

/** What the warehouse query returns for a window: sums over the rows whose label has arrived. */
function sumsOf(testCase: PerformanceCase): RegressionSums {
  const pairs = testCase.labels.flatMap((label, index) =>
    label === null ? [] : [{ label, prediction: testCase.predictions[index] ?? Number.NaN }],
  );
  const errors = pairs.map(({ label, prediction }) => prediction - label);
  const withNonZeroLabel = pairs.filter(({ label }) => label !== 0);
  // SQL's SUM over no rows is NULL.
  const sum = (values: number[]): number | null => (values.length === 0 ? null : compensatedSum(values));
  return {
    windowRows: testCase.predictions.length,
    labelledRows: pairs.length,
    sumError: sum(errors),
    sumAbsError: sum(errors.map(Math.abs)),
    sumSquaredError: sum(errors.map((error) => error * error)),
    sumLabel: sum(pairs.map(({ label }) => label)),
    sumLabelSquared: sum(pairs.map(({ label }) => label * label)),
    mapeRows: withNonZeroLabel.length,
    sumAbsPercentError: sum(withNonZeroLabel.map(({ label, prediction }) => Math.abs(prediction - label) / Math.abs(label))),
  };
}

const tight: Tolerance = { relative: 1e-12 };

// R² from Σy and Σy² subtracts two numbers that agree in their leading digits: with labels around
// 5000 and a spread of 2, log10(mean²/variance) ≈ 6.8 digits cancel, leaving ~1e-9 relative
// accuracy in SST and R² (4e-10 here; 4e-9 with uncompensated sums). Better needs centred sums.
const r2Tolerance: Record<string, Tolerance> = { large_offset: { relative: 1e-8 } };

describe('stats: regression performance against numpy', () => {
  for (const testCase of statsFixtures.performance) {
    it(`${testCase.name}: computes the metrics from window sums`, () => {
      const { expected } = testCase;
      const performance = regressionPerformance(sumsOf(testCase));
      assertClose(performance.rmse, expected.rmse, tight, 'rmse');
      assertClose(performance.mae, expected.mae, tight, 'mae');
      assertClose(performance.mape, expected.mape, tight, 'mape');
      assertClose(performance.r2, expected.r2, r2Tolerance[testCase.name] ?? tight, 'r2');
      // Near zero a relative bound is meaningless; 1e-15 is far below any label's resolution.
      assertClose(performance.meanError, expected.mean_error, { relative: 1e-12, absolute: 1e-15 }, 'mean error');
      assertClose(performance.labelCoverage, expected.label_coverage, tight, 'label coverage');
    });
  }

  it('covers delayed labels, a zero label and labels without spread', () => {
    const byName = new Map(statsFixtures.performance.map((testCase) => [testCase.name, testCase]));
    const delayed = byName.get('delayed_labels');
    assert.ok(delayed?.labels.includes(null) && delayed.labels.includes(0));
    assert.equal(byName.get('constant_labels')?.expected.r2, null);
    assert.equal(byName.get('no_labels_yet')?.expected.label_coverage, 0);
  });
});

describe('stats: degenerate performance inputs', () => {
  const empty: RegressionSums = {
    windowRows: 0,
    labelledRows: 0,
    sumError: null,
    sumAbsError: null,
    sumSquaredError: null,
    sumLabel: null,
    sumLabelSquared: null,
    mapeRows: 0,
    sumAbsPercentError: null,
  };

  it('gives null, never NaN, for an empty window', () => {
    assert.deepEqual(regressionPerformance(empty), {
      rmse: null,
      mae: null,
      mape: null,
      r2: null,
      meanError: null,
      labelCoverage: null,
    });
  });

  it('accepts zero sums where SQL returns 0 rather than NULL', () => {
    const performance = regressionPerformance({ ...empty, windowRows: 10, sumError: 0, sumAbsError: 0, sumSquaredError: 0 });
    assert.equal(performance.labelCoverage, 0);
    assert.equal(performance.rmse, null);
  });

  it('treats labels without spread as constant, including spread made of rounding noise', () => {
    const exact = { ...empty, windowRows: 2, labelledRows: 2, sumError: 0, sumAbsError: 0, sumSquaredError: 0 };
    assert.equal(regressionPerformance({ ...exact, sumLabel: 4, sumLabelSquared: 8 }).r2, null);
    // Three labels of 0.1: Σy² - (Σy)²/n is ~1e-18 of rounding noise, not spread.
    const tenths = { ...exact, labelledRows: 3, sumLabel: 0.1 + 0.1 + 0.1, sumLabelSquared: 0.1 * 0.1 + 0.1 * 0.1 + 0.1 * 0.1 };
    assert.equal(regressionPerformance(tenths).r2, null);
    assert.equal(regressionPerformance({ ...exact, sumLabel: 4, sumLabelSquared: 10, sumSquaredError: 1 }).r2, 0.5);
  });
});
