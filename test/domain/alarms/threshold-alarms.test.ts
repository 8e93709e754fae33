// The alarms a monitoring config implies, and the plan that makes CloudWatch match them.
import assert from 'node:assert/strict';
import { parseContract } from '../../../src/domain/contract/contract.js';
import { dailyAlarmTiming, desiredAlarms, planAlarms, type ExistingAlarm } from '../../../src/domain/alarms/alarm-plan.js';
import { thresholdAlarms, type ThresholdAlarmSpec } from '../../../src/domain/alarms/threshold-alarms.js';
import { monitoringPolicy } from '../../support/monitoring-policy.js';

const policy = monitoringPolicy;

const contract = parseContract({
  model: 'demand',
  feature_schema_version: 1,
  features: [
    { name: 'price', type: 'float' },
    { name: 'items', type: 'int' },
    { name: 'store', type: 'category' },
    { name: 'promo', type: 'bool' },
  ],
});

const key = (alarm: ThresholdAlarmSpec): string => `${alarm.subject} ${alarm.metric}${alarm.bound === undefined ? '' : ` ${alarm.bound}`} ${alarm.comparison} ${alarm.threshold}`;
const nameOf = (alarm: ThresholdAlarmSpec): string => `vigil-${alarm.model}-${alarm.subject}-${alarm.metric}${alarm.bound === undefined ? '' : `-${alarm.bound}`}`;

describe('thresholdAlarms', () => {
  it('with the defaults: drift per feature and the prediction, three quality shares per feature', () => {
    const alarms = thresholdAlarms('demand', contract, policy());
    assert.deepEqual(
      alarms.filter((alarm) => alarm.kind === 'drift').map(key),
      [
        'feature:price wasserstein_normed GreaterThanOrEqualToThreshold 0.1',
        'feature:items wasserstein_normed GreaterThanOrEqualToThreshold 0.1',
        'prediction:prediction wasserstein_normed GreaterThanOrEqualToThreshold 0.1',
        'feature:store js_distance GreaterThanOrEqualToThreshold 0.1',
        'feature:promo js_distance GreaterThanOrEqualToThreshold 0.1',
      ],
    );
    const quality = alarms.filter((alarm) => alarm.kind === 'quality');
    assert.equal(quality.length, 4 * 3);
    assert.ok(quality.every((alarm) => alarm.comparison === 'GreaterThanOrEqualToThreshold'));
    assert.deepEqual(quality.filter((alarm) => alarm.subject === 'quality:store').map(key), [
      'quality:store missing_share GreaterThanOrEqualToThreshold 0.05',
      'quality:store type_error_share GreaterThanOrEqualToThreshold 0.01',
      'quality:store out_of_range_share GreaterThanOrEqualToThreshold 0.05',
    ]);
    assert.equal(alarms.filter((alarm) => alarm.kind === 'performance' || alarm.kind === 'bias').length, 0, 'no range configured, no alarm');
  });

  it('follows overrides, p-value methods, comparison operators, ranges (two alarms) and facets', () => {
    const alarms = thresholdAlarms(
      'demand',
      contract,
      policy({
        drift: { numeric: { method: 'ks_p_value' }, fdrAlpha: 0.01, features: { items: { method: 'psi', threshold: 0.25 } }, prediction: { threshold: 0.3 } },
        quality: { missingShare: { op: '>', threshold: 0.2 }, typeErrorShare: { op: '<', threshold: 0 } },
        performance: { rmse: { max: 12 }, r2: { min: 0.6 }, mae: { min: 1, max: 9 } },
        bias: { mean_prediction_gap_change: { min: -5, max: 5 } },
        facets: [
          { name: 'weekend', kind: 'weekend' },
          { name: 'by_store', kind: 'feature', feature: 'store' },
        ],
      }),
    );
    const keys = alarms.map(key);
    for (const expected of [
      'feature:price ks_p_value_bh LessThanThreshold 0.01',
      'feature:items psi GreaterThanOrEqualToThreshold 0.25',
      'prediction:prediction wasserstein_normed GreaterThanOrEqualToThreshold 0.3',
      'quality:price missing_share GreaterThanThreshold 0.2',
      'quality:price type_error_share LessThanThreshold 0',
      'performance:window rmse max GreaterThanThreshold 12',
      'performance:window r2 min LessThanThreshold 0.6',
      'performance:window mae min LessThanThreshold 1',
      'performance:window mae max GreaterThanThreshold 9',
      'facet:weekend mean_prediction_gap_change min LessThanThreshold -5',
      'facet:weekend mean_prediction_gap_change max GreaterThanThreshold 5',
      'facet:by_store mean_prediction_gap_change min LessThanThreshold -5',
      'facet:by_store mean_prediction_gap_change max GreaterThanThreshold 5',
    ]) {
      assert.ok(keys.includes(expected), `missing ${expected}\n${keys.join('\n')}`);
    }
    assert.equal(new Set(alarms.map(nameOf)).size, alarms.length, 'every alarm has its own name');
  });
});

describe('planAlarms', () => {
  const settings = { ...dailyAlarmTiming(7), actions: ['arn:aws:sns:us-east-1:123456789012:vigil-alerts'] };
  const specs = thresholdAlarms('demand', contract, policy({ performance: { rmse: { max: 12 } } }));
  const desired = desiredAlarms(specs, settings, nameOf);
  const asExisting = (alarm: (typeof desired)[number]): ExistingAlarm => ({
    name: alarm.name,
    comparison: alarm.spec.comparison,
    threshold: alarm.spec.threshold,
    statistic: alarm.statistic,
    description: alarm.spec.description,
    periodSeconds: alarm.periodSeconds,
    evaluationPeriods: alarm.evaluationPeriods,
    datapointsToAlarm: alarm.datapointsToAlarm,
    actions: alarm.actions,
  });

  it('creates everything on an empty account, then keeps everything', () => {
    assert.ok(planAlarms(desired, []).every((entry) => entry.action === 'create'));
    assert.ok(planAlarms(desired, desired.map(asExisting)).every((entry) => entry.action === 'keep'));
  });

  it('reads a period of a day, one breaching day among the windows still re-evaluated, at most 7', () => {
    assert.deepEqual(dailyAlarmTiming(0), { periodSeconds: 86_400, evaluationPeriods: 1, datapointsToAlarm: 1 });
    assert.equal(dailyAlarmTiming(3).evaluationPeriods, 4);
    assert.equal(dailyAlarmTiming(30).evaluationPeriods, 7, 'CloudWatch evaluates at most 7 days');
    const rmse = desired.find((alarm) => alarm.spec.metric === 'rmse');
    assert.equal(rmse?.statistic, 'Maximum', 'the worst (largest) value of the day for a maximum');
  });

  it('updates what changed, naming each change, and deletes what the config no longer implies', () => {
    const existing = desired.map(asExisting);
    const rmse = existing.find((alarm) => alarm.name.endsWith('rmse-max'));
    assert.ok(rmse !== undefined);
    rmse.threshold = 10;
    rmse.actions = [];
    existing.push({ ...rmse, name: 'vigil-demand-feature:dropped-psi', description: 'demand feature:dropped psi >= 0.2' });
    const plan = planAlarms(desired, existing);
    const update = plan.find((entry) => entry.action === 'update');
    assert.equal(update?.name, rmse.name);
    assert.deepEqual(update?.changes, ['threshold: 10 -> 12', 'actions: (none) -> arn:aws:sns:us-east-1:123456789012:vigil-alerts']);
    assert.deepEqual(plan.filter((entry) => entry.action === 'delete').map((entry) => entry.name), ['vigil-demand-feature:dropped-psi']);
    assert.equal(plan.filter((entry) => entry.action === 'keep').length, desired.length - 1);
  });

  it('refuses two thresholds that would share one alarm name', () => {
    assert.throws(() => planAlarms(desiredAlarms(specs, settings, () => 'vigil-demand-same'), []), /two thresholds map to one alarm name: vigil-demand-same/);
  });
});
