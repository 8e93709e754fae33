// The dashboard's views of one model, built from its metric rows: what each chart draws, with the
// thresholds and breaches the monitoring run recorded (never re-judged here).
import type { AllowedRange } from '../stats/index.js';
import type { BiasMetric, PerformanceMetric } from '../monitoring/policy.js';
import type { MetricRow, PerformanceHistoryRow, RunRow } from './metric-rows.js';

export interface WindowKey {
  windowStart: string;
  windowEnd: string;
  asOf: string;
}

function byWindow(rows: readonly MetricRow[]): Map<string, MetricRow[]> {
  const windows = new Map<string, MetricRow[]>();
  for (const row of rows) {
    const list = windows.get(row.windowEnd);
    if (list === undefined) windows.set(row.windowEnd, [row]);
    else list.push(row);
  }
  return new Map([...windows.entries()].sort(([a], [b]) => a.localeCompare(b)));
}

function keyOf(rows: readonly MetricRow[]): WindowKey {
  const first = rows[0];
  return { windowStart: first?.windowStart ?? '', windowEnd: first?.windowEnd ?? '', asOf: first?.asOf ?? '' };
}

function find(rows: readonly MetricRow[], group: string, subject: string, metric: string): MetricRow | undefined {
  return rows.find((row) => row.group === group && row.subject === subject && row.metric === metric);
}

const valueOf = (row: MetricRow | undefined): number | null => row?.value ?? null;

export interface PerformancePoint extends WindowKey {
  rmse: number | null;
  mae: number | null;
  r2: number | null;
  labelCoverage: number | null;
  labelledRows: number | null;
  /** Metrics whose allowed range this window left. */
  breached: string[];
  /** The window at each evaluation, oldest first (the last is the point itself): labels arrive after the window. */
  history: PerformanceAsOf[];
}

export interface PerformanceAsOf {
  asOf: string;
  rmse: number | null;
  mae: number | null;
  r2: number | null;
  labelCoverage: number | null;
  labelledRows: number | null;
}

function historyByWindow(rows: readonly PerformanceHistoryRow[]): Map<string, PerformanceAsOf[]> {
  const windows = new Map<string, Map<string, PerformanceAsOf>>();
  for (const row of rows) {
    const evaluations = windows.get(row.windowEnd) ?? new Map<string, PerformanceAsOf>();
    windows.set(row.windowEnd, evaluations);
    const entry = evaluations.get(row.asOf) ?? { asOf: row.asOf, rmse: null, mae: null, r2: null, labelCoverage: null, labelledRows: null };
    evaluations.set(row.asOf, entry);
    if (row.metric === 'rmse') entry.rmse = row.value;
    else if (row.metric === 'mae') entry.mae = row.value;
    else if (row.metric === 'r2') entry.r2 = row.value;
    else if (row.metric === 'label_coverage') entry.labelCoverage = row.value;
    else if (row.metric === 'labelled_rows') entry.labelledRows = row.value;
  }
  return new Map([...windows].map(([window, evaluations]) => [window, [...evaluations.values()].sort((a, b) => a.asOf.localeCompare(b.asOf))]));
}

export interface PerformanceView {
  points: PerformancePoint[];
  ranges: Partial<Record<PerformanceMetric, AllowedRange>>;
}

export function performanceView(rows: readonly MetricRow[], ranges: Partial<Record<PerformanceMetric, AllowedRange>>, history: readonly PerformanceHistoryRow[] = []): PerformanceView {
  const evaluations = historyByWindow(history);
  const points = [...byWindow(rows).values()].map((window): PerformancePoint => {
    const metric = (name: string): number | null => valueOf(find(window, 'performance', 'window', name));
    return {
      ...keyOf(window),
      rmse: metric('rmse'),
      mae: metric('mae'),
      r2: metric('r2'),
      labelCoverage: metric('label_coverage'),
      labelledRows: metric('labelled_rows'),
      breached: window.filter((row) => row.group === 'performance' && row.breached).map((row) => row.metric),
      history: evaluations.get(window[0]?.windowEnd ?? '') ?? [],
    };
  });
  return { points, ranges };
}

export interface DriftCell {
  windowEnd: string;
  subject: string;
  metric: string;
  value: number | null;
  threshold: number | null;
  /** How close to its threshold, 1 at the threshold: value / threshold, or threshold / p for a p-value. */
  score: number | null;
  breached: boolean;
}

export interface DriftView {
  /** Features in the order first seen, the prediction last. */
  subjects: { subject: string; group: 'feature' | 'prediction'; metric: string }[];
  windows: string[];
  cells: DriftCell[];
}

/** A p-value breaches below its level; anything else at or above its threshold. */
function scoreOf(metric: string, value: number | null, threshold: number | null): number | null {
  if (value === null || threshold === null) return null;
  if (metric.endsWith('_bh') || metric.endsWith('_p_value')) return value <= 0 ? Number.MAX_VALUE : threshold / value;
  return threshold === 0 ? null : value / threshold;
}

export function driftView(rows: readonly MetricRow[]): DriftView {
  const deciding = rows.filter((row) => (row.group === 'feature' || row.group === 'prediction') && row.threshold !== null);
  const subjects: DriftView['subjects'] = [];
  for (const row of deciding) {
    if (subjects.some((s) => s.subject === row.subject && s.group === row.group)) continue;
    subjects.push({ subject: row.subject, group: row.group === 'prediction' ? 'prediction' : 'feature', metric: row.metric });
  }
  subjects.sort((a, b) => (a.group === b.group ? 0 : a.group === 'prediction' ? 1 : -1));
  return {
    subjects,
    windows: [...byWindow(rows).keys()],
    cells: deciding.map((row) => ({
      windowEnd: row.windowEnd,
      subject: row.subject,
      metric: row.metric,
      value: row.value,
      threshold: row.threshold,
      score: scoreOf(row.metric, row.value, row.threshold),
      breached: row.breached,
    })),
  };
}

export interface FeaturePoint extends WindowKey {
  p5: number | null;
  p50: number | null;
  p95: number | null;
  baselineP5: number | null;
  baselineP50: number | null;
  baselineP95: number | null;
  mean: number | null;
  baselineMean: number | null;
  drift: { metric: string; value: number | null; threshold: number | null; breached: boolean } | null;
}

/** One feature (or the prediction) window by window: its quantiles against the baseline's, and its drift. */
export function featureView(rows: readonly MetricRow[], subject: string): FeaturePoint[] {
  const points: FeaturePoint[] = [];
  for (const window of byWindow(rows.filter((row) => row.subject === subject)).values()) {
    const group = window.some((row) => row.group === 'prediction') ? 'prediction' : 'feature';
    const quality = (metric: string): number | null => valueOf(find(window, 'quality', subject, metric));
    const decision = window.find((row) => row.group === group && row.threshold !== null);
    points.push({
      ...keyOf(window),
      p5: quality('p5'),
      p50: quality('p50'),
      p95: quality('p95'),
      baselineP5: quality('baseline_p5'),
      baselineP50: quality('baseline_p50'),
      baselineP95: quality('baseline_p95'),
      mean: valueOf(find(window, group, subject, 'mean')),
      baselineMean: valueOf(find(window, group, subject, 'baseline_mean')),
      drift: decision === undefined ? null : { metric: decision.metric, value: decision.value, threshold: decision.threshold, breached: decision.breached },
    });
  }
  return points;
}

export interface BiasSeries {
  facet: string;
  /** A bias metric, e.g. mean_prediction_gap_change. */
  metric: string;
  range: AllowedRange | null;
  points: { windowEnd: string; change: number | null; gap: number | null; baselineGap: number | null; breached: boolean }[];
}

/** Per facet and gap metric, the gap's change against the baseline's gap, with its allowed band. */
export function biasView(rows: readonly MetricRow[], ranges: Partial<Record<BiasMetric, AllowedRange>>): BiasSeries[] {
  const series = new Map<string, BiasSeries>();
  for (const row of rows) {
    if (row.group !== 'facet' || !row.metric.endsWith('_gap_change')) continue;
    const base = row.metric.slice(0, -'_change'.length);
    const key = `${row.subject} ${row.metric}`;
    const entry = series.get(key) ?? { facet: row.subject, metric: row.metric, range: ranges[row.metric as BiasMetric] ?? null, points: [] };
    series.set(key, entry);
    const window = rows.filter((other) => other.windowEnd === row.windowEnd && other.group === 'facet' && other.subject === row.subject);
    entry.points.push({
      windowEnd: row.windowEnd,
      change: row.value,
      gap: valueOf(window.find((other) => other.metric === base)),
      baselineGap: valueOf(window.find((other) => other.metric === `baseline_${base}`)),
      breached: row.breached,
    });
  }
  return [...series.values()];
}

export interface QualityPoint extends WindowKey {
  rows: number | null;
  quarantinedRows: number | null;
  quarantinedShare: number | null;
  /** The worst share of each kind over the features, and the feature it belongs to. */
  worst: { metric: string; subject: string; value: number }[];
  breached: { subject: string; metric: string; value: number | null; threshold: number | null }[];
}

export function qualityView(rows: readonly MetricRow[]): QualityPoint[] {
  return [...byWindow(rows).values()].map((window): QualityPoint => {
    const shares = window.filter((row) => row.group === 'quality' && row.metric.endsWith('_share') && row.value !== null);
    const worst = ['missing_share', 'type_error_share', 'out_of_range_share'].flatMap((metric) => {
      const top = shares.filter((row) => row.metric === metric).sort((a, b) => (b.value ?? 0) - (a.value ?? 0))[0];
      return top === undefined ? [] : [{ metric, subject: top.subject, value: top.value ?? 0 }];
    });
    return {
      ...keyOf(window),
      rows: valueOf(find(window, 'run', 'window', 'rows')),
      quarantinedRows: valueOf(find(window, 'run', 'window', 'quarantined_rows')),
      quarantinedShare: valueOf(find(window, 'run', 'window', 'quarantined_share')),
      worst,
      breached: window.filter((row) => row.group === 'quality' && row.breached).map((row) => ({ subject: row.subject, metric: row.metric, value: row.value, threshold: row.threshold })),
    };
  });
}

export interface ModelOverview {
  model: string;
  windows: number;
  latest: {
    windowStart: string;
    windowEnd: string;
    asOf: string;
    status: string;
    rows: number;
    quarantinedRows: number;
    labelCoverage: number | null;
    breachKinds: string[];
    driftedFeatures: string[];
    rmse: number | null;
  } | null;
  serving: { version: string; since: string } | null;
  /** Alert incidents still open: a breach kind seen window after window until a clean window closes it. */
  openIncidents: OpenIncident[];
}

export interface OpenIncident {
  kind: string;
  openedAt: string;
  lastWindowEnd: string;
  /** Windows it has been seen in. */
  occurrences: number;
}

export function modelOverview(
  model: string,
  runs: readonly RunRow[],
  serving: { version: string; since: string } | null,
  labelCoverage: number | null,
  openIncidents: readonly OpenIncident[] = [],
): ModelOverview {
  const mine = runs.filter((run) => run.model === model).sort((a, b) => a.windowEnd.localeCompare(b.windowEnd));
  const last = mine.at(-1);
  return {
    model,
    windows: mine.length,
    latest:
      last === undefined
        ? null
        : {
            windowStart: last.windowStart,
            windowEnd: last.windowEnd,
            asOf: last.asOf,
            status: last.status,
            rows: last.rows,
            quarantinedRows: last.quarantinedRows,
            labelCoverage,
            breachKinds: last.summary?.breachKinds ?? [],
            driftedFeatures: last.driftedFeatures,
            rmse: last.summary?.headline?.rmse ?? null,
          },
    serving,
    openIncidents: [...openIncidents],
  };
}
