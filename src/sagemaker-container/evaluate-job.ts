// The pipeline's Evaluate step inside the image: the candidate (the Train step's model.tar.gz) and
// the champion (its artifact, staged among the inputs) scored on the same holdout part of the
// staged rows, by the local pipeline's holdout-evaluation code, into the report Vigil's gate reads.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { evaluationReportSchema, type EvaluationReport } from '../adapters/aws/sagemaker/pipeline/pipeline-parameters.js';
import { championArtifact, evaluate } from '../adapters/local/training/holdout-evaluation.js';
import { CHAMPION_FOLDER } from '../adapters/shared/pipeline-inputs.js';
import { type FeatureContract } from '../domain/contract/contract.js';
import { messageOf } from '../domain/errors.js';
import { type ModelArtifact } from '../domain/model/artifact.js';
import type { EvaluationMetrics } from '../domain/retraining/evaluation-metrics.js';
import { type TrainingRow } from '../domain/sql/training-rows.js';
import { artifactFileName, loadModelDir, ModelLoadError } from './container-server.js';
import type { EvaluationSettings } from './evaluate-settings.js';
import { JobInputError } from './job-failure.js';
import { CANDIDATE_INPUT, LABELLED_CHANNEL, type ProcessingPaths } from './job-paths.js';
import { openLabelledInput, readParts } from './labelled-input.js';
import { modelFolderOf } from './model-folder.js';

type Metrics = EvaluationReport['candidate'];

/** The report's metrics: rows, RMSE and MAE only (the basis is always the artifact here). */
const reported = ({ rows, rmse, mae }: EvaluationMetrics): Metrics => ({ rows, rmse, mae });

async function candidateArtifact(paths: ProcessingPaths, settings: EvaluationSettings): Promise<ModelArtifact> {
  const what = `input ${CANDIDATE_INPUT}`;
  const folder = await modelFolderOf(paths.candidate, what);
  try {
    if (folder.dir === undefined) throw new JobInputError(`${what} ${paths.candidate} holds neither ${artifactFileName} nor a model.tar.gz`);
    // As the endpoint will load it: what passes here is what Vigil registers and serves.
    return (await loadModelDir(folder.dir, { model: settings.model, version: settings.candidateVersion })).artifact;
  } catch (error) {
    throw error instanceof ModelLoadError ? new JobInputError(`candidate: ${error.message}`) : error;
  } finally {
    await folder.cleanup();
  }
}

/** The champion on the holdout; null when there is none, or it has no artifact among the inputs. */
async function championMetrics(
  paths: ProcessingPaths,
  settings: EvaluationSettings,
  contract: FeatureContract,
  holdout: readonly TrainingRow[],
  log: (line: string) => void,
): Promise<Metrics | null> {
  const version = settings.championVersion;
  if (version === undefined) return null;
  const staged = join(paths.labelled, CHAMPION_FOLDER);
  const folder = await modelFolderOf(staged, `champion ${version}`);
  try {
    const artifact = folder.dir === undefined ? undefined : await championArtifact(join(folder.dir, artifactFileName), settings.model, version);
    if (artifact === undefined) {
      log(`champion ${version} has no artifact in ${staged}: it is not evaluated, and the gate will not pass the candidate without it`);
      return null;
    }
    return reported(evaluate(artifact, contract, holdout));
  } finally {
    await folder.cleanup();
  }
}

export async function evaluateFromInputs(paths: ProcessingPaths, settings: EvaluationSettings, log: (line: string) => void): Promise<EvaluationReport> {
  const input = await openLabelledInput(paths.labelled, `input ${LABELLED_CHANNEL}`);
  const { contract } = input;
  if (contract.model !== settings.model) {
    throw new JobInputError(`environment variable VIGIL_MODEL is "${settings.model}", but the staged contract is the contract of "${contract.model}"`);
  }
  const candidate = await candidateArtifact(paths, settings);
  const { holdout } = await readParts(input, ['holdout']);
  log(`evaluating ${settings.model}/${settings.candidateVersion} and champion ${settings.championVersion ?? '(none)'} on ${holdout.length} holdout rows`);
  const report = {
    artifactUri: settings.candidateArtifactUri,
    trainingRows: candidate.trainingRows,
    candidate: reported(evaluate(candidate, contract, holdout)),
    champion: await championMetrics(paths, settings, contract, holdout, log),
  };
  // Checked with the schema Vigil reads it with: a report the gate would refuse fails the step here.
  const checked = evaluationReportSchema.safeParse(report);
  if (!checked.success) throw new Error(`the evaluation report is not what Vigil reads: ${messageOf(checked.error)}`);
  await mkdir(dirname(settings.reportPath), { recursive: true });
  await writeFile(settings.reportPath, `${JSON.stringify(report, null, 2)}\n`, 'utf8');
  return checked.data;
}
