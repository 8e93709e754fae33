// A model's CloudWatch dashboard body: the series it draws are those the monitoring run publishes
// and the alarms watch, read with the alarm's statistic, annotated at the alarm's thresholds, laid
// out within CloudWatch's limits, and the same text for the same config.
import assert from 'node:assert/strict';
import type { MonitoringConfig } from '../../../src/config/schema.js';
import { parseContract, type FeatureContract } from '../../../src/domain/contract/contract.js';
import {
  cloudwatchDashboard,
  cloudwatchDashboardBody,
  DASHBOARD_PERIOD_SECONDS,
  MAX_ALARMS_PER_WIDGET,
  MAX_METRICS_PER_GRAPH,
  MAX_WIDGETS,
  READABLE_LINES,
  type DashboardInput,
} from '../../../src/domain/alarms/cloudwatch-dashboard.js';
import { GRID_WIDTH, type DashboardBody, type HorizontalAnnotation, type MetricWidget } from '../../../src/domain/alarms/dashboard-widgets.js';
import { thresholdAlarms, worstStatistic, type ThresholdAlarmSpec } from '../../../src/domain/alarms/threshold-alarms.js';
import { completeAnalysis, publishedSeries } from '../../support/evaluated-window.js';
import { monitoringPolicy } from '../../support/monitoring-policy.js';

const policy = monitoringPolicy;

const contract = parseContract({
  model: 'demand',
  feature_schema_version: 1,
  features: [
    { name: 'price', type: 'float' },
    { name: 'temperature', type: 'float' },
    { name: 'items', type: 'int' },
    { name: 'store', type: 'category' },
    { name: 'promo', type: 'bool' },
  ],
});

const settings = {
  drift: { numeric: { method: 'ks_p_value' }, fdrAlpha: 0.05, features: { items: { method: 'psi', threshold: 0.25 } } },
  performance: { rmse: { max: 12 }, r2: { min: 0.5 }, mae: { min: 1, max: 9 } },
  bias: { mean_prediction_gap_change: { min: -5, max: 5 }, rmse_gap_change: { max: 3 } },
  facets: [
    { name: 'weekend', kind: 'weekend' },
    { name: 'by_store', kind: 'feature', feature: 'store' },
  ],
};
const monitoring = policy(settings);

const arnOf = (name: string): string => `arn:aws:cloudwatch:eu-west-1:123456789012:alarm:${name}`;

function inputFor(features: FeatureContract, settings: MonitoringConfig, arns?: string[]): DashboardInput {
  const specs = thresholdAlarms('demand', features, settings);
  return { model: 'demand', namespace: 'Vigil', region: 'eu-west-1', specs, alarmArns: arns ?? specs.map((spec, index) => arnOf(`a${index}`)) };
}

function metricWidgets(body: DashboardBody): MetricWidget[] {
  return body.widgets.filter((widget): widget is MetricWidget => widget.type === 'metric');
}

const seriesKey = (subject: string, metric: string): string => `${subject} ${metric}`;

/** The thresholds an annotation marks: a line's value, or both edges of a band. */
function annotationValues(annotations: readonly HorizontalAnnotation[] | undefined): number[] {
  return (annotations ?? []).flatMap((annotation) => (Array.isArray(annotation) ? annotation.map((edge) => edge.value) : [annotation.value])).sort((a, b) => a - b);
}

describe('cloudwatchDashboard', () => {
  const input = inputFor(contract, monitoring);
  const body = cloudwatchDashboard(input);
  const specsOf = (subject: string, metric: string): ThresholdAlarmSpec[] => input.specs.filter((spec) => spec.subject === subject && spec.metric === metric);

  it('draws exactly the series the alarms watch (plus label coverage), as the metrics sink publishes them', () => {
    const referenced = new Set<string>();
    for (const widget of metricWidgets(body)) {
      assert.equal(widget.properties.region, 'eu-west-1');
      assert.equal(widget.properties.period, DASHBOARD_PERIOD_SECONDS);
      for (const [namespace, metricName, modelKey, model, subjectKey, subject, metricKey, metric] of widget.properties.metrics) {
        assert.deepEqual([namespace, modelKey, model, subjectKey, metricKey], ['Vigil', 'Model', 'demand', 'Subject', 'Metric']);
        assert.equal(metricName, metric, 'the metric name repeats the Metric dimension, as the sink publishes it');
        referenced.add(seriesKey(subject, metric));
      }
    }
    const alarmed = new Set(input.specs.map((spec) => seriesKey(spec.subject, spec.metric)));
    assert.deepEqual([...referenced].sort(), [...alarmed, seriesKey('performance:window', 'label_coverage')].sort());

    // Every series a window evaluation of this contract publishes: each referenced one is among them.
    const published = publishedSeries(completeAnalysis(contract, monitoring).metrics);
    assert.deepEqual([...referenced].filter((series) => !published.has(series)), []);
    for (const expected of ['feature:price ks_p_value_bh', 'feature:items psi', 'feature:store js_distance', 'feature:promo js_distance', 'prediction:prediction wasserstein_normed', 'facet:by_store mean_prediction_gap_change', 'facet:weekend rmse_gap_change', 'quality:promo out_of_range_share']) {
      assert.ok(referenced.has(expected), expected);
    }
  });

  it('reads each series with the statistic of its alarm and marks its thresholds', () => {
    for (const widget of metricWidgets(body)) {
      const thresholds = new Set<number>();
      for (const line of widget.properties.metrics) {
        const specs = specsOf(line[5], line[7]);
        const stats = new Set(specs.map((spec) => worstStatistic(spec.comparison)));
        if (specs.length > 0) assert.ok(stats.has(line[8].stat), `${widget.properties.title}: ${line[5]} ${line[7]} read as ${line[8].stat}`);
        for (const spec of specs) thresholds.add(spec.threshold);
      }
      assert.deepEqual(annotationValues(widget.properties.annotations?.horizontal), [...thresholds].sort((a, b) => a - b), widget.properties.title);
    }
    const titled = (title: string): MetricWidget => {
      const found = metricWidgets(body).find((widget) => widget.properties.title === title);
      assert.ok(found !== undefined, `${title} in ${metricWidgets(body).map((widget) => widget.properties.title).join(' | ')}`);
      return found;
    };
    assert.deepEqual(titled('Performance: rmse').properties.annotations?.horizontal, [{ label: 'alarm > 12', value: 12, color: '#d62728', fill: 'above' }]);
    assert.deepEqual(titled('Performance: r2').properties.metrics.map((line) => line[8].stat), ['Minimum']);
    const mae = titled('Performance: mae').properties;
    assert.deepEqual(mae.metrics.map((line) => line[8]), [{ stat: 'Maximum', label: 'mae (max)' }, { stat: 'Minimum', label: 'mae (min)' }], 'a range: both alarms’ statistics');
    assert.deepEqual(annotationValues(mae.annotations?.horizontal), [1, 9]);
    assert.ok(Array.isArray(mae.annotations?.horizontal[0]), 'an allowed range is a band');
    assert.deepEqual(titled('Performance: label_coverage').properties.metrics.map((line) => line[8].stat), ['Minimum'], 'no alarm: its worse side');
    assert.equal(titled('Performance: label_coverage').properties.annotations, undefined);
    const gap = titled('Bias (by_store): mean_prediction_gap_change').properties;
    assert.deepEqual(gap.annotations?.horizontal, [[{ label: 'allowed -5 to 5', value: -5, color: '#2ca02c' }, { value: 5 }]]);
    assert.deepEqual(annotationValues(titled('Bias (weekend): rmse_gap_change').properties.annotations?.horizontal), [3]);
    const pValues = titled('Feature drift: ks_p_value_bh < 0.05').properties;
    assert.deepEqual(pValues.metrics.map((line) => [line[5], line[8].stat]), [['feature:price', 'Minimum'], ['feature:temperature', 'Minimum']]);
    assert.deepEqual(titled('Prediction drift: wasserstein_normed >= 0.1').properties.metrics.map((line) => line[5]), ['prediction:prediction']);
  });

  it('opens with a header and the status of every alarm, by ARN', () => {
    const [header, alarms] = body.widgets;
    assert.equal(header?.type, 'text');
    assert.match(header.type === 'text' ? header.properties.markdown : '', /`demand`[\s\S]*namespace `Vigil`/);
    assert.equal(alarms?.type, 'alarm');
    assert.deepEqual(alarms.type === 'alarm' ? alarms.properties.alarms : [], [...input.alarmArns].sort());
  });

  it('is the same text for the same config, whatever order the ARNs come in', () => {
    const text = cloudwatchDashboardBody(input);
    assert.equal(cloudwatchDashboardBody(inputFor(contract, monitoring)), text);
    assert.equal(cloudwatchDashboardBody({ ...input, alarmArns: [...input.alarmArns].reverse() }), text);
    assert.deepEqual(JSON.parse(text), body);
    const moved = cloudwatchDashboardBody(inputFor(contract, policy({ ...settings, performance: { ...settings.performance, rmse: { max: 10 } } })));
    assert.notEqual(moved, text, 'a threshold moved: its annotation moves');
  });

  it('keeps a small model readable and a large one within CloudWatch’s limits, every series still drawn', () => {
    for (const widget of metricWidgets(body)) assert.ok(widget.properties.metrics.length <= READABLE_LINES, widget.properties.title);
    const features = Array.from({ length: 1500 }, (_, index) => ({ name: `f${String(index).padStart(4, '0')}`, type: index % 5 === 0 ? 'category' : 'float' }));
    const large = inputFor(parseContract({ model: 'demand', feature_schema_version: 1, features }), monitoring);
    const built = cloudwatchDashboard(large);
    assert.ok(built.widgets.length <= MAX_WIDGETS, `${built.widgets.length} widgets`);
    const drawn = new Set(metricWidgets(built).flatMap((widget) => widget.properties.metrics.map((line) => seriesKey(line[5], line[7]))));
    assert.deepEqual(large.specs.filter((spec) => !drawn.has(seriesKey(spec.subject, spec.metric))), []);
    for (const widget of metricWidgets(built)) assert.ok(widget.properties.metrics.length <= MAX_METRICS_PER_GRAPH);
    const alarmWidgets = built.widgets.filter((widget) => widget.type === 'alarm');
    assert.equal(alarmWidgets.length, Math.ceil(large.specs.length / MAX_ALARMS_PER_WIDGET));
    assert.deepEqual(alarmWidgets.flatMap((widget) => (widget.type === 'alarm' ? widget.properties.alarms : [])), [...large.alarmArns].sort());
    assertNoOverlap(built);
  });

  it('places widgets on the 24-column grid without overlap', () => {
    assertNoOverlap(body);
  });
});

function assertNoOverlap(body: DashboardBody): void {
  const taken = new Set<string>();
  for (const widget of body.widgets) {
    assert.ok(widget.x >= 0 && widget.x + widget.width <= GRID_WIDTH, `x ${widget.x} width ${widget.width}`);
    for (let dx = 0; dx < widget.width; dx += 1) {
      for (let dy = 0; dy < widget.height; dy += 1) {
        const cell = `${widget.x + dx},${widget.y + dy}`;
        assert.ok(!taken.has(cell), `two widgets at ${cell}`);
        taken.add(cell);
      }
    }
  }
}
