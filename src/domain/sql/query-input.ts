// What every monitoring query is built from, and the column names the shared CTEs expose.
import { type FeatureContract, type FeatureSpec, driftsAsNumbers } from '../contract/contract.js';
import { type ModelReference } from '../monitoring/reference.js';
import { type SqlDialect } from './dialect.js';
import { SqlBuildError, normaliseWindow, tableNameParts } from './sql-text.js';

/** Names of the tables (or views) a model's monitoring reads; "db.table" is allowed. */
export interface MonitoringTables {
  productionLog: string;
  labels: string;
  baseline: string;
  scoredPredictions: string;
  /**
   * Records the stream path quarantined before they reached the production log (see
   * src/domain/stream/): counted with the window's rows and listed in its quarantine.
   */
  streamQuarantine?: string;
  /**
   * Sources whose rows carry the contract version they were written under (a feature_schema_version
   * column): rows of a version the contract does not read are quarantined (window) or left out
   * (baseline, training), never analysed as if they were its own.
   */
  stampedSources?: readonly ('productionLog' | 'baseline')[];
}

export interface MonitoringQueryInput {
  contract: FeatureContract;
  tables: MonitoringTables;
  /** [start, end) as ISO-8601 instants with a zone. */
  window: { start: string; end: string };
  /** Share of the window's rows kept, in (0, 1]; kept rows are chosen by a hash of the record id. */
  sampleRate?: number;
  dialect: SqlDialect;
  /** What baseline_rows holds; absent or 'baseline': the configured baseline table. */
  reference?: ModelReference;
  /** Tables that already hold the shared CTEs' rows (see staging.ts); absent: built from the sources. */
  staged?: StagedSources;
}

/**
 * Tables made once per analysis from the shared CTEs, so that each statistic reads converted rows
 * instead of converting the sources again. Each is optional: what is not staged is built as a CTE.
 */
export interface StagedSources {
  /** window_source's rows over a span covering every window queried with this input. */
  windowSource?: string;
  baselineRows?: string;
  /** labels_as_of for one as-of time; other times are built from the labels table. */
  labelsAsOf?: { asOf: string; table: string };
}

export interface BuiltQuery {
  sql: string;
  /** Short name for progress and provenance ("distance:demand"). */
  label: string;
}

/**
 * Per-feature columns of the shared CTEs. Prefixes keep them apart from each other and from the
 * fixed columns (record_id, event_time, prediction, ...), whatever the features are called.
 */
export const featureColumn = {
  /** Raw value as trimmed text, NULL when null or empty. */
  raw: (feature: string) => `r_${feature}`,
  /** The source column as stored (numeric features only), for engines that read numbers directly. */
  source: (feature: string) => `s_${feature}`,
  /** Raw value converted to the contract type, NULL when it does not convert. */
  cast: (feature: string) => `c_${feature}`,
  /** Value used by statistics: the converted value, or the contract default when missing. */
  value: (feature: string) => `f_${feature}`,
  /** Missing before the default was applied. */
  missing: (feature: string) => `m_${feature}`,
  /** Present but not convertible to the contract type. */
  typeError: (feature: string) => `e_${feature}`,
} as const;

/** A subject of distribution statistics: a numeric feature, or the prediction. */
export interface NumericSubject {
  /** Name reported in results: the feature name, or "prediction". */
  subject: string;
  /** Column in window_rows/baseline_rows holding the value. */
  column: string;
}

export const predictionSubject = 'prediction';

export function numericSubjects(contract: FeatureContract): NumericSubject[] {
  return contract.features
    .filter(driftsAsNumbers)
    .map((feature) => ({ subject: feature.name, column: featureColumn.value(feature.name) }))
    .concat([{ subject: predictionSubject, column: 'prediction' }]);
}

/** Features whose drift is measured on value counts: categories, booleans and calendar features. */
export function countedFeatures(contract: FeatureContract): FeatureSpec[] {
  return contract.features.filter((feature) => !driftsAsNumbers(feature));
}

/** Categorical features, plus booleans (counted as 'true'/'false'). */
export function categoricalFeatures(contract: FeatureContract): FeatureSpec[] {
  return contract.features.filter((feature) => feature.type === 'category' || feature.type === 'bool');
}

export interface CheckedInput {
  contract: FeatureContract;
  tables: MonitoringTables;
  window: { start: string; end: string };
  sampleRate: number;
  dialect: SqlDialect;
  reference?: ModelReference;
  staged?: StagedSources;
}

/** Validates and normalises the input once, so builders can trust it. */
export function checkInput(input: MonitoringQueryInput): CheckedInput {
  const sampleRate = input.sampleRate ?? 1;
  if (!(sampleRate > 0 && sampleRate <= 1)) throw new SqlBuildError(`sample rate ${sampleRate} is not in (0, 1]`);
  const { productionLog, labels, baseline, scoredPredictions, streamQuarantine } = input.tables;
  for (const name of [productionLog, labels, baseline, scoredPredictions, ...(streamQuarantine === undefined ? [] : [streamQuarantine])]) tableNameParts(name);
  return { ...input, window: normaliseWindow(input.window), sampleRate };
}

/** Joins CTE definitions and a final SELECT into one statement. */
export function withCtes(ctes: readonly string[], body: string): string {
  return `WITH\n${ctes.join(',\n')}\n${body}`;
}
