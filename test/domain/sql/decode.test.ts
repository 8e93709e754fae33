import assert from 'node:assert/strict';
import { duckdbDialect } from '../../../src/domain/sql/dialect.js';
import {
  binCountsSql,
  categoryCountsSql,
  decodeBaselineQuantiles,
  decodeBinCounts,
  decodeCategoryCounts,
  decodeNumericDistance,
  decodePerformance,
  decodeQuality,
  decodeWindowSummary,
  facetSql,
  qualitySql,
} from '../../../src/domain/sql/monitoring-queries.js';
import { RowDecodeError } from '../../../src/domain/sql/decode.js';
import { SqlBuildError } from '../../../src/domain/sql/sql-text.js';
import { asOf, contractOf, inputOf } from '../../support/warehouse-fixtures.js';

const distanceRow = {
  subject: 'price',
  n: 10,
  m: 8,
  ks_statistic: 0.2,
  wasserstein: 1.5,
  baseline_mean: 3,
  baseline_std: 1,
  current_mean: null,
  current_std: null,
  cq_1: 1,
  cq_2: 2,
  cq_3: null,
  bp_1: 0.8,
  bp_2: 3,
  bp_3: 5.2,
  bq_1: 0.5,
  bq_2: 2.5,
  bq_3: null,
};

describe('row decoders', () => {
  it('give typed results', () => {
    assert.deepEqual(decodeNumericDistance([distanceRow], 4), [
      {
        subject: 'price',
        n: 10,
        m: 8,
        ksStatistic: 0.2,
        wasserstein: 1.5,
        baselineMean: 3,
        baselineStd: 1,
        currentMean: null,
        currentStd: null,
        currentQuantiles: [1, 2, null],
        baselineQuantiles: [0.5, 2.5, null],
        baselineBand: [0.8, 3, 5.2],
      },
    ]);
    assert.deepEqual(decodeBaselineQuantiles([{ subject: 'x', n: 3, q_1: 1, q_2: null, q_3: 2 }], 4), [
      { subject: 'x', n: 3, quantiles: [1, null, 2] },
    ]);
  });

  it('name the query, row and column of a missing or mistyped cell', () => {
    const { wasserstein: _gone, ...missing } = distanceRow;
    assert.throws(() => decodeNumericDistance([distanceRow, missing], 4), (error: unknown) => {
      assert.ok(error instanceof RowDecodeError);
      assert.match(error.message, /^distance row 1: column "wasserstein" is missing \(columns: subject, n, m,/);
      return true;
    });
    assert.throws(() => decodeNumericDistance([{ ...distanceRow, n: '10' }], 4), /distance row 0: column "n" should be a finite number, got string "10"/);
    assert.throws(() => decodeNumericDistance([{ ...distanceRow, m: 2.5 }], 4), /column "m" should be a non-negative integer/);
    assert.throws(() => decodeQuality([{ feature: 'x', feature_type: 'text' }]), /quality row 0: unknown feature_type "text"/);
    assert.throws(() => decodePerformance([{ scope: 'later' }]), /performance row 0: unknown scope "later"/);
    assert.throws(() => decodeWindowSummary([]), /summary: expected exactly one row, got 0/);
  });

  it('align bin counts to the edges, with zeros for empty bins', () => {
    const edges = new Map([['x', [1, 2, 2, 3]]]);
    const counts = decodeBinCounts([{ subject: 'x', bin: 2, baseline_count: 4, current_count: 0 }], edges);
    assert.deepEqual(counts.get('x'), { edges: [1, 2, 3], baseline: [0, 0, 4, 0], current: [0, 0, 0, 0] });
    assert.throws(() => decodeBinCounts([{ subject: 'x', bin: 4, baseline_count: 1, current_count: 1 }], edges), /bin 4 of "x" matches no requested edges/);
  });

  it('align category counts over the union, sorted by code units', () => {
    const days = { baseline_days: 0, current_days: 0 };
    const shops = contractOf({ model: 'm', features: [{ name: 'shop', type: 'category' }] });
    const counts = decodeCategoryCounts(
      [
        { subject: 'shop', category: 'b', baseline_count: 2, current_count: 0, ...days },
        { subject: 'shop', category: 'B', baseline_count: 0, current_count: 3, ...days },
        { subject: 'shop', category: 'a', baseline_count: 1, current_count: 1, ...days },
      ],
      shops,
    );
    assert.deepEqual(counts.get('shop'), { categories: ['B', 'a', 'b'], baselineCounts: [0, 1, 2], currentCounts: [3, 1, 0] });
  });
});

describe('query builders refuse what they cannot build', () => {
  it('a default that does not fit the feature type (refused with the contract, before any query)', () => {
    assert.throws(() => contractOf({ model: 'm', features: [{ name: 'x', type: 'float', default: 'zero' }] }), /features\.0\.default: default "zero" of a float feature is not a number/);
  });

  it('edges for something that is not a numeric subject, facets that do not exist, no categorical features', () => {
    const plain = contractOf({ model: 'm', features: [{ name: 'x', type: 'float' }] });
    assert.throws(() => binCountsSql(inputOf(plain), new Map([['y', [1]]])), /"y", which is not a numeric feature/);
    assert.throws(() => facetSql(inputOf(plain), { asOf, facets: ['x'] }), /facet "x" is neither "weekend" nor a categorical/);
    assert.throws(() => categoryCountsSql(inputOf(plain)), /has no categorical features/);
  });

  it('unsafe table names and windows without a zone', () => {
    const plain = contractOf({ model: 'm', features: [{ name: 'x', type: 'float' }] });
    const base = inputOf(plain);
    assert.throws(() => qualitySql({ ...base, tables: { ...base.tables, labels: 'labels"; --' } }), SqlBuildError);
    assert.throws(() => qualitySql({ ...base, window: { start: '2024-06-03T00:00:00', end: '2024-06-04T00:00:00Z' } }), /with a zone/);
    assert.equal(base.dialect, duckdbDialect);
  });
});
