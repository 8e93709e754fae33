// One training run as the training process does it: read the exported rows, train the ridge model
// with the domain's code, hand the artifact to the worker to write, score the training rows, and
// evaluate candidate and champion on the holdout rows. The steps match the in-worker job it
// replaced, so progress and failure reasons read as before.
import { type DuckDBConnection } from '@duckdb/node-api';
import { parseContract, type FeatureContract } from '../../../domain/contract/contract.js';
import { type ModelArtifact } from '../../../domain/model/artifact.js';
import { trainModel } from '../../../domain/model/train.js';
import { isoUtc, normaliseWindow } from '../../../domain/sql/sql-text.js';
import { type TrainingRow } from '../../../domain/sql/training-rows.js';
import { championArtifact, evaluate, loggedMetrics } from './holdout-evaluation.js';
import { readTrainingRows } from './parquet-training-rows.js';
import { scoredRowsPathFor, writeScoredTrainingRows } from './scored-training-rows.js';
import { StepFailure } from './step-failure.js';
import type { TrainingJob, TrainingResult } from './training-protocol.js';

/** What the training process asks of the worker. */
export interface TrainerHost {
  step(text: string): Promise<void>;
  /** Resolves once the worker has written the artifact (its file text); only then may scoring go on. */
  writeArtifact(text: string): Promise<void>;
}

function windowText(window: { start: string; end: string }): string {
  const { start, end } = normaliseWindow(window);
  return `${start} .. ${end}`;
}

const labelled = (rows: readonly TrainingRow[]): { rows: TrainingRow['features'][]; labels: number[] } => ({
  rows: rows.map((row) => row.features),
  labels: rows.map((row) => row.label),
});

export interface CandidateTraining {
  contract: FeatureContract;
  version: string;
  trainingWindow: { start: string; end: string };
  asOf: string;
  alpha?: number;
  training: readonly TrainingRow[];
  holdout: readonly TrainingRow[];
}

/**
 * The candidate's artifact from its rows: the one training both the local pipeline and the
 * SageMaker image's `vigil train` run, so the two modes give the same model from the same rows.
 */
export function trainCandidate(input: CandidateTraining): ModelArtifact {
  const { training, holdout } = input;
  if (training.length === 0) {
    throw new StepFailure(`no labelled rows in the training window ${windowText(input.trainingWindow)} (labels as of ${isoUtc(input.asOf)})`);
  }
  return trainModel({
    contract: input.contract,
    version: input.version,
    // The request's instant, not the clock: a rerun writes the same artifact.
    trainedAt: isoUtc(input.asOf),
    ...(input.alpha === undefined ? {} : { alpha: input.alpha }),
    ...labelled(training),
    ...(holdout.length === 0 ? {} : { holdout: labelled(holdout) }),
  });
}

/** The artifact's file text, the same in both modes. */
export function artifactText(artifact: ModelArtifact): string {
  return `${JSON.stringify(artifact, null, 2)}\n`;
}

export async function runTrainingJob(job: TrainingJob, host: TrainerHost, connection: DuckDBConnection): Promise<TrainingResult> {
  const contract = parseContract(job.contract, 'training job contract');
  let training = await readTrainingRows(connection, job.files.training, contract);
  const holdout = await readTrainingRows(connection, job.files.holdout, contract);
  if (training.length > 0) await host.step(`training on ${training.length} rows`);
  const artifact = trainCandidate({
    contract,
    version: job.version,
    trainingWindow: job.trainingWindow,
    asOf: job.asOf,
    ...(job.alpha === undefined ? {} : { alpha: job.alpha }),
    training,
    holdout,
  });
  await host.writeArtifact(artifactText(artifact));
  await host.step('scoring the training rows');
  const scoredRowsUri = scoredRowsPathFor(job.artifactPath);
  await writeScoredTrainingRows(scoredRowsUri, artifact, training);
  // The training rows are done with: the evaluation needs only the holdout.
  training = [];

  await host.step(`evaluating on ${holdout.length} holdout rows`);
  const result: TrainingResult = {
    artifactUri: job.artifactPath,
    trainingRows: artifact.trainingRows,
    scoredRowsUri,
    candidate: evaluate(artifact, contract, holdout),
  };
  if (job.championVersion !== undefined && job.championArtifactPath !== undefined) {
    const champion = await championArtifact(job.championArtifactPath, contract.model, job.championVersion);
    if (champion !== undefined) {
      result.champion = { ...evaluate(champion, contract, holdout), basis: 'artifact' };
    } else {
      // No artifact (a model trained elsewhere): both are judged on the holdout rows the champion
      // served, the champion by the predictions it logged for them.
      const served = holdout.filter((row) => row.served !== undefined && row.served.version === job.championVersion && row.served.prediction !== null);
      result.candidate = evaluate(artifact, contract, served);
      result.champion = { ...loggedMetrics(served), basis: 'logged-predictions' };
    }
  }
  return result;
}
