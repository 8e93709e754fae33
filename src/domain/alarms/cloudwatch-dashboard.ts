// A model's CloudWatch dashboard, built from the same threshold specs as its alarms so the two
// cannot disagree: the alarms' status, then each series the alarms watch (as the metrics sink
// publishes it: namespace, Model/Subject/Metric) drawn as the day's worst value against its
// threshold. The same specs give the same text, so a plan can tell keep from update.
import type { PerformanceMetric } from '../monitoring/policy.js';
import {
  alarmBlock,
  GRID_WIDTH,
  layout,
  metricBlock,
  textBlock,
  type AnnotationLine,
  type Block,
  type DashboardBody,
  type HorizontalAnnotation,
  type MetricLine,
  type Statistic,
} from './dashboard-widgets.js';
import { worstStatistic, type AlarmComparison, type ThresholdAlarmSpec } from './threshold-alarms.js';

/** Daily windows publish one point a day. */
export const DASHBOARD_PERIOD_SECONDS = 86_400;
/** CloudWatch's limits: widgets per dashboard, metrics per graph, alarms per alarm status widget. */
export const MAX_WIDGETS = 500;
export const MAX_METRICS_PER_GRAPH = 500;
export const MAX_ALARMS_PER_WIDGET = 100;
/** Lines a graph holds before its legend and colours stop telling them apart. */
export const READABLE_LINES = 6;

export interface DashboardInput {
  model: string;
  namespace: string;
  region: string;
  specs: readonly ThresholdAlarmSpec[];
  /** The model's alarms as CloudWatch lists them: an alarm status widget names alarms by ARN. */
  alarmArns: readonly string[];
}

/** The series every model publishes once labels arrive, shown with or without an alarm, at their worse side. */
const alwaysShown: Partial<Record<PerformanceMetric, Statistic>> = { rmse: 'Maximum', mae: 'Maximum', r2: 'Minimum', label_coverage: 'Minimum' };
const performanceOrder: readonly PerformanceMetric[] = ['rmse', 'mae', 'mape', 'r2', 'mean_error', 'label_coverage'];

const breachColor = '#d62728';
const allowedColor = '#2ca02c';
const symbols: Record<AlarmComparison, string> = {
  GreaterThanOrEqualToThreshold: '>=',
  GreaterThanThreshold: '>',
  LessThanOrEqualToThreshold: '<=',
  LessThanThreshold: '<',
};

interface Series {
  subject: string;
  metric: string;
  label: string;
  specs: ThresholdAlarmSpec[];
  /** For a series without an alarm: the side where it gets worse. */
  fallback?: Statistic;
}

export function cloudwatchDashboardBody(input: DashboardInput): string {
  return JSON.stringify(cloudwatchDashboard(input));
}

/** Features share graphs, a few per graph; a model too large for 500 widgets gets fuller graphs. */
export function cloudwatchDashboard(input: DashboardInput): DashboardBody {
  for (let perGraph = READABLE_LINES; ; perGraph = Math.min(perGraph * 2, MAX_METRICS_PER_GRAPH)) {
    const sections = sectionsOf(input, perGraph);
    const count = sections.reduce((total, section) => total + section.length, 0);
    if (count <= MAX_WIDGETS) return { start: '-P30D', periodOverride: 'inherit', widgets: layout(sections) };
    if (perGraph === MAX_METRICS_PER_GRAPH) throw new Error(`the dashboard of ${input.model} needs ${count} widgets, over CloudWatch's ${MAX_WIDGETS}`);
  }
}

function sectionsOf(input: DashboardInput, perGraph: number): Block[][] {
  const graph = graphOf(input);
  const drift = input.specs.filter((spec) => spec.kind === 'drift');
  const prediction = drift.filter((spec) => spec.subject.startsWith('prediction:'));
  return [
    [textBlock(headerOf(input), GRID_WIDTH, 4)],
    alarmBlocks(input.alarmArns),
    performanceSeries(input.specs).map((series) => graph(`Performance: ${series.metric}`, [series], 6)),
    groupedGraphs(prediction, perGraph, 'Prediction drift', graph, 12),
    groupedGraphs(drift.filter((spec) => !prediction.includes(spec)), perGraph, 'Feature drift', graph, 12),
    seriesOf(input.specs.filter((spec) => spec.kind === 'bias'), (spec) => spec.metric).map((series) => graph(`Bias (${nameOf(series.subject)}): ${series.metric}`, [series], 8)),
    groupedGraphs(input.specs.filter((spec) => spec.kind === 'quality'), perGraph, 'Data quality', graph, 8, true),
  ].filter((section) => section.length > 0);
}

function headerOf(input: DashboardInput): string {
  return [
    `## Vigil: model \`${input.model}\``,
    `What the monitoring run publishes to CloudWatch for this model (namespace \`${input.namespace}\`, dimensions Model, Subject, Metric): one point per daily window, drawn as the day's worst value (the statistic its alarm reads) against the thresholds of the config, after the status of its ${input.alarmArns.length} alarms.`,
    '`vigil alarms apply` keeps this dashboard in step with the config: changes made here are overwritten.',
  ].join('\n\n');
}

function alarmBlocks(arns: readonly string[]): Block[] {
  const sorted = [...new Set(arns)].sort();
  const parts = chunks(sorted, MAX_ALARMS_PER_WIDGET);
  return parts.map((part, index) => alarmBlock(parts.length > 1 ? `Alarms (${index + 1}/${parts.length})` : 'Alarms', part, GRID_WIDTH, Math.min(2 + Math.ceil(part.length / 6), 18)));
}

function performanceSeries(specs: readonly ThresholdAlarmSpec[]): Series[] {
  const alarmed = seriesOf(specs.filter((spec) => spec.kind === 'performance'), (spec) => spec.metric);
  const shown = new Set<string>([...Object.keys(alwaysShown), ...alarmed.map((series) => series.metric)]);
  const order = [...performanceOrder, ...alarmed.map((series) => series.metric).filter((metric) => !(performanceOrder as readonly string[]).includes(metric))];
  return order
    .filter((metric) => shown.has(metric))
    .map((metric) => alarmed.find((series) => series.metric === metric) ?? { subject: 'performance:window', metric, label: metric, specs: [], fallback: alwaysShown[metric as PerformanceMetric] ?? 'Maximum' });
}

/**
 * Series that share a metric and a threshold share graphs, `perGraph` to a graph; the quality
 * shares go part by part (missing, type errors, out of range of the same features side by side).
 */
function groupedGraphs(specs: readonly ThresholdAlarmSpec[], perGraph: number, what: string, graph: GraphMaker, width: number, interleave = false): Block[] {
  const groups = new Map<string, ThresholdAlarmSpec[]>();
  for (const spec of specs) {
    const key = `${spec.metric} ${symbols[spec.comparison]} ${spec.threshold}`;
    groups.set(key, [...(groups.get(key) ?? []), spec]);
  }
  const graphs = [...groups].map(([key, members]) => {
    const parts = chunks(seriesOf(members, (spec) => nameOf(spec.subject)), perGraph);
    return parts.map((part, index) => graph(`${what}: ${key}${parts.length > 1 ? ` (${index + 1}/${parts.length})` : ''}`, part, width));
  });
  if (!interleave) return graphs.flat();
  const longest = Math.max(0, ...graphs.map((parts) => parts.length));
  return Array.from({ length: longest }, (_, index) => graphs.flatMap((parts) => parts.slice(index, index + 1))).flat();
}

type GraphMaker = (title: string, series: readonly Series[], width: number) => Block;

function graphOf(input: DashboardInput): GraphMaker {
  return (title, series, width) => {
    const horizontal = uniqueAnnotations(series.flatMap((one) => annotationsOf(one.specs)));
    return metricBlock(
      {
        title,
        view: 'timeSeries',
        stacked: false,
        region: input.region,
        period: DASHBOARD_PERIOD_SECONDS,
        metrics: series.flatMap((one) => linesOf(input, one)),
        ...(horizontal.length === 0 ? {} : { annotations: { horizontal } }),
      },
      width,
      6,
    );
  };
}

/** One line per statistic the series' alarms read: a range's two alarms read the day's maximum and minimum. */
function linesOf(input: DashboardInput, series: Series): MetricLine[] {
  const stats = [...new Set(series.specs.map((spec) => worstStatistic(spec.comparison)))].sort();
  const read = stats.length > 0 ? stats : [series.fallback ?? 'Maximum'];
  return read.map((stat) => [
    input.namespace,
    series.metric,
    'Model',
    input.model,
    'Subject',
    series.subject,
    'Metric',
    series.metric,
    { stat, label: read.length > 1 ? `${series.label} (${stat === 'Maximum' ? 'max' : 'min'})` : series.label },
  ]);
}

/** An allowed range is a band; a single bound a line, shaded on the side where its alarm fires. */
function annotationsOf(specs: readonly ThresholdAlarmSpec[]): HorizontalAnnotation[] {
  const min = specs.find((spec) => spec.bound === 'min');
  const max = specs.find((spec) => spec.bound === 'max');
  if (min !== undefined && max !== undefined) {
    return [[{ label: `allowed ${min.threshold} to ${max.threshold}`, value: min.threshold, color: allowedColor }, { value: max.threshold }]];
  }
  return specs.map((spec): AnnotationLine => ({
    label: `alarm ${symbols[spec.comparison]} ${spec.threshold}`,
    value: spec.threshold,
    color: breachColor,
    fill: spec.comparison.startsWith('Greater') ? 'above' : 'below',
  }));
}

function uniqueAnnotations(annotations: readonly HorizontalAnnotation[]): HorizontalAnnotation[] {
  const seen = new Set<string>();
  return annotations.filter((annotation) => {
    const key = JSON.stringify(annotation);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The specs' series (subject and metric) in order of first appearance. */
function seriesOf(specs: readonly ThresholdAlarmSpec[], label: (spec: ThresholdAlarmSpec) => string): Series[] {
  const bySeries = new Map<string, Series>();
  for (const spec of specs) {
    const key = `${spec.subject}\u0000${spec.metric}`;
    const series = bySeries.get(key) ?? { subject: spec.subject, metric: spec.metric, label: label(spec), specs: [] };
    series.specs.push(spec);
    bySeries.set(key, series);
  }
  return [...bySeries.values()];
}

/** `feature:price` -> `price`. */
function nameOf(subject: string): string {
  return subject.slice(subject.indexOf(':') + 1);
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const parts: T[][] = [];
  for (let start = 0; start < items.length; start += size) parts.push(items.slice(start, start + size));
  return parts;
}
