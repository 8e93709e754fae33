// One window's verdict from hand-built aggregates and a policy parsed through the config schema:
// drift per method and threshold, p-values after Benjamini-Hochberg, data quality, performance
// ranges and facet gaps.
import assert from 'node:assert/strict';
import { parseContract, type FeatureContract } from '../../../src/domain/contract/contract.js';
import type { WindowAggregates } from '../../../src/domain/monitoring/window-aggregates.js';
import { evaluateWindow } from '../../../src/domain/monitoring/evaluate-window.js';
import type { Breach, MetricRecord, WindowAnalysis } from '../../../src/domain/monitoring/types.js';
import type { FacetGroup } from '../../../src/domain/sql/facets.js';
import type { NumericDistance } from '../../../src/domain/sql/distance.js';
import type { PerformanceSums } from '../../../src/domain/sql/performance.js';
import type { FeatureQuality } from '../../../src/domain/sql/quality.js';
import { ksAsymptoticPValue } from '../../../src/domain/stats/index.js';
import { assertClose } from '../../support/assert-close.js';
import { assertAlarmsAgree } from '../../support/alarm-agreement.js';
import { monitoringPolicy } from '../../support/monitoring-policy.js';

const tight = { absolute: 1e-12 };

const policy = monitoringPolicy;

function contractOf(features: { name: string; type: 'int' | 'float' | 'category' | 'bool' }[]): FeatureContract {
  return parseContract({ model: 'demand', feature_schema_version: 1, features });
}

const contract = contractOf([
  { name: 'price', type: 'float' },
  { name: 'temperature', type: 'float' },
  { name: 'store', type: 'category' },
]);

function aggregates(parts: Partial<WindowAggregates>): WindowAggregates {
  return {
    summary: {
      totalRows: 1000,
      invalidRows: 10,
      sampledRows: 1000,
      sampledValidRows: 990,
      predictionRows: 990,
      scoredPredictionRows: 0,
      missingPredictionRows: 0,
      coveredDays: 1,
    },
    quality: [],
    distances: [],
    bins: new Map(),
    categories: new Map(),
    performance: [],
    facets: [],
    queryIds: ['q-1'],
    ...parts,
  };
}

function distance(subject: string, values: Partial<NumericDistance>): NumericDistance {
  return {
    subject,
    n: 500,
    m: 500,
    ksStatistic: 0.01,
    wasserstein: 0,
    baselineMean: 10,
    baselineStd: 2,
    currentMean: 10,
    currentStd: 2,
    currentQuantiles: [null, null, null],
    baselineQuantiles: [],
    baselineBand: [null, null, null],
    ...values,
  };
}

function metric(analysis: WindowAnalysis, group: MetricRecord['group'], subject: string, name: string): MetricRecord {
  const found = analysis.metrics.find((record) => record.group === group && record.subject === subject && record.metric === name);
  assert.ok(found !== undefined, `no metric ${group}/${subject}/${name}`);
  return found;
}

function breachesOf(analysis: WindowAnalysis, kind: Breach['kind']): Breach[] {
  return analysis.breaches.filter((breach) => breach.kind === kind);
}

describe('evaluateWindow', () => {
  describe('drift', () => {
    // price moved a quarter of a baseline std, temperature a twentieth; the prediction moved 0.3
    // std, which the numeric threshold would flag but the prediction's own rule does not.
    const driftAggregates = aggregates({
      distances: [
        distance('price', { wasserstein: 0.5, baselineStd: 2 }),
        distance('temperature', { wasserstein: 0.1, baselineStd: 2 }),
        distance('prediction', { wasserstein: 3, baselineStd: 10, currentMean: 104 }),
      ],
      categories: new Map([['store', { categories: ['mall', 'outlet', 'street'], baselineCounts: [50, 30, 20], currentCounts: [20, 30, 50] }]]),
    });

    it('decides numeric features by wasserstein_normed, categorical ones by js_distance, the prediction by its own rule', () => {
      const analysis = evaluateWindow(contract, policy({ drift: { prediction: { threshold: 0.5 } } }), driftAggregates);

      assert.deepEqual(analysis.driftedFeatures, ['price', 'store']);
      assert.equal(analysis.predictionDrifted, false);
      assert.deepEqual(metric(analysis, 'feature', 'price', 'wasserstein_normed'), {
        group: 'feature',
        subject: 'price',
        metric: 'wasserstein_normed',
        value: 0.25,
        threshold: 0.1,
        breached: true,
      });
      assert.equal(metric(analysis, 'feature', 'temperature', 'wasserstein_normed').breached, false);
      const prediction = metric(analysis, 'prediction', 'prediction', 'wasserstein_normed');
      assert.equal(prediction.value, 0.3);
      assert.equal(prediction.threshold, 0.5);
      assert.equal(prediction.breached, false);

      const drift = breachesOf(analysis, 'drift');
      assert.deepEqual(
        drift.map((breach) => `${breach.subject}.${breach.metric}`),
        ['price.wasserstein_normed', 'store.js_distance'],
      );
      const store = drift[1];
      assert.ok(store !== undefined);
      // JS distance in bits between (.5, .3, .2) and (.2, .3, .5), worked out by hand.
      assertClose(store.value, 0.309540953677148, { absolute: 1e-12 }, 'store js_distance');
      assert.equal(store.threshold, 0.1);
      assertClose(store.excess, 0.209540953677148, { absolute: 1e-12 }, 'store excess');
      assertClose(drift[0]?.excess ?? null, 0.15, tight, 'price excess');
      assert.equal(analysis.headline.meanPrediction, 104);
      assert.equal(assertAlarmsAgree(analysis, contract, policy({ drift: { prediction: { threshold: 0.5 } } })), 4, 'the CloudWatch alarms fire where the evaluation breaches');
    });

    it('flags prediction drift separately from the features', () => {
      const analysis = evaluateWindow(
        contract,
        policy({ drift: { prediction: { threshold: 0.5 } } }),
        aggregates({ distances: [distance('price', {}), distance('prediction', { wasserstein: 6, baselineStd: 10 })] }),
      );
      assert.equal(analysis.predictionDrifted, true);
      assert.deepEqual(analysis.driftedFeatures, []);
      const [breach, ...others] = breachesOf(analysis, 'drift');
      assert.deepEqual(others, []);
      assert.deepEqual({ ...breach, excess: null }, { kind: 'drift', group: 'prediction', subject: 'prediction', metric: 'wasserstein_normed', value: 0.6, threshold: 0.5, excess: null });
      assertClose(breach?.excess ?? null, 0.1, tight, 'prediction excess');
    });

    it('applies a per-feature override instead of the default rule', () => {
      const analysis = evaluateWindow(
        contract,
        policy({
          drift: {
            prediction: { threshold: 0.5 },
            features: { temperature: { method: 'wasserstein', threshold: 0.08 }, store: { method: 'linf', threshold: 0.5 } },
          },
        }),
        driftAggregates,
      );
      // temperature: raw distance 0.1 >= 0.08 now drifts; store: the largest share change is 0.3 < 0.5.
      assert.deepEqual(analysis.driftedFeatures, ['price', 'temperature']);
      const temperature = metric(analysis, 'feature', 'temperature', 'wasserstein');
      assert.equal(temperature.threshold, 0.08);
      assert.equal(temperature.breached, true);
      const store = metric(analysis, 'feature', 'store', 'linf');
      assertClose(store.value, 0.3, tight, 'store linf');
      assert.equal(store.threshold, 0.5);
      assert.equal(store.breached, false);
      // The default method is still reported, without a threshold of its own.
      assert.equal(metric(analysis, 'feature', 'temperature', 'wasserstein_normed').threshold, null);
    });
  });

  describe('p-value methods', () => {
    const n = 500;

    /** The KS statistic whose asymptotic p-value for n = m = 500 is `target` (bisection). */
    function statisticFor(target: number): number {
      let low = 0;
      let high = 1;
      for (let step = 0; step < 100; step += 1) {
        const middle = (low + high) / 2;
        if ((ksAsymptoticPValue(middle, n, n) ?? 1) > target) low = middle;
        else high = middle;
      }
      return (low + high) / 2;
    }

    const four = contractOf(['a', 'b', 'c', 'd'].map((name) => ({ name, type: 'float' as const })));
    const targets = { a: 0.001, b: 0.03, c: 0.04, d: 0.9 };

    it('decides ks_p_value after a Benjamini-Hochberg correction across the features', () => {
      const distances = Object.entries(targets).map(([name, p]) => distance(name, { n, m: n, ksStatistic: statisticFor(p) }));
      // The prediction keeps its distance rule: it is not part of the tested family.
      distances.push(distance('prediction', { n, m: n, ksStatistic: 0.5 }));
      const analysis = evaluateWindow(four, policy({ drift: { numeric: { method: 'ks_p_value' }, fdrAlpha: 0.05 } }), aggregates({ distances }));

      const raw = (name: string): number => metric(analysis, 'feature', name, 'ks_p_value').value ?? Number.NaN;
      const [pa, pb, pc, pd] = ['a', 'b', 'c', 'd'].map(raw) as [number, number, number, number];
      assertClose(pb, 0.03, { relative: 1e-9 }, 'raw p of b');
      assertClose(pc, 0.04, { relative: 1e-9 }, 'raw p of c');
      // BH over the four features: b and c share min(pb·4/2, pc·4/3), above alpha though both raw p are below it.
      const shared = Math.min((pb * 4) / 2, (pc * 4) / 3);
      const expected: Record<string, number> = { a: Math.min(pa * 4, shared), b: shared, c: shared, d: pd };
      for (const name of ['a', 'b', 'c', 'd']) {
        const adjusted = metric(analysis, 'feature', name, 'ks_p_value_bh');
        assertClose(adjusted.value, expected[name] ?? null, { relative: 1e-12 }, `adjusted p of ${name}`);
        assert.equal(adjusted.threshold, 0.05);
      }
      assert.ok(pb < 0.05 && pc < 0.05 && shared >= 0.05, 'the correction is what keeps b and c from drifting');

      assert.deepEqual(analysis.driftedFeatures, ['a']);
      const breach = breachesOf(analysis, 'drift').find((entry) => entry.subject === 'a');
      assert.equal(breach?.metric, 'ks_p_value_bh');
      assert.equal(breach?.threshold, 0.05);
      assertClose(breach?.excess ?? null, 0.05 - (expected.a ?? 0), tight, 'excess below alpha');
      assert.equal(metric(analysis, 'feature', 'b', 'ks_p_value').threshold, null);
      assert.equal(assertAlarmsAgree(analysis, four, policy({ drift: { numeric: { method: 'ks_p_value' }, fdrAlpha: 0.05 } })), 5, 'alarms on the adjusted p-values');
    });

    it('follows fdrAlpha', () => {
      const distances = Object.entries(targets).map(([name, p]) => distance(name, { n, m: n, ksStatistic: statisticFor(p) }));
      const analysis = evaluateWindow(four, policy({ drift: { numeric: { method: 'ks_p_value' }, fdrAlpha: 0.1 } }), aggregates({ distances }));
      assert.deepEqual(analysis.driftedFeatures, ['a', 'b', 'c']);
    });
  });

  describe('data quality', () => {
    function quality(feature: string, counts: Partial<FeatureQuality>): FeatureQuality {
      return {
        feature,
        type: 'float',
        rows: 200,
        validRows: 190,
        missing: 0,
        typeErrors: 0,
        outOfRange: 0,
        mean: 10,
        std: 1,
        p5: 8,
        p50: 10,
        p95: 12,
        ...counts,
      };
    }

    it('breaches on type errors and out-of-range shares and marks a data quality incident', () => {
      const analysis = evaluateWindow(
        contract,
        policy(),
        aggregates({
          quality: [
            // 4 type errors in 200 rows = 0.02 >= 0.01; 2 missing = 0.01 < 0.05.
            quality('price', { missing: 2, typeErrors: 4 }),
            // 19 of 190 valid rows out of range: the share is over valid rows, 0.1 >= 0.05.
            quality('temperature', { outOfRange: 19 }),
            quality('store', { type: 'category', mean: null, std: null, p5: null, p50: null, p95: null }),
          ],
        }),
      );
      assert.equal(analysis.dataQualityIncident, true);
      const breaches = breachesOf(analysis, 'quality');
      assert.equal(breaches.length, 2);
      assert.deepEqual(breaches[0], { kind: 'quality', group: 'quality', subject: 'price', metric: 'type_error_share', value: 0.02, threshold: 0.01, excess: 0.02 - 0.01 });
      assert.equal(breaches[1]?.metric, 'out_of_range_share');
      assert.equal(breaches[1]?.value, 0.1);
      assert.equal(metric(analysis, 'quality', 'price', 'missing_share').breached, false);
      assert.equal(metric(analysis, 'quality', 'price', 'p95').value, 12);
      assert.throws(() => metric(analysis, 'quality', 'store', 'mean'), /no metric/);
      assert.equal(assertAlarmsAgree(analysis, contract, policy()), 9);
    });

    it('follows configured quality rules and stays quiet on clean data', () => {
      const clean = evaluateWindow(contract, policy(), aggregates({ quality: [quality('price', { missing: 8 })] }));
      assert.equal(clean.dataQualityIncident, false);
      assert.deepEqual(clean.breaches, []);

      const strict = evaluateWindow(contract, policy({ quality: { missingShare: { op: '>', threshold: 0.02 } } }), aggregates({ quality: [quality('price', { missing: 8 })] }));
      assert.equal(strict.dataQualityIncident, true);
      assert.equal(breachesOf(strict, 'quality')[0]?.metric, 'missing_share');
      assert.equal(assertAlarmsAgree(strict, contract, policy({ quality: { missingShare: { op: '>', threshold: 0.02 } } })), 3);
    });
  });

  describe('performance', () => {
    const window: PerformanceSums = {
      scope: 'window',
      validRows: 100,
      // 40 labelled of 100 scored rows; mean error 2, MAE 4, RMSE 6.
      sums: {
        windowRows: 100,
        labelledRows: 40,
        sumError: 80,
        sumAbsError: 160,
        sumSquaredError: 1440,
        sumLabel: 4000,
        sumLabelSquared: 420_000,
        mapeRows: 40,
        sumAbsPercentError: 1.6,
      },
      sumPrediction: 4080,
    };

    it('breaches each allowed range it leaves, with the violated bound as threshold', () => {
      const analysis = evaluateWindow(
        contract,
        policy({ performance: { rmse: { max: 5 }, label_coverage: { min: 0.5 }, mae: { min: 0, max: 10 } } }),
        aggregates({ performance: [window] }),
      );
      const breaches = breachesOf(analysis, 'performance');
      assert.deepEqual(
        breaches.map(({ metric: name, value, threshold }) => ({ name, value, threshold })),
        [
          { name: 'rmse', value: 6, threshold: 5 },
          { name: 'label_coverage', value: 0.4, threshold: 0.5 },
        ],
      );
      assertClose(breaches[0]?.excess ?? null, 1, tight, 'rmse excess');
      assertClose(breaches[1]?.excess ?? null, 0.1, tight, 'coverage excess');
      assert.ok(breaches.every((breach) => breach.group === 'performance' && breach.subject === 'window'));
      assert.deepEqual(metric(analysis, 'performance', 'window', 'mae'), {
        group: 'performance',
        subject: 'window',
        metric: 'mae',
        value: 4,
        threshold: 10,
        breached: false,
      });
      assert.equal(metric(analysis, 'performance', 'window', 'r2').threshold, null);
      assert.deepEqual(analysis.headline, { rmse: 6, mae: 4, meanPrediction: null });
      assert.equal(analysis.labelledRows, 40);
      assert.equal(analysis.labelCoverage, 0.4);
      assert.equal(assertAlarmsAgree(analysis, contract, policy({ performance: { rmse: { max: 5 }, label_coverage: { min: 0.5 }, mae: { min: 0, max: 10 } } })), 3);
    });
  });

  describe('facet gaps', () => {
    function group(scope: FacetGroup['scope'], facet: string, name: string, rows: number, means: { prediction: number; error: number; rmse: number }): FacetGroup {
      return {
        scope,
        facet,
        group: name,
        rows,
        predictionRows: rows,
        sumPredictionAll: means.prediction * rows,
        sums: { rows, sumPrediction: means.prediction * rows, sumError: means.error * rows, sumSquaredError: means.rmse * means.rmse * rows },
        sumAbsError: null,
        sumLabel: null,
      };
    }

    const bias = { mean_prediction_gap_change: { min: -5, max: 5 }, mean_error_gap_change: { min: -10, max: 10 } };

    it('measures the weekend - weekday gap, its baseline and its change, and breaches the allowed change', () => {
      // Weekday groups come first on purpose: the sign must not depend on row order.
      const facets = [
        group('window', 'weekend', 'weekday', 30, { prediction: 100, error: 2, rmse: 4 }),
        group('window', 'weekend', 'weekend', 10, { prediction: 120, error: 8, rmse: 10 }),
        group('baseline', 'weekend', 'weekday', 30, { prediction: 100, error: 1, rmse: 4 }),
        group('baseline', 'weekend', 'weekend', 10, { prediction: 110, error: 1, rmse: 5 }),
      ];
      const analysis = evaluateWindow(contract, policy({ bias }), aggregates({ facets }));

      const value = (name: string): number | null => metric(analysis, 'facet', 'weekend', name).value;
      assert.equal(value('mean_prediction_gap'), 20);
      assert.equal(value('baseline_mean_prediction_gap'), 10);
      assert.equal(value('mean_prediction_gap_change'), 10);
      assert.equal(value('mean_error_gap'), 6);
      assert.equal(value('mean_error_gap_change'), 6);
      assert.equal(value('rmse_gap_change'), 5);
      assert.equal(metric(analysis, 'facet', 'weekend', 'rmse_gap_change').threshold, null);
      assert.equal(metric(analysis, 'facet', 'weekend=weekend', 'mean_prediction').value, 120);
      assert.equal(metric(analysis, 'facet', 'weekend=weekday', 'labelled_rows').value, 30);

      assert.deepEqual(breachesOf(analysis, 'bias'), [
        { kind: 'bias', group: 'facet', subject: 'weekend', metric: 'mean_prediction_gap_change', value: 10, threshold: 5, excess: 5 },
      ]);
      assert.ok(assertAlarmsAgree(analysis, contract, policy({ bias })) >= 1);
    });

    it('reports the lower bound when the gap shrinks past it', () => {
      const facets = [
        group('window', 'weekend', 'weekend', 10, { prediction: 92, error: 0, rmse: 1 }),
        group('window', 'weekend', 'weekday', 30, { prediction: 100, error: 0, rmse: 1 }),
        group('baseline', 'weekend', 'weekend', 10, { prediction: 100, error: 0, rmse: 1 }),
        group('baseline', 'weekend', 'weekday', 30, { prediction: 100, error: 0, rmse: 1 }),
      ];
      const analysis = evaluateWindow(contract, policy({ bias }), aggregates({ facets }));
      assert.deepEqual(breachesOf(analysis, 'bias'), [
        { kind: 'bias', group: 'facet', subject: 'weekend', metric: 'mean_prediction_gap_change', value: -8, threshold: -5, excess: 3 },
      ]);
    });

    it('uses the range max - min over the groups of a feature facet', () => {
      const facets = [
        group('window', 'store', 'mall', 10, { prediction: 100, error: 0, rmse: 1 }),
        group('window', 'store', 'outlet', 10, { prediction: 90, error: 0, rmse: 1 }),
        group('window', 'store', 'street', 10, { prediction: 130, error: 0, rmse: 1 }),
        group('baseline', 'store', 'mall', 10, { prediction: 100, error: 0, rmse: 1 }),
        group('baseline', 'store', 'outlet', 10, { prediction: 95, error: 0, rmse: 1 }),
        group('baseline', 'store', 'street', 10, { prediction: 105, error: 0, rmse: 1 }),
      ];
      const analysis = evaluateWindow(
        contract,
        // Groups of ten labelled rows count here (the default minimum is 30).
        policy({ facets: [{ name: 'by_store', kind: 'feature', feature: 'store', minGroupRows: 10 }], bias }),
        aggregates({ facets }),
      );
      assert.equal(metric(analysis, 'facet', 'by_store', 'mean_prediction_gap').value, 40);
      assert.equal(metric(analysis, 'facet', 'by_store', 'baseline_mean_prediction_gap').value, 10);
      assert.equal(metric(analysis, 'facet', 'by_store=street', 'mean_prediction').value, 130);
      assert.equal(breachesOf(analysis, 'bias')[0]?.value, 30);
    });

    const byStore = { name: 'by_store', kind: 'feature', feature: 'store' } as const;

    it('leaves groups below the minimum size out of a feature facet gap', () => {
      const facets = [
        group('window', 'store', 'mall', 40, { prediction: 100, error: 0, rmse: 1 }),
        group('window', 'store', 'outlet', 40, { prediction: 98, error: 0, rmse: 1 }),
        // Five labelled rows with an extreme mean: too few to count.
        group('window', 'store', 'kiosk', 5, { prediction: 300, error: 0, rmse: 1 }),
        group('baseline', 'store', 'mall', 400, { prediction: 100, error: 0, rmse: 1 }),
        group('baseline', 'store', 'outlet', 400, { prediction: 97, error: 0, rmse: 1 }),
        group('baseline', 'store', 'kiosk', 300, { prediction: 100, error: 0, rmse: 1 }),
      ];
      const analysis = evaluateWindow(contract, policy({ facets: [byStore], bias }), aggregates({ facets }));
      assert.equal(metric(analysis, 'facet', 'by_store', 'mean_prediction_gap').value, 2);
      assert.equal(metric(analysis, 'facet', 'by_store', 'baseline_mean_prediction_gap').value, 3);
      assert.equal(metric(analysis, 'facet', 'by_store', 'gap_groups').value, 2);
      assert.deepEqual(breachesOf(analysis, 'bias'), []);
    });

    it('reports groups the baseline never saw and keeps the gap over the groups both have', () => {
      const facets = [
        group('window', 'store', 'mall', 40, { prediction: 100, error: 0, rmse: 1 }),
        group('window', 'store', 'outlet', 40, { prediction: 80, error: 0, rmse: 1 }),
        group('window', 'store', 'new_store', 40, { prediction: 150, error: 0, rmse: 1 }),
        group('baseline', 'store', 'mall', 400, { prediction: 100, error: 0, rmse: 1 }),
        group('baseline', 'store', 'outlet', 400, { prediction: 99, error: 0, rmse: 1 }),
      ];
      // One group kept by name: the unseen store pools into `other`, which the baseline lacks.
      const analysis = evaluateWindow(contract, policy({ facets: [{ ...byStore, topGroups: 2 }], bias }), aggregates({ facets }));
      assert.equal(metric(analysis, 'facet', 'by_store', 'unseen_groups').value, 1);
      assert.equal(metric(analysis, 'facet', 'by_store', 'baseline_mean_prediction_gap').value, 1);
      assert.equal(metric(analysis, 'facet', 'by_store', 'mean_prediction_gap').value, 20);
      // Not a NULL that switches the check off: the moved gap breaches.
      assert.equal(breachesOf(analysis, 'bias')[0]?.metric, 'mean_prediction_gap_change');
      assert.equal(breachesOf(analysis, 'bias')[0]?.value, 19);
    });

    it('keeps the K largest baseline groups by name and pools the rest, bounding the metric rows', () => {
      const names = Array.from({ length: 229 }, (_, index) => `s${String(index).padStart(3, '0')}`);
      const facets = names.flatMap((name, index) => [
        group('window', 'store', name, 40, { prediction: 100 + (index % 7), error: 0, rmse: 1 }),
        group('baseline', 'store', name, 1000 - index, { prediction: 100 + (index % 7), error: 0, rmse: 1 }),
      ]);
      const analysis = evaluateWindow(contract, policy({ facets: [byStore], bias }), aggregates({ facets }));
      const groupSubjects = new Set(analysis.metrics.filter((record) => record.subject.startsWith('by_store=')).map((record) => record.subject));
      assert.equal(groupSubjects.size, 11, 'ten kept groups and `other`');
      assert.ok(groupSubjects.has('by_store=s000') && groupSubjects.has('by_store=other') && !groupSubjects.has('by_store=s010'));
      assert.equal(metric(analysis, 'facet', 'by_store=other', 'rows').value, 219 * 40);
      assert.equal(metric(analysis, 'facet', 'by_store', 'unseen_groups').value, 0);
      assert.ok(analysis.metrics.filter((record) => record.subject.startsWith('by_store')).length <= 11 * 5 + 20);
      assert.deepEqual(breachesOf(analysis, 'bias'), [], 'the same groups, the same gap');
    });
  });

  describe('missing values', () => {
    it('never breach, however tight the rule', () => {
      const analysis = evaluateWindow(
        contract,
        policy({
          drift: { numeric: { threshold: 0.0001 } },
          performance: { rmse: { max: 0 }, label_coverage: { min: 1 } },
          bias: { mean_prediction_gap_change: { min: 0, max: 0 } },
        }),
        aggregates({
          // A baseline without spread gives no normalised distance.
          distances: [distance('price', { wasserstein: 0.5, baselineStd: null })],
          // An empty window: every share is null.
          quality: [
            { feature: 'price', type: 'float', rows: 0, validRows: 0, missing: 0, typeErrors: 0, outOfRange: 0, mean: null, std: null, p5: null, p50: null, p95: null },
          ],
          // No scored rows and no labels yet.
          performance: [
            {
              scope: 'window',
              validRows: 0,
              sums: { windowRows: 0, labelledRows: 0, sumError: null, sumAbsError: null, sumSquaredError: null, sumLabel: null, sumLabelSquared: null, mapeRows: 0, sumAbsPercentError: null },
              sumPrediction: null,
            },
          ],
          // Only the window has facet groups: no baseline gap to compare with.
          facets: [
            {
              scope: 'window',
              facet: 'weekend',
              group: 'weekend',
              rows: 5,
              predictionRows: 5,
              sumPredictionAll: 500,
              sums: { rows: 5, sumPrediction: 500, sumError: 5, sumSquaredError: 20 },
              sumAbsError: null,
              sumLabel: null,
            },
            {
              scope: 'window',
              facet: 'weekend',
              group: 'weekday',
              rows: 5,
              predictionRows: 5,
              sumPredictionAll: 400,
              sums: { rows: 5, sumPrediction: 400, sumError: 5, sumSquaredError: 20 },
              sumAbsError: null,
              sumLabel: null,
            },
          ],
        }),
      );
      assert.deepEqual(analysis.breaches, []);
      assert.equal(analysis.dataQualityIncident, false);
      assert.deepEqual(analysis.driftedFeatures, []);
      for (const [group, subject, name] of [
        ['feature', 'price', 'wasserstein_normed'],
        ['quality', 'price', 'missing_share'],
        ['performance', 'window', 'rmse'],
        ['performance', 'window', 'label_coverage'],
        ['facet', 'weekend', 'mean_prediction_gap_change'],
      ] as const) {
        const record = metric(analysis, group, subject, name);
        assert.equal(record.value, null, `${subject}.${name}`);
        assert.equal(record.breached, false, `${subject}.${name}`);
      }
      assert.equal(metric(analysis, 'facet', 'weekend', 'mean_prediction_gap').value, 20);
    });
  });

  describe('partial windows', () => {
    const drifting = {
      distances: [distance('price', { wasserstein: 1, baselineStd: 2 }), distance('prediction', { wasserstein: 10, baselineStd: 10 })],
      categories: new Map([['store', { categories: ['mall', 'street'], baselineCounts: [90, 10], currentCounts: [10, 90] }]]),
    };
    const weekly = { windowDays: 7, performance: { rmse: { max: 1 } } };
    const withDays = (coveredDays: number): WindowAggregates => {
      const base = aggregates(drifting);
      return { ...base, summary: { ...base.summary, coveredDays } };
    };

    it('a window with rows on 1 of its 7 days: coverage recorded, drift and bias not judged', () => {
      const analysis = evaluateWindow(contract, policy(weekly), withDays(1));
      assert.deepEqual(analysis.coverage, { coveredDays: 1, windowDays: 7, partial: true });
      assert.equal(metric(analysis, 'run', 'window', 'partial_window').value, 1);
      assertClose(metric(analysis, 'run', 'window', 'data_coverage').value, 1 / 7, tight, 'coverage');
      assert.deepEqual(analysis.driftedFeatures, []);
      assert.equal(analysis.predictionDrifted, false);
      assert.ok(!analysis.metrics.some((record) => record.group === 'feature' || record.group === 'prediction' || record.group === 'facet'));
      assert.deepEqual(breachesOf(analysis, 'drift'), []);
    });

    it('at or above minWindowCoverage the window is judged as usual', () => {
      const analysis = evaluateWindow(contract, policy(weekly), withDays(4));
      assert.deepEqual(analysis.coverage, { coveredDays: 4, windowDays: 7, partial: false });
      assert.equal(metric(analysis, 'run', 'window', 'partial_window').value, 0);
      assert.deepEqual(analysis.driftedFeatures, ['price', 'store']);
      assert.equal(analysis.predictionDrifted, true);
      const strict = evaluateWindow(contract, policy({ ...weekly, minWindowCoverage: 0.9 }), withDays(6));
      assert.equal(strict.coverage?.partial, true);
    });
  });
});

