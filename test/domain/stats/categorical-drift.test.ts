import assert from 'node:assert/strict';
import {
  alignCategoryCounts,
  categoricalDrift,
  chiSquareHomogeneity,
  linfDistance,
  unseenShare,
} from '../../../src/domain/stats/index.js';
import { assertClose } from '../../support/assert-close.js';
import { statsFixtures } from '../../support/stats-cases.js';

// Short sums of well-conditioned terms: agreement with scipy is at the ulp level.
const tight = { relative: 1e-12 };

function frequencies(values: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return counts;
}

describe('stats: categorical drift against scipy', () => {
  for (const testCase of statsFixtures.categorical) {
    const { expected } = testCase;

    it(`${testCase.name}: aligns the frequencies and computes every measure`, () => {
      const aligned = alignCategoryCounts(frequencies(testCase.baseline), frequencies(testCase.current));
      assert.deepEqual(aligned.categories, expected.categories);
      assert.deepEqual(aligned.baselineCounts, expected.baseline_counts);
      assert.deepEqual(aligned.currentCounts, expected.current_counts);

      const drift = categoricalDrift(aligned.baselineCounts, aligned.currentCounts);
      assertClose(drift.chi2Statistic, expected.chi2_statistic, tight, 'chi2 statistic');
      assert.equal(drift.chi2Dof, expected.chi2_dof);
      assertClose(drift.chi2PValue, expected.chi2_p_value, tight, 'chi2 p-value');
      assertClose(drift.psi, expected.psi, tight, 'psi');
      assertClose(drift.jsDistance, expected.js_distance, tight, 'js distance');
      assertClose(drift.linf, expected.linf, tight, 'linf');
      assertClose(drift.unseenShare, expected.unseen_share, tight, 'unseen share');
    });
  }

  it('covers an unseen category and a category that disappeared', () => {
    const byName = new Map(statsFixtures.categorical.map((testCase) => [testCase.name, testCase.expected]));
    assert.ok((byName.get('unseen_category')?.unseen_share ?? 0) > 0);
    assert.ok(byName.get('many_rare_categories')?.current_counts.includes(0));
  });
});

describe('stats: degenerate categorical inputs', () => {
  it('drops categories absent from both windows before the chi-square test', () => {
    const withEmpty = chiSquareHomogeneity([30, 0, 20, 50], [25, 0, 30, 45]);
    const without = chiSquareHomogeneity([30, 20, 50], [25, 30, 45]);
    assert.deepEqual(withEmpty, without);
    assert.equal(withEmpty?.dof, 2);
  });

  it('has nothing to test with a single category, and no test with an empty window', () => {
    assert.deepEqual(chiSquareHomogeneity([10, 0], [4, 0]), { statistic: 0, dof: 0, pValue: 1 });
    assert.equal(chiSquareHomogeneity([0, 0], [4, 1]), null);
    assert.equal(chiSquareHomogeneity([], []), null);
    const drift = categoricalDrift([3, 2], [0, 0]);
    assert.deepEqual(drift, {
      chi2Statistic: null,
      chi2Dof: null,
      chi2PValue: null,
      psi: null,
      jsDistance: null,
      linf: null,
      unseenShare: null,
    });
  });

  it('measures unseen share and L-infinity on proportions', () => {
    assert.equal(unseenShare([5, 0, 5], [2, 6, 2]), 0.6);
    assert.equal(unseenShare([5, 5], [3, 7]), 0);
    assert.equal(unseenShare([5, 5], [0, 0]), null);
    assertClose(linfDistance([1, 1, 2], [1, 0, 3]), 0.25, { relative: 1e-15 }, 'linf');
  });

  it('aligns frequency tables over the union of categories', () => {
    const aligned = alignCategoryCounts(new Map([['b', 2], ['a', 1]]), new Map([['c', 4], ['a', 3]]));
    assert.deepEqual(aligned, { categories: ['a', 'b', 'c'], baselineCounts: [1, 2, 0], currentCounts: [3, 0, 4] });
  });
});
