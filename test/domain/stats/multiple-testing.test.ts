import assert from 'node:assert/strict';
import { benjaminiHochberg, benjaminiHochbergRejections } from '../../../src/domain/stats/index.js';
import { assertClose } from '../../support/assert-close.js';
import { statsFixtures } from '../../support/stats-cases.js';

describe('stats: Benjamini-Hochberg against scipy', () => {
  for (const testCase of statsFixtures.bh) {
    it(`${testCase.name}: adjusts like false_discovery_control(method='bh')`, () => {
      const adjusted = benjaminiHochberg(testCase.p_values);
      assert.equal(adjusted.length, testCase.adjusted.length);
      adjusted.forEach((value, index) =>
        // Same operations in the same order as scipy; the margin only absorbs a last-bit difference.
        assertClose(value, testCase.adjusted[index] ?? null, { relative: 1e-15 }, `adjusted[${index}]`),
      );
      assert.deepEqual(benjaminiHochbergRejections(testCase.p_values, testCase.alpha), testCase.rejected);
    });
  }

  it('leaves null p-values out of the family', () => {
    const withNulls = benjaminiHochberg([0.01, null, 0.04, null, 0.03]);
    const without = benjaminiHochberg([0.01, 0.04, 0.03]);
    assert.deepEqual(withNulls, [without[0], null, without[1], null, without[2]]);
    assert.deepEqual(benjaminiHochbergRejections([0.001, null], 0.05), [true, false]);
    assert.deepEqual(benjaminiHochberg([]), []);
  });

  it('rejects invalid input', () => {
    assert.throws(() => benjaminiHochberg([0.2, 1.5]), RangeError);
    assert.throws(() => benjaminiHochberg([Number.NaN]), RangeError);
    assert.throws(() => benjaminiHochbergRejections([0.2], 0), RangeError);
  });
});
