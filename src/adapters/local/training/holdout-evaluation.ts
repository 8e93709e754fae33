// Candidate and champion metrics on the holdout rows, in the training process: by the champion's
// artifact when it is here, else by the predictions the champion logged for the rows it served.
import { type FeatureContract } from '../../../domain/contract/contract.js';
import { messageOf } from '../../../domain/errors.js';
import { parseArtifact, type ModelArtifact } from '../../../domain/model/artifact.js';
import { type FeatureValue } from '../../../domain/model/coerce.js';
import { predict } from '../../../domain/model/predict.js';
import { holdoutMetrics } from '../../../domain/model/train.js';
import type { EvaluationMetrics } from '../../../domain/retraining/evaluation-metrics.js';
import { type TrainingRow } from '../../../domain/sql/training-rows.js';
import { readText } from './atomic-file.js';
import { StepFailure } from './step-failure.js';

/** Holdout rows in the artifact's feature order, found by name (a champion may predate the contract). */
function rowsFor(artifact: ModelArtifact, contract: FeatureContract, rows: readonly TrainingRow[]): FeatureValue[][] {
  const positions = artifact.features.map((name) => {
    const position = contract.features.findIndex((feature) => feature.name === name);
    if (position < 0) {
      throw new StepFailure(
        `${artifact.model}/${artifact.version} uses feature "${name}", which the contract no longer has: it cannot be evaluated on the same rows`,
      );
    }
    return position;
  });
  return rows.map((row) => positions.map((position) => row.features[position] ?? null));
}

/** RMSE and MAE of predictions against labels; no rows, no metrics. */
function metricsOf(predictions: readonly number[], labels: readonly number[]): EvaluationMetrics {
  if (labels.length === 0) return { rows: 0, rmse: null, mae: null };
  const metrics = holdoutMetrics(predictions, labels);
  return { rows: metrics.holdoutRows, rmse: metrics.rmse, mae: metrics.mae };
}

export function evaluate(artifact: ModelArtifact, contract: FeatureContract, rows: readonly TrainingRow[]): EvaluationMetrics {
  const predictions = rows.length === 0 ? [] : predict(artifact, rowsFor(artifact, contract, rows));
  return metricsOf(
    predictions,
    rows.map((row) => row.label),
  );
}

/** A champion's metrics from the predictions it logged for the rows (every row has one). */
export function loggedMetrics(rows: readonly TrainingRow[]): EvaluationMetrics {
  return metricsOf(
    rows.map((row) => row.served?.prediction ?? Number.NaN),
    rows.map((row) => row.label),
  );
}

/** The champion's artifact at `path`; undefined when it has none here (a model trained elsewhere). */
export async function championArtifact(path: string, model: string, version: string): Promise<ModelArtifact | undefined> {
  const text = await readText(path);
  if (text === undefined) return undefined;
  let artifact: ModelArtifact;
  try {
    artifact = parseArtifact(JSON.parse(text), `champion artifact ${path}`);
  } catch (error) {
    throw new StepFailure(messageOf(error));
  }
  if (artifact.model !== model || artifact.version !== version) {
    throw new StepFailure(`champion artifact ${path} is ${artifact.model}/${artifact.version}, not ${model}/${version}`);
  }
  return artifact;
}
