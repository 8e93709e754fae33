import assert from 'node:assert/strict';
import {
  binEdgesFromQuantiles,
  binIndex,
  edgeProbabilities,
  jensenShannonDistance,
  ksAsymptoticPValue,
  normalizeWasserstein,
  numericDrift,
  populationStabilityIndex,
} from '../../../src/domain/stats/index.js';
import { assertClose } from '../../support/assert-close.js';
import { statsFixtures } from '../../support/stats-cases.js';
import {
  ksStatistic,
  linearQuantile,
  sampleMean,
  sampleStd,
  sortedAscending,
  wassersteinDistance,
} from '../../support/samples.js';

// Everything here is a short, rounding-limited computation: scipy and these functions agree to a
// few ulps, so 1e-12 relative leaves ample margin.
const tight = { relative: 1e-12 };

function binCounts(values: readonly number[], edges: readonly number[]): number[] {
  const counts = new Array<number>(edges.length + 1).fill(0);
  for (const value of values) {
    const index = binIndex(value, edges);
    counts[index] = (counts[index] ?? 0) + 1;
  }
  return counts;
}

describe('stats: numeric drift against scipy', () => {
  for (const testCase of statsFixtures.numeric) {
    const { expected } = testCase;

    describe(testCase.name, () => {
      it('builds the edges from baseline quantiles and bins both samples like numpy.searchsorted', () => {
        const sorted = sortedAscending(testCase.baseline);
        const quantiles = edgeProbabilities(testCase.bins).map((probability) => linearQuantile(sorted, probability));
        const edges = binEdgesFromQuantiles(quantiles);
        assert.equal(edges.length, expected.bin_edges.length);
        // Interpolated edges can differ from numpy's by an ulp (numpy interpolates from the nearer
        // end); the fixture guarantees no data value lies that close to an edge.
        edges.forEach((edge, index) => assertClose(edge, expected.bin_edges[index] ?? null, tight, `edge ${index}`));
        assert.deepEqual(binCounts(testCase.baseline, edges), expected.baseline_bin_counts);
        assert.deepEqual(binCounts(testCase.current, edges), expected.current_bin_counts);
      });

      it('computes PSI and Jensen-Shannon distance from the bin counts', () => {
        assertClose(populationStabilityIndex(expected.baseline_bin_counts, expected.current_bin_counts), expected.psi, tight, 'psi');
        assertClose(
          jensenShannonDistance(expected.baseline_bin_counts, expected.current_bin_counts),
          expected.js_distance,
          tight,
          'js distance',
        );
      });

      it('computes the asymptotic KS p-value and the normalised Wasserstein distance', () => {
        assertClose(ksAsymptoticPValue(expected.ks_statistic, expected.n, expected.m), expected.ks_p_value, tight, 'ks p-value');
        const baselineStd = sampleStd(testCase.baseline);
        assertClose(baselineStd, expected.baseline_std, tight, 'baseline std');
        assertClose(normalizeWasserstein(expected.wasserstein, baselineStd), expected.wasserstein_normed, tight, 'wasserstein normed');
      });

      it('assembles every measure in numericDrift', () => {
        const drift = numericDrift({
          baselineRows: expected.n,
          currentRows: expected.m,
          ksStatistic: expected.ks_statistic,
          wasserstein: expected.wasserstein,
          baselineStd: expected.baseline_std,
          baselineBinCounts: expected.baseline_bin_counts,
          currentBinCounts: expected.current_bin_counts,
        });
        assert.equal(drift.ksStatistic, expected.ks_statistic);
        assert.equal(drift.wasserstein, expected.wasserstein);
        assertClose(drift.ksPValue, expected.ks_p_value, tight, 'ks p-value');
        assertClose(drift.wassersteinNormed, expected.wasserstein_normed, tight, 'wasserstein normed');
        assertClose(drift.psi, expected.psi, tight, 'psi');
        assertClose(drift.jsDistance, expected.js_distance, tight, 'js distance');
      });

      it('has fixture aggregates consistent with their definitions', () => {
        assert.equal(testCase.baseline.length, expected.n);
        assert.equal(testCase.current.length, expected.m);
        assertClose(ksStatistic(testCase.baseline, testCase.current), expected.ks_statistic, tight, 'ks statistic');
        assertClose(wassersteinDistance(testCase.baseline, testCase.current), expected.wasserstein, tight, 'wasserstein');
        const sorted = sortedAscending(testCase.current);
        assertClose(sampleMean(testCase.current), expected.mean, tight, 'current mean');
        assertClose(sampleStd(testCase.current), expected.std, tight, 'current std');
        assertClose(linearQuantile(sorted, 0.05), expected.p5, tight, 'p5');
        assertClose(linearQuantile(sorted, 0.5), expected.p50, tight, 'p50');
        assertClose(linearQuantile(sorted, 0.95), expected.p95, tight, 'p95');
      });
    });
  }

  it('covers collapsed edges and an empty current bin', () => {
    const byName = new Map(statsFixtures.numeric.map((testCase) => [testCase.name, testCase.expected]));
    assert.ok((byName.get('heavy_ties')?.bin_edges.length ?? Infinity) < 9);
    assert.ok(byName.get('empty_current_bin')?.current_bin_counts.includes(0));
  });
});

describe('stats: degenerate numeric inputs', () => {
  it('gives null rather than NaN for empty samples or a missing statistic', () => {
    assert.equal(ksAsymptoticPValue(null, 10, 10), null);
    assert.equal(ksAsymptoticPValue(0.3, 0, 10), null);
    assert.equal(ksAsymptoticPValue(0, 10, 10), 1);
    assert.throws(() => ksAsymptoticPValue(1.5, 10, 10), RangeError);
    assert.equal(populationStabilityIndex([0, 0], [1, 2]), null);
    assert.equal(jensenShannonDistance([3, 4], [0, 0]), null);
    assert.throws(() => populationStabilityIndex([1, 2], [1, 2, 3]), RangeError);
    assert.throws(() => jensenShannonDistance([1, -2], [1, 2]), RangeError);
  });

  it('gives 0 for identical distributions', () => {
    assert.equal(populationStabilityIndex([10, 20, 30], [1, 2, 3]), 0);
    assert.equal(jensenShannonDistance([10, 20, 30], [1, 2, 3]), 0);
  });

  it('bounds the PSI contribution of an empty bin through the 1e-4 floor', () => {
    // One bin empty in the current window: (1e-4 - 0.5)·ln(1e-4 / 0.5) + (1 - 0.5)·ln(1 / 0.5).
    const expected = (1e-4 - 0.5) * Math.log(1e-4 / 0.5) + 0.5 * Math.log(2);
    assertClose(populationStabilityIndex([5, 5], [0, 7]), expected, { relative: 1e-15 }, 'psi');
    assert.equal(jensenShannonDistance([1, 0], [0, 1]), 1);
  });

  it('normalises Wasserstein only when the baseline has a spread', () => {
    assert.equal(normalizeWasserstein(2, 4), 0.5);
    assert.equal(normalizeWasserstein(0, 0), 0);
    assert.equal(normalizeWasserstein(0, null), 0);
    assert.equal(normalizeWasserstein(1, 0), null);
    assert.equal(normalizeWasserstein(1, null), null);
    assert.equal(normalizeWasserstein(null, 3), null);
    assert.throws(() => normalizeWasserstein(-1, 3), RangeError);
  });
});
