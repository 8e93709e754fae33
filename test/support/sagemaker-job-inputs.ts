// A SageMaker job's folder (/opt/ml) laid out as the training pipeline's jobs find it, from the
// local trainer's own export of a demo data set: the inputs folder Vigil stages (Parquet rows with
// their part, in objects named as Athena UNLOAD names them, contract.json, the champion's
// artifact), the Train step's hyperparameters, and the Evaluate step's environment.
import { spawnSync } from 'node:child_process';
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { c as createTar } from 'tar';
import type { DuckDbWarehouse } from '../../src/adapters/local/duckdb/duckdb-warehouse.js';
import { exportTrainingRows } from '../../src/adapters/local/training/training-export.js';
import { CHAMPION_FOLDER, CONTRACT_FILE, type RowPart } from '../../src/adapters/shared/pipeline-inputs.js';
import type { FeatureContract } from '../../src/domain/contract/contract.js';
import type { MonitoringTables } from '../../src/domain/sql/query-input.js';
import type { TrainingRequest } from '../../src/ports/training-pipeline.js';
import { processingPaths, trainingPaths } from '../../src/sagemaker-container/job-paths.js';

export interface StagedRows {
  warehouse: DuckDbWarehouse;
  contract: FeatureContract;
  tables: MonitoringTables;
  request: TrainingRequest;
}

/** Writes the request's rows, both parts, into `folder` as the pipeline's inputs folder holds them. */
export async function stageLabelledRows(folder: string, rows: StagedRows, scratch: string): Promise<void> {
  const { warehouse, contract, tables, request } = rows;
  const share = request.holdoutShare ?? 1;
  await mkdir(folder, { recursive: true });
  await mkdir(scratch, { recursive: true });
  const parts: [RowPart, { start: string; end: string }][] = [
    ['training', request.trainingWindow],
    ['holdout', request.holdoutWindow],
  ];
  for (const [index, [part, window]] of parts.entries()) {
    const exported = join(scratch, `${part}.parquet`);
    const split = share >= 1 ? undefined : { holdoutWindow: request.holdoutWindow, share, part };
    await exportTrainingRows(warehouse, { contract, tables, window, asOf: request.asOf, split }, exported);
    // UNLOAD's object names have no extension.
    const target = join(folder, `20240420_000000_00042_abcde_${index}`);
    await warehouse.execute(`COPY (SELECT *, '${part}' AS "part" FROM read_parquet('${exported}')) TO '${target}' (FORMAT parquet)`);
  }
  await writeFile(join(folder, CONTRACT_FILE), `${JSON.stringify(contract, null, 2)}\n`);
}

export async function stageChampion(folder: string, artifactPath: string): Promise<void> {
  await mkdir(join(folder, CHAMPION_FOLDER), { recursive: true });
  await copyFile(artifactPath, join(folder, CHAMPION_FOLDER, 'model.json'));
}

/** The Train step's hyperparameters for a request, as SageMaker writes them: every value text. */
export function hyperparametersOf(request: TrainingRequest): Record<string, string> {
  return {
    model: request.model,
    version: request.candidateVersion,
    'training-start': request.trainingWindow.start,
    'training-end': request.trainingWindow.end,
    'holdout-start': request.holdoutWindow.start,
    'holdout-end': request.holdoutWindow.end,
    'holdout-share': String(request.holdoutShare ?? 1),
    'as-of': request.asOf,
    alpha: String(request.parameters?.['alpha'] ?? 1),
  };
}

export async function writeHyperparameters(mlRoot: string, values: Record<string, string>): Promise<void> {
  const path = trainingPaths(mlRoot).hyperparameters;
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, JSON.stringify(values));
}

/** The Evaluate step's environment for a request, its report under the given root. */
export function evaluationEnvironment(mlRoot: string, request: TrainingRequest, candidateArtifact: string): Record<string, string> {
  return {
    VIGIL_MODEL: request.model,
    VIGIL_CANDIDATE_VERSION: request.candidateVersion,
    VIGIL_CANDIDATE_ARTIFACT: candidateArtifact,
    VIGIL_CHAMPION_VERSION: request.championVersion ?? '',
    VIGIL_HOLDOUT_START: request.holdoutWindow.start,
    VIGIL_HOLDOUT_END: request.holdoutWindow.end,
    VIGIL_HOLDOUT_SHARE: String(request.holdoutShare ?? 1),
    VIGIL_AS_OF: request.asOf,
    VIGIL_REPORT_PATH: join(processingPaths(mlRoot).evaluation, 'evaluation.json'),
  };
}

/** model.tar.gz of a model folder, as SageMaker packs /opt/ml/model (entries under "./"). */
export async function packModel(modelDir: string, tarball: string): Promise<void> {
  await mkdir(join(tarball, '..'), { recursive: true });
  await createTar({ gzip: true, file: tarball, cwd: modelDir, portable: true }, ['.']);
}

export interface JobRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** `vigil <job> --ml-root <root>` as a process, as the image's entrypoint runs it. */
export function runContainerJob(job: 'train' | 'evaluate', mlRoot: string, env: Record<string, string> = {}): JobRun {
  const result = spawnSync(process.execPath, ['bin/vigil.mjs', job, '--ml-root', mlRoot], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    timeout: 120_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
