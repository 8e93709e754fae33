import assert from 'node:assert/strict';
import {
  chiSquareSurvival,
  kolmogorovSurvival,
  logGamma,
  regularizedGammaP,
  regularizedGammaQ,
} from '../../../src/domain/stats/index.js';
import { assertClose } from '../../support/assert-close.js';
import { statsFixtures } from '../../support/stats-cases.js';

const { special } = statsFixtures;

describe('stats: special functions against scipy', () => {
  it('logGamma matches scipy.special.gammaln', () => {
    for (const { x, value } of special.gammaln) {
      // Absolute near the zeros of lnΓ at 1 and 2, relative elsewhere.
      assertClose(logGamma(x), value, { relative: 1e-14, absolute: 1e-14 }, `lnΓ(${x})`);
    }
  });

  it('regularised incomplete gamma P and Q match scipy gammainc / gammaincc', () => {
    for (const { a, x, p, q } of special.incomplete_gamma) {
      assertClose(regularizedGammaP(a, x), p, { relative: 1e-12 }, `P(${a}, ${x})`);
      assertClose(regularizedGammaQ(a, x), q, { relative: 1e-12 }, `Q(${a}, ${x})`);
    }
  });

  it('chiSquareSurvival matches scipy.stats.chi2.sf for dof 1..1000', () => {
    for (const { x, dof, sf } of special.chi2_sf) {
      // The prefactor exp(a·ln x - x - lnΓ(a)) is a difference of terms growing with dof: the
      // error reaches ~3e-13 at dof 1000, far below what a p-value needs.
      assertClose(chiSquareSurvival(x, dof), sf, { relative: 1e-11 }, `chi2.sf(${x}, ${dof})`);
    }
  });

  it('kolmogorovSurvival matches scipy.stats.kstwobign.sf on [0, 10]', () => {
    for (const { lambda, sf } of special.kstwobign_sf) {
      assertClose(kolmogorovSurvival(lambda), sf, { relative: 1e-12 }, `Q(${lambda})`);
    }
  });

  it('handles the ends of the domains', () => {
    assert.equal(kolmogorovSurvival(0), 1);
    assert.equal(kolmogorovSurvival(-1), 1);
    assert.equal(kolmogorovSurvival(Infinity), 0);
    assert.equal(kolmogorovSurvival(40), 0);
    assert.equal(chiSquareSurvival(0, 3), 1);
    assert.equal(chiSquareSurvival(Infinity, 3), 0);
    assert.equal(chiSquareSurvival(1e6, 2), 0);
    assert.equal(regularizedGammaP(2, 0), 0);
    assert.equal(regularizedGammaQ(2, 0), 1);
    assert.throws(() => kolmogorovSurvival(Number.NaN), RangeError);
    assert.throws(() => chiSquareSurvival(1, 0), RangeError);
    assert.throws(() => regularizedGammaQ(0, 1), RangeError);
    assert.throws(() => regularizedGammaQ(1, -1), RangeError);
    assert.throws(() => logGamma(0), RangeError);
  });

  it('stays consistent across the switch between series', () => {
    // Both representations of Q meet at λ = 0.82; a jump there would show as a non-monotone step.
    const below = kolmogorovSurvival(0.82 - 1e-12);
    const at = kolmogorovSurvival(0.82);
    assert.ok(below >= at && below - at < 1e-11);
    // P and Q switch method at x = a + 1.
    for (const a of [0.5, 3, 250]) {
      const x = a + 1;
      assertClose(regularizedGammaP(a, x) + regularizedGammaQ(a, x), 1, { relative: 1e-14 }, `P + Q at a=${a}`);
      assertClose(regularizedGammaQ(a, x - 1e-9), regularizedGammaQ(a, x), { relative: 1e-8 }, `Q continuity at a=${a}`);
    }
  });
});
