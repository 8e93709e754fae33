import assert from 'node:assert/strict';
import { checkFacetGapChange, facetGapChange, facetGaps, facetGroupMetrics } from '../../../src/domain/stats/index.js';

describe('stats: facet gaps', () => {
  // Weekend: predictions 4 and 6 against labels 3 and 5 (errors 1, 1).
  const weekend = facetGroupMetrics({ rows: 2, sumPrediction: 10, sumError: 2, sumSquaredError: 2 });
  // Weekday: predictions 1, 2, 3 against labels 1, 4, 3 (errors 0, -2, 0).
  const weekday = facetGroupMetrics({ rows: 3, sumPrediction: 6, sumError: -2, sumSquaredError: 4 });

  it('computes per-group mean prediction, RMSE and mean error', () => {
    assert.deepEqual(weekend, { meanPrediction: 5, rmse: 1, meanError: 1 });
    assert.equal(weekday.meanPrediction, 2);
    assert.equal(weekday.rmse, Math.sqrt(4 / 3));
    assert.equal(weekday.meanError, -2 / 3);
  });

  it('gives group A minus group B, and the change of that gap against the baseline', () => {
    const currentGap = facetGaps(weekend, weekday);
    assert.deepEqual(currentGap, { meanPrediction: 3, rmse: 1 - Math.sqrt(4 / 3), meanError: 1 + 2 / 3 });
    const baselineGap = { meanPrediction: 1, rmse: 0.5, meanError: null };
    assert.deepEqual(facetGapChange(currentGap, baselineGap), {
      meanPrediction: 2,
      rmse: 1 - Math.sqrt(4 / 3) - 0.5,
      meanError: null,
    });
  });

  it('has no metrics for an empty group, hence no gap', () => {
    const empty = facetGroupMetrics({ rows: 0, sumPrediction: null, sumError: null, sumSquaredError: null });
    assert.deepEqual(empty, { meanPrediction: null, rmse: null, meanError: null });
    assert.deepEqual(facetGaps(weekend, empty), { meanPrediction: null, rmse: null, meanError: null });
  });

  it('checks each gap change that has an allowed range', () => {
    const change = { meanPrediction: 2, rmse: -0.2, meanError: null };
    assert.deepEqual(checkFacetGapChange(change, { meanPrediction: { min: -1, max: 1.5 }, meanError: { max: 0.1 } }), {
      meanPrediction: { evaluated: true, breached: true, excess: 0.5 },
      meanError: { evaluated: false, breached: false, excess: null },
    });
    assert.deepEqual(checkFacetGapChange(change, { rmse: { min: -0.5 } }), {
      rmse: { evaluated: true, breached: false, excess: 0 },
    });
  });
});
