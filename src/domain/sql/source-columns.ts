// The columns each input source must have for the monitoring queries, and the names its tables
// take, so every warehouse adapter checks sources the same way before any statistic runs.
import { type FeatureContract, featureOrder, schemaVersionColumn } from '../contract/contract.js';
import { type MonitoringTables } from './query-input.js';

export type SourceName = 'productionLog' | 'labels' | 'baseline';

export const sourceDescriptions: Record<SourceName, string> = {
  productionLog: 'production log',
  labels: 'labels',
  baseline: 'baseline',
};

/** Required columns per source, in contract order. */
export function sourceColumns(contract: FeatureContract): Record<SourceName, string[]> {
  const c = contract.columns;
  const features = featureOrder(contract);
  return {
    productionLog: [c.record_id, c.event_time, ...features, c.prediction, c.model_version],
    labels: [c.record_id, c.label, c.label_time],
    // event_time for the weekend facet, label for the baseline's performance and facet baseline.
    baseline: [c.event_time, ...features, c.prediction, c.label],
  };
}

/** Whether a source's columns include the stamped contract version. */
export function hasSchemaVersion(columns: readonly string[]): boolean {
  return columns.some((name) => name.toLowerCase() === schemaVersionColumn);
}

/** The conventional table (or view) names of a model's sources. */
export function sourceTableNames(model: string): MonitoringTables {
  return {
    productionLog: `${model}_production_log`,
    labels: `${model}_labels`,
    baseline: `${model}_baseline`,
    scoredPredictions: 'scored_predictions',
  };
}

/** Required columns missing from `present` (compared case-insensitively, as both engines do). */
export function missingColumns(required: readonly string[], present: readonly string[]): string[] {
  const have = new Set(present.map((name) => name.toLowerCase()));
  return required.filter((name) => !have.has(name.toLowerCase()));
}
