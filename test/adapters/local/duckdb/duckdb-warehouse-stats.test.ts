// The monitoring SQL run on DuckDB against independent values: scipy/numpy reference cases
// (test/fixtures/stats/cases.json) and small cases checked by hand.
import assert from 'node:assert/strict';
import { DuckDbWarehouse } from '../../../../src/adapters/local/duckdb/duckdb-warehouse.js';
import { type FeatureContract } from '../../../../src/domain/contract/contract.js';
import {
  baselineQuantilesOf,
  baselineQuantilesSql,
  binCountsSql,
  categoryCountsSql,
  decodeBaselineQuantiles,
  decodeBinCounts,
  decodeCategoryCounts,
  decodeFacets,
  decodeNumericDistance,
  decodePerformance,
  decodeQuality,
  edgesFromQuantiles,
  facetSql,
  numericDistanceSql,
  performanceSql,
  qualitySql,
  withWindowQuantiles,
} from '../../../../src/domain/sql/monitoring-queries.js';
import { regressionPerformance } from '../../../../src/domain/stats/regression-performance.js';
import { binIndex } from '../../../../src/domain/stats/bins.js';
import { type Row } from '../../../../src/domain/sql/row.js';
import {
  type ColumnKind,
  asOf,
  baselineRow,
  close,
  contractOf,
  createSources,
  eventTime,
  inputOf,
  load,
  productionRow,
  rowsOf,
  tablesOf,
} from '../../../support/warehouse-fixtures.js';
import { statsFixtures as cases, type NumericCase, type PerformanceCase } from '../../../support/stats-cases.js';

const numericContract = contractOf({ model: 'drift', features: [{ name: 'x', type: 'float' }] });

async function loadNumeric(warehouse: DuckDbWarehouse, baseline: number[], current: number[], kind: ColumnKind): Promise<void> {
  const tables = tablesOf('drift');
  await createSources(warehouse, numericContract, () => kind);
  const cell = (value: number): number | string => (kind === 'VARCHAR' ? String(value) : value);
  await load(warehouse, tables.productionLog, current.map((v, i) => productionRow(i, { x: cell(v) }, v)));
  await load(warehouse, tables.baseline, baseline.map((v, i) => baselineRow(i, { x: cell(v) }, v, null)));
}

async function distances(warehouse: DuckDbWarehouse, contract: FeatureContract = numericContract) {
  return decodeNumericDistance(await rowsOf(warehouse, numericDistanceSql(inputOf(contract))));
}

describe('monitoring SQL on DuckDB: statistics', function () {
  let warehouse: DuckDbWarehouse;

  before(async () => {
    warehouse = await DuckDbWarehouse.open();
  });
  after(async () => {
    await warehouse.close();
  });

  describe('hand-checked cases', () => {
    it('KS and Wasserstein-1 of small samples, with ties', async () => {
      await loadNumeric(warehouse, [1, 2, 3], [2, 3, 4], 'DOUBLE');
      const [x] = await distances(warehouse);
      assert.equal(x?.subject, 'x');
      assert.ok(close(x?.ksStatistic ?? null, 1 / 3, 1e-12));
      assert.ok(close(x?.wasserstein ?? null, 1, 1e-12));
      assert.equal(x?.baselineStd, 1);

      await loadNumeric(warehouse, [0, 0, 1], [0, 1, 1], 'DOUBLE');
      const [tied] = await distances(warehouse);
      assert.ok(close(tied?.ksStatistic ?? null, 1 / 3, 1e-12));
      assert.ok(close(tied?.wasserstein ?? null, 1 / 3, 1e-12));
    });

    it('an empty window gives counts of zero and no distance, for every subject', async () => {
      await loadNumeric(warehouse, [1, 2, 3], [], 'DOUBLE');
      const rows = await distances(warehouse);
      assert.deepEqual(
        rows.map((r) => [r.subject, r.n, r.m, r.ksStatistic, r.wasserstein]),
        [
          ['x', 3, 0, null, null],
          ['prediction', 3, 0, null, null],
        ],
      );
      assert.deepEqual(rows[0]?.currentQuantiles, [null, null, null]);
      assert.deepEqual(rows[0]?.baselineQuantiles.slice(0, 3), [1.2, 1.4, 1.6], 'baseline quantiles with no window');
      // p5, p50, p95 of 1, 2, 3 interpolated linearly, as the window's are.
      rows[0]?.baselineBand.forEach((q, i) => assert.ok(close(q, [1.1, 2, 2.9][i] ?? Number.NaN, 1e-12), `baseline band ${i}: ${q}`));
      const perSubject = decodeNumericDistance(await rowsOf(warehouse, numericDistanceSql(inputOf(numericContract), 10, { layout: 'per-subject' })));
      assert.deepEqual(perSubject, rows, 'a set of CTEs per subject answers the same');
    });

    it('bins count values equal to an edge in the bin below it', async () => {
      await loadNumeric(warehouse, [1, 2, 3, 4], [1, 2, 2, 5], 'DOUBLE');
      const edges = new Map([['x', [2, 3, 3]]]);
      const counts = decodeBinCounts(await rowsOf(warehouse, binCountsSql(inputOf(numericContract), edges)), edges);
      assert.deepEqual(counts.get('x'), { edges: [2, 3], baseline: [2, 1, 1], current: [3, 0, 1] });
    });

    it('bins agree with the binary search of the domain for every number of edges from 0 to 12', async () => {
      // Values on every edge, between each pair, and beyond both ends: each branch of the SQL's
      // comparison tree is taken.
      const values = Array.from({ length: 29 }, (_, i) => i / 2 - 0.5);
      await loadNumeric(warehouse, values, values.map((v) => -v), 'DOUBLE');
      for (let size = 0; size <= 12; size += 1) {
        const edges = new Map([['x', Array.from({ length: size }, (_, i) => i + 1)]]);
        const counts = decodeBinCounts(await rowsOf(warehouse, binCountsSql(inputOf(numericContract), edges)), edges).get('x');
        const expected = (sample: number[]): number[] => {
          const bins = new Array<number>(size + 1).fill(0);
          for (const v of sample) {
            const bin = binIndex(v, edges.get('x') ?? []);
            bins[bin] = (bins[bin] ?? 0) + 1;
          }
          return bins;
        };
        assert.deepEqual(counts?.baseline, expected(values), `${size} edges: baseline`);
        assert.deepEqual(counts?.current, expected(values.map((v) => -v)), `${size} edges: window`);
      }
    });

    it('performance uses the latest label known as of the time, and ignores later ones', async () => {
      const contract = contractOf({ model: 'perf', features: [{ name: 'x', type: 'float' }] });
      const tables = tablesOf('perf');
      await createSources(warehouse, contract);
      await load(warehouse, tables.productionLog, [productionRow(0, { x: '1' }, 10), productionRow(1, { x: '1' }, 20), productionRow(2, { x: '1' }, 30)]);
      await load(warehouse, tables.labels, [
        { record_id: 'r0', label: 11, label_time: '2024-06-11T00:00:00Z' },
        { record_id: 'r0', label: 12, label_time: '2024-06-12T00:00:00Z' },
        { record_id: 'r1', label: 25, label_time: '2024-06-25T00:00:00Z' },
        { record_id: 'elsewhere', label: 1, label_time: '2024-06-11T00:00:00Z' },
      ]);
      await load(warehouse, tables.baseline, []);
      const [window, baseline] = decodePerformance(await rowsOf(warehouse, performanceSql(inputOf(contract), { asOf })));
      assert.deepEqual(window, {
        scope: 'window',
        validRows: 3,
        sums: {
          windowRows: 3,
          labelledRows: 1,
          sumError: -2,
          sumAbsError: 2,
          sumSquaredError: 4,
          sumLabel: 12,
          sumLabelSquared: 144,
          mapeRows: 1,
          sumAbsPercentError: 2 / 12,
        },
        sumPrediction: 10,
      });
      assert.equal(baseline?.scope, 'baseline');
      assert.equal(baseline?.sums.labelledRows, 0);
      assert.equal(baseline?.sums.sumError, null);
    });

    it('facet sums per weekend/weekday and per category, in the window and the baseline', async () => {
      const contract = contractOf({ model: 'bias', features: [{ name: 'region', type: 'category' }] });
      const tables = tablesOf('bias');
      await createSources(warehouse, contract);
      const saturday = 5 * 24 * 60; // minutes from Monday 00:00
      await load(warehouse, tables.productionLog, [
        productionRow(0, { region: 'north' }, 10),
        productionRow(1, { region: 'south' }, 20),
        productionRow(saturday, { region: 'north' }, 30),
        productionRow(saturday + 1, { region: 'north' }, 40),
      ]);
      await load(warehouse, tables.labels, [
        { record_id: 'r0', label: 8, label_time: '2024-06-11T00:00:00Z' },
        { record_id: `r${saturday}`, label: 33, label_time: '2024-06-11T00:00:00Z' },
      ]);
      await load(warehouse, tables.baseline, [
        { event_time: '2024-01-06T12:00:00Z', region: 'north', prediction: 5, label: 4 },
        { event_time: '2024-01-08T12:00:00Z', region: 'south', prediction: 7, label: 9 },
      ]);
      const groups = decodeFacets(await rowsOf(warehouse, facetSql(inputOf(contract), { asOf, facets: ['weekend', 'region'] })));
      const summary = groups.map((g) => [g.scope, g.facet, g.group, g.rows, g.sums.rows, g.sums.sumPrediction, g.sums.sumError, g.sums.sumSquaredError]);
      assert.deepEqual(summary, [
        ['baseline', 'region', 'north', 1, 1, 5, 1, 1],
        ['baseline', 'region', 'south', 1, 1, 7, -2, 4],
        ['baseline', 'weekend', 'weekday', 1, 1, 7, -2, 4],
        ['baseline', 'weekend', 'weekend', 1, 1, 5, 1, 1],
        ['window', 'region', 'north', 3, 2, 40, -1, 13],
        ['window', 'region', 'south', 1, 0, null, null, null],
        ['window', 'weekend', 'weekday', 2, 1, 10, 2, 4],
        ['window', 'weekend', 'weekend', 2, 1, 30, -3, 9],
      ]);
      const weekend = groups.find((g) => g.scope === 'window' && g.group === 'weekend');
      assert.equal(weekend?.sumPredictionAll, 70);
      assert.equal(weekend?.predictionRows, 2);
    });
  });

  describe('scipy reference cases (test/fixtures/stats/cases.json)', function () {
    for (const testCase of cases.numeric) {
      for (const kind of ['DOUBLE', 'VARCHAR'] as const) {
        it(`numeric "${testCase.name}" (${kind} columns): KS, Wasserstein, std, edges, bins, moments`, async () => {
          await loadNumeric(warehouse, testCase.baseline, testCase.current, kind);
          await checkNumericCase(warehouse, testCase);
        });
      }
    }

    for (const testCase of cases.categorical) {
      it(`categorical "${testCase.name}": category counts over the union of categories`, async () => {
        const contract = contractOf({ model: 'cats', features: [{ name: 'shop', type: 'category' }] });
        const tables = tablesOf('cats');
        await createSources(warehouse, contract);
        await load(warehouse, tables.productionLog, testCase.current.map((c, i) => productionRow(i, { shop: c }, 1)));
        await load(warehouse, tables.baseline, testCase.baseline.map((c, i) => baselineRow(i, { shop: c }, 1, null)));
        const counts = decodeCategoryCounts(await rowsOf(warehouse, categoryCountsSql(inputOf(contract))), contract).get('shop');
        assert.deepEqual(counts, {
          categories: testCase.expected.categories,
          baselineCounts: testCase.expected.baseline_counts,
          currentCounts: testCase.expected.current_counts,
        });
      });
    }

    for (const testCase of cases.performance) {
      it(`performance "${testCase.name}": label/prediction sums for the window and the baseline`, async () => {
        await checkPerformanceCase(warehouse, testCase);
      });
    }
  });
});

async function checkNumericCase(warehouse: DuckDbWarehouse, testCase: NumericCase): Promise<void> {
  const { expected } = testCase;
  const input = inputOf(numericContract);
  for (const subject of await distances(warehouse)) {
    const at = `${testCase.name}/${subject.subject}`;
    assert.equal(subject.n, expected.n, at);
    assert.equal(subject.m, expected.m, at);
    assert.ok(close(subject.ksStatistic, expected.ks_statistic, 1e-12), `${at}: ks ${subject.ksStatistic} vs ${expected.ks_statistic}`);
    assert.ok(close(subject.wasserstein, expected.wasserstein), `${at}: w1 ${subject.wasserstein} vs ${expected.wasserstein}`);
    assert.ok(close(subject.baselineStd, expected.baseline_std), `${at}: std ${subject.baselineStd} vs ${expected.baseline_std}`);
  }

  const quantiles = decodeBaselineQuantiles(await rowsOf(warehouse, baselineQuantilesSql(input, testCase.bins)), testCase.bins);
  const edges = edgesFromQuantiles(quantiles);
  const own = edges.get('x') ?? [];
  assert.equal(own.length, expected.bin_edges.length, `${testCase.name}: edges ${own.join(', ')}`);
  expected.bin_edges.forEach((edge, index) => assert.ok(close(own[index] ?? null, edge, 1e-12), `${testCase.name}: edge ${index}`));

  const counts = decodeBinCounts(await rowsOf(warehouse, binCountsSql(input, edges)), edges);
  assert.deepEqual(counts.get('x')?.baseline, expected.baseline_bin_counts, `${testCase.name}: baseline bins`);
  assert.deepEqual(counts.get('x')?.current, expected.current_bin_counts, `${testCase.name}: current bins`);
  assert.deepEqual(counts.get('prediction')?.current, expected.current_bin_counts, `${testCase.name}: prediction bins`);

  const [quality] = decodeQuality(await rowsOf(warehouse, qualitySql(input)));
  assert.equal(quality?.rows, expected.m);
  assert.equal(quality?.validRows, expected.m);
  for (const stat of ['mean', 'std', 'p5', 'p50', 'p95'] as const) {
    assert.ok(close(quality?.[stat] ?? null, expected[stat]), `${testCase.name}: ${stat} ${quality?.[stat]} vs ${expected[stat]}`);
  }

  // The quantiles the distance query reads off its sorts: numpy's, as quantile_cont's.
  const sorted = decodeNumericDistance(await rowsOf(warehouse, numericDistanceSql(input, testCase.bins)), testCase.bins);
  const sortedEdges = edgesFromQuantiles(baselineQuantilesOf(sorted)).get('x') ?? [];
  assert.equal(sortedEdges.length, expected.bin_edges.length, `${testCase.name}: edges from sorts ${sortedEdges.join(', ')}`);
  expected.bin_edges.forEach((edge, index) => assert.ok(close(sortedEdges[index] ?? null, edge, 1e-12), `${testCase.name}: edge ${index} from sorts`));
  const [merged] = withWindowQuantiles(decodeQuality(await rowsOf(warehouse, qualitySql(input, { quantilesElsewhere: new Set(['x']) }))), sorted);
  for (const stat of ['p5', 'p50', 'p95'] as const) {
    assert.ok(close(merged?.[stat] ?? null, expected[stat], 1e-12), `${testCase.name}: ${stat} from sorts ${merged?.[stat]} vs ${expected[stat]}`);
  }

  // However the values are bucketed (one bucket sorts them all), and whether the subjects share
  // one set of CTEs or have one each, the same answers.
  const variants = [1, 2, 3, 5, 64, 4096].flatMap((buckets) => (['shared', 'per-subject'] as const).map((layout) => ({ buckets, layout })));
  for (const { buckets, layout } of [...variants, { buckets: undefined, layout: 'per-subject' as const }]) {
    const bucketed = decodeNumericDistance(await rowsOf(warehouse, numericDistanceSql(input, testCase.bins, { ...(buckets === undefined ? {} : { buckets }), layout })), testCase.bins);
    for (const [index, subject] of bucketed.entries()) {
      const plain = sorted[index];
      const at = `${testCase.name}/${subject.subject} in ${buckets ?? 'default'} buckets, ${layout}`;
      assert.equal(subject.n, plain?.n, at);
      assert.equal(subject.m, plain?.m, at);
      assert.ok(close(subject.ksStatistic, expected.ks_statistic, 1e-12), `${at}: ks ${subject.ksStatistic} vs ${expected.ks_statistic}`);
      assert.ok(close(subject.wasserstein, expected.wasserstein), `${at}: w1 ${subject.wasserstein} vs ${expected.wasserstein}`);
      subject.currentQuantiles.forEach((q, i) => assert.ok(q === (plain?.currentQuantiles[i] ?? null), `${at}: window quantile ${i} ${q} vs ${plain?.currentQuantiles[i]}`));
      subject.baselineQuantiles.forEach((q, i) => assert.ok(q === (plain?.baselineQuantiles[i] ?? null), `${at}: baseline quantile ${i} ${q} vs ${plain?.baselineQuantiles[i]}`));
      subject.baselineBand.forEach((q, i) => assert.ok(q === (plain?.baselineBand[i] ?? null), `${at}: baseline band ${i} ${q} vs ${plain?.baselineBand[i]}`));
    }
  }
}

function expectedSums(labels: readonly (number | null)[], predictions: readonly number[]) {
  const pairs = predictions.flatMap((prediction, i) => {
    const label = labels[i];
    return label === null || label === undefined ? [] : [{ prediction, label, error: prediction - label }];
  });
  const sum = (values: number[]): number | null => (values.length === 0 ? null : values.reduce((a, b) => a + b, 0));
  const nonzero = pairs.filter((p) => p.label !== 0);
  return {
    windowRows: predictions.length,
    labelledRows: pairs.length,
    sumError: sum(pairs.map((p) => p.error)),
    sumAbsError: sum(pairs.map((p) => Math.abs(p.error))),
    sumSquaredError: sum(pairs.map((p) => p.error * p.error)),
    sumLabel: sum(pairs.map((p) => p.label)),
    sumLabelSquared: sum(pairs.map((p) => p.label * p.label)),
    mapeRows: nonzero.length,
    sumAbsPercentError: sum(nonzero.map((p) => Math.abs(p.error) / Math.abs(p.label))),
  };
}

async function checkPerformanceCase(warehouse: DuckDbWarehouse, testCase: PerformanceCase): Promise<void> {
  const contract = contractOf({ model: 'perf', features: [{ name: 'x', type: 'float' }] });
  const tables = tablesOf('perf');
  await createSources(warehouse, contract);
  const { labels, predictions } = testCase;
  await load(warehouse, tables.productionLog, predictions.map((p, i) => productionRow(i, { x: '0' }, p)));
  const labelRows: Row[] = labels.flatMap((label, i) =>
    label === null ? [] : [{ record_id: `r${i}`, label, label_time: eventTime(i + 60 * 24 * 8) }],
  );
  await load(warehouse, tables.labels, labelRows);
  await load(warehouse, tables.baseline, predictions.map((p, i) => baselineRow(i, { x: '0' }, p, labels[i] ?? null)));

  const rows = decodePerformance(await rowsOf(warehouse, performanceSql(inputOf(contract), { asOf })));
  const want = expectedSums(labels, predictions);
  for (const scope of rows) {
    const at = `${testCase.name}/${scope.scope}`;
    assert.equal(scope.sums.windowRows, want.windowRows, at);
    assert.equal(scope.sums.labelledRows, want.labelledRows, at);
    assert.equal(scope.sums.mapeRows, want.mapeRows, at);
    for (const key of ['sumError', 'sumAbsError', 'sumSquaredError', 'sumLabel', 'sumLabelSquared', 'sumAbsPercentError'] as const) {
      const expected = want[key];
      if (expected === null) assert.equal(scope.sums[key], null, `${at}: ${key}`);
      else assert.ok(close(scope.sums[key], expected, 1e-12), `${at}: ${key} ${scope.sums[key]} vs ${expected}`);
    }
    const metrics = regressionPerformance(scope.sums);
    const pairs = [
      ['rmse', metrics.rmse, testCase.expected.rmse],
      ['mae', metrics.mae, testCase.expected.mae],
      ['mape', metrics.mape, testCase.expected.mape],
      ['mean_error', metrics.meanError, testCase.expected.mean_error],
      ['label_coverage', metrics.labelCoverage, testCase.expected.label_coverage],
    ] as const;
    for (const [name, actual, expected] of pairs) {
      if (expected === null) assert.equal(actual, null, `${at}: ${name}`);
      else assert.ok(close(actual, expected, 1e-9), `${at}: ${name} ${actual} vs ${expected}`);
    }
    // R² from sums loses digits on large offsets; the stats module's tests own its tolerance.
    if (testCase.expected.r2 === null) assert.equal(metrics.r2, null, `${at}: r2`);
    else assert.ok(close(metrics.r2, testCase.expected.r2, 1e-6), `${at}: r2 ${metrics.r2} vs ${testCase.expected.r2}`);
  }
}
