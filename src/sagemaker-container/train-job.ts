// The pipeline's Train step inside the image: the hyperparameters and the training part of the
// staged rows in, model.json out, trained by the local pipeline's own code (trainCandidate) so that
// both modes give the same model from the same rows. The holdout part goes in as the local
// pipeline gives it, so the artifact's recorded holdout metrics match too.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { evaluate } from '../adapters/local/training/holdout-evaluation.js';
import { artifactText, trainCandidate } from '../adapters/local/training/training-job.js';
import { type ModelArtifact } from '../domain/model/artifact.js';
import type { EvaluationMetrics } from '../domain/retraining/evaluation-metrics.js';
import { artifactFileName } from './container-server.js';
import { readHyperparameters } from './hyperparameters.js';
import { JobInputError } from './job-failure.js';
import { LABELLED_CHANNEL, type TrainingPaths } from './job-paths.js';
import { openLabelledInput, readParts } from './labelled-input.js';

export interface TrainOutcome {
  artifact: ModelArtifact;
  artifactPath: string;
  /** The candidate on its own training rows. */
  fit: EvaluationMetrics;
}

export async function trainFromInputs(paths: TrainingPaths, log: (line: string) => void): Promise<TrainOutcome> {
  const settings = await readHyperparameters(paths.hyperparameters);
  if (settings.ignored.length > 0) log(`ignoring hyperparameter(s) Vigil does not read: ${settings.ignored.join(', ')}`);
  const input = await openLabelledInput(paths.labelled, `channel ${LABELLED_CHANNEL}`);
  const { contract } = input;
  if (contract.model !== settings.model) {
    throw new JobInputError(`hyperparameter model is "${settings.model}", but the staged contract is the contract of "${contract.model}"`);
  }
  const { training, holdout } = await readParts(input, ['training', 'holdout']);
  log(`training ${settings.model}/${settings.version} on ${training.length} rows (alpha ${settings.alpha}), ${holdout.length} holdout rows`);
  const artifact = trainCandidate({
    contract,
    version: settings.version,
    trainingWindow: settings.trainingWindow,
    asOf: settings.asOf,
    alpha: settings.alpha,
    training,
    holdout,
  });
  // The model folder holds the artifact alone: SageMaker tars all of it, and an endpoint gets all of it.
  const artifactPath = join(paths.modelDir, artifactFileName);
  await mkdir(paths.modelDir, { recursive: true });
  await writeFile(artifactPath, artifactText(artifact), 'utf8');
  return { artifact, artifactPath, fit: evaluate(artifact, contract, training) };
}
