import assert from 'node:assert/strict';
import { binEdgesFromQuantiles, binIndex, edgeProbabilities } from '../../../src/domain/stats/index.js';

describe('stats: bins', () => {
  it('asks for the quantiles i/B, i = 1..B-1', () => {
    assert.deepEqual(edgeProbabilities(4), [0.25, 0.5, 0.75]);
    assert.deepEqual(edgeProbabilities(10), [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]);
    assert.throws(() => edgeProbabilities(1), RangeError);
    assert.throws(() => edgeProbabilities(2.5), RangeError);
  });

  it('turns quantiles into sorted, strictly increasing, finite edges', () => {
    assert.deepEqual(binEdgesFromQuantiles([0, 0, 0, 1, 1, 2, 3, 3, 5]), [0, 1, 2, 3, 5]);
    assert.deepEqual(binEdgesFromQuantiles([2, Number.NaN, 1, Infinity, -Infinity, 2]), [1, 2]);
    assert.deepEqual(binEdgesFromQuantiles([]), []);
  });

  it('puts a value in the bin counting the edges strictly below it', () => {
    const edges = [0, 1, 2];
    // Bins: (-inf, 0], (0, 1], (1, 2], (2, inf): a value equal to an edge stays left of it.
    assert.deepEqual(
      [-5, 0, 0.5, 1, 1.5, 2, 2.0001, 99].map((value) => binIndex(value, edges)),
      [0, 0, 1, 1, 2, 2, 3, 3],
    );
    assert.equal(binIndex(42, []), 0);
  });
});
