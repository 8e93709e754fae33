// The monitoring job's vocabulary, shared by workflows (which must stay deterministic), activities
// and the CLI. Plain data only: everything here crosses Temporal's payload boundary.

/** A half-open time window [start, end), ISO-8601 UTC timestamps. */
export interface TimeWindow {
  start: string;
  end: string;
}

export type MetricGroup = 'feature' | 'prediction' | 'performance' | 'facet' | 'quality' | 'run';
export type BreachKind = 'drift' | 'performance' | 'bias' | 'quality' | 'no_data';

export interface MetricRecord {
  group: MetricGroup;
  /** Feature name, "prediction", facet name ("weekend") or facet group ("weekend=true"). */
  subject: string;
  metric: string;
  value: number | null;
  threshold: number | null;
  breached: boolean;
}

export interface Breach {
  kind: BreachKind;
  group: MetricGroup;
  subject: string;
  metric: string;
  value: number | null;
  /** The threshold crossed, or the bound of the allowed range that was left. */
  threshold: number;
  /** How far past the threshold (absolute units of the metric). */
  excess: number | null;
}

export interface PreparedWindow {
  /** Rows of the window in the production log. */
  rows: number;
  /** Rows that broke the contract, quarantined with their reason and left out of every statistic. */
  quarantined: number;
  /** Valid rows with no logged prediction (they are scored through the endpoint). */
  missingPredictions: number;
  /** Model versions that served the window, most rows first. */
  modelVersions: string[];
  /** Bytes the warehouse read to prepare the window, where it bills by them (Athena). */
  bytesScanned?: number;
}

export interface WindowAnalysis {
  /** Valid rows analysed (after sampling). */
  analysedRows: number;
  labelledRows: number;
  labelCoverage: number | null;
  metrics: MetricRecord[];
  breaches: Breach[];
  driftedFeatures: string[];
  predictionDrifted: boolean;
  /** True when the breaches come from broken data (missing columns, mass type errors) rather than drift. */
  dataQualityIncident: boolean;
  /** Headline numbers for summaries and dashboards. */
  headline: { rmse: number | null; mae: number | null; meanPrediction: number | null };
  queryIds: string[];
  /** Bytes the warehouse read for the analysis, where it bills by them (Athena). */
  bytesScanned?: number;
  /** Days of the window holding rows; a partial window's drift and bias were not judged. */
  coverage?: WindowCoverage;
  /**
   * What drift and bias were compared against: the configured baseline, or the training rows of
   * a version (`version`). Absent from analyses made before references followed the version.
   */
  reference?: ReferenceUsed;
}

export interface WindowCoverage {
  coveredDays: number;
  windowDays: number;
  partial: boolean;
}

export interface ReferenceUsed {
  kind: 'baseline' | 'training-window';
  version?: string;
}

export type RunStatus = 'ok' | 'no_data';

export interface MonitorWindowResult {
  model: string;
  window: TimeWindow;
  runId: string;
  asOf: string;
  status: RunStatus;
  rows: number;
  quarantined: number;
  scored: number;
  /** Model versions that served the window, most rows first. */
  modelVersions?: string[];
  analysis: Omit<WindowAnalysis, 'metrics'> | null;
  /** The breaches the caller is to alert on, when it asked for them (see MonitorWindowInput.alerts). */
  alertable?: Breach[];
}
