// Trains the reference model from labelled rows: coerce per the contract, learn the encoding,
// fit ridge, and measure error on an optional holdout. Pure: the caller supplies trainedAt.
import { featureOrder, type FeatureContract } from '../contract/contract.js';
import { artifactFormat, type HoldoutMetrics, type ModelArtifact } from './artifact.js';
import { coerceRow, type FeatureValue, type RawValue } from './coerce.js';
import { encodeRow, fitEncoding } from './encoding.js';
import { predict, RowCoercionError } from './predict.js';
import { fitRidge } from './ridge.js';

export interface LabelledRows {
  /** Rows in contract feature order. */
  rows: readonly (readonly RawValue[])[];
  labels: readonly number[];
}

export interface TrainOptions extends LabelledRows {
  contract: FeatureContract;
  version: string;
  /** ISO timestamp recorded in the artifact (passed in so training stays deterministic). */
  trainedAt: string;
  /** L2 penalty on the standardised coefficients. Default 1. */
  alpha?: number;
  holdout?: LabelledRows;
  /** Drop rows that cannot be coerced (or have a non-finite label) instead of failing. */
  skipInvalidRows?: boolean;
}

function usableRows(contract: FeatureContract, data: LabelledRows, skipInvalid: boolean): { rows: FeatureValue[][]; labels: number[] } {
  if (data.rows.length !== data.labels.length) {
    throw new RowCoercionError([`${data.rows.length} rows but ${data.labels.length} labels`]);
  }
  const rows: FeatureValue[][] = [];
  const labels: number[] = [];
  const problems: string[] = [];
  data.rows.forEach((row, index) => {
    const label = data.labels[index];
    const result = coerceRow(contract.features, row);
    const rowProblems = result.ok ? [] : result.problems;
    if (label === undefined || !Number.isFinite(label)) rowProblems.push(`label ${String(label)} is not a finite number`);
    if (rowProblems.length === 0 && result.ok) {
      rows.push(result.values);
      labels.push(label as number);
    } else if (!skipInvalid) {
      problems.push(...rowProblems.map((problem) => `row ${index + 1}: ${problem}`));
    }
  });
  if (problems.length > 0) throw new RowCoercionError(problems);
  return { rows, labels };
}

export function holdoutMetrics(predictions: readonly number[], labels: readonly number[]): HoldoutMetrics {
  let squared = 0;
  let absolute = 0;
  predictions.forEach((prediction, index) => {
    const error = prediction - (labels[index] ?? 0);
    squared += error * error;
    absolute += Math.abs(error);
  });
  const n = predictions.length;
  return { rmse: n === 0 ? 0 : Math.sqrt(squared / n), mae: n === 0 ? 0 : absolute / n, holdoutRows: n };
}

export function trainModel(options: TrainOptions): ModelArtifact {
  const { contract } = options;
  const alpha = options.alpha ?? 1;
  const training = usableRows(contract, options, options.skipInvalidRows ?? false);
  const encoding = fitEncoding(contract.features, training.rows);
  const fit = fitRidge(
    training.rows.map((row) => encodeRow(encoding, row)),
    training.labels,
    alpha,
  );
  const artifact: ModelArtifact = {
    format: artifactFormat,
    model: contract.model,
    version: options.version,
    featureSchemaVersion: contract.feature_schema_version,
    features: featureOrder(contract),
    encoding,
    coefficients: fit.coefficients,
    intercept: fit.intercept,
    alpha,
    trainedAt: options.trainedAt,
    trainingRows: training.rows.length,
  };
  if (options.holdout !== undefined) {
    const holdout = usableRows(contract, options.holdout, options.skipInvalidRows ?? false);
    artifact.metrics = holdoutMetrics(predict(artifact, holdout.rows), holdout.labels);
  }
  return artifact;
}
