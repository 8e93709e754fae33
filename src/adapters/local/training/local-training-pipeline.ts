// TrainingPipeline for local mode, playing the SageMaker Pipeline's part in-process: read the
// labelled rows of the training and holdout windows through the warehouse, train the ridge model,
// write the artifact where the local model host serves versions from, and evaluate the candidate
// and the champion on the same holdout rows.
//
// Each execution has a state file, {dataDir}/pipelines/{executionId}.json, written atomically, so
// a restarted worker still sees finished executions. The job runs in the background of this
// process. An execution found Executing with no job in this process was interrupted (local mode
// runs one worker per data folder: the DuckDB file admits one writer), and start() or describe()
// resumes it from its stored request. Training is deterministic (same rows, same artifact), so a
// rerun is safe; after maxAttempts interruptions the execution is Failed instead, so a job that
// brings the worker down does not loop for ever.
//
// A start of a candidate whose execution failed or stopped runs it again (a new run of the same
// execution id, its runs counted in the state), so the retry of a failed retraining trains; only
// a running or succeeded execution is joined, and only by the same request.
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { type FeatureContract } from '../../../domain/contract/contract.js';
import { NonRetryableError } from '../../../domain/errors.js';
import { parseArtifact, type ModelArtifact } from '../../../domain/model/artifact.js';
import { type FeatureValue } from '../../../domain/model/coerce.js';
import { predict } from '../../../domain/model/predict.js';
import { holdoutMetrics, trainModel } from '../../../domain/model/train.js';
import { dialectFor } from '../../../domain/sql/dialect.js';
import { type MonitoringTables } from '../../../domain/sql/query-input.js';
import { isoUtc, normaliseWindow } from '../../../domain/sql/sql-text.js';
import { decodeTrainingRows, trainingRowsSql, type TrainingRow, type TrainingRowsInput } from '../../../domain/sql/training-rows.js';
import type { EvaluationMetrics } from '../../../domain/retraining/evaluation-metrics.js';
import type { PipelineExecution, TrainingPipeline, TrainingRequest } from '../../../ports/training-pipeline.js';
import type { Warehouse } from '../../../ports/warehouse.js';
import { artifactPathFor } from '../model-host/local-model-host.js';
import { scoredRowsPathFor, scoredTrainingRowsText } from './scored-training-rows.js';

export interface LocalTrainingPipelineOptions {
  warehouse: Warehouse;
  dataDir: string;
  contractFor(model: string): FeatureContract;
  tablesFor(contract: FeatureContract): Promise<MonitoringTables>;
  /** Runs of one execution (the first and each resume after an interruption). Default 3. */
  maxAttempts?: number;
}

const windowSchema = z.object({ start: z.string(), end: z.string() });
const requestSchema = z.object({
  model: z.string(),
  candidateVersion: z.string(),
  trainingWindow: windowSchema,
  holdoutWindow: windowSchema,
  holdoutShare: z.number().optional(),
  championVersion: z.string().optional(),
  asOf: z.string(),
  parameters: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
});
const metricsSchema = z.object({
  rows: z.number(),
  rmse: z.number().nullable(),
  mae: z.number().nullable(),
  basis: z.enum(['artifact', 'logged-predictions']).optional(),
});
const stateSchema = z.object({
  executionId: z.string(),
  request: requestSchema,
  status: z.enum(['Executing', 'Succeeded', 'Failed', 'Stopped']),
  step: z.string().optional(),
  failureReason: z.string().optional(),
  attempts: z.number().int().positive(),
  /** Runs of the execution: 1, and one more for each start after a failed or stopped run. */
  run: z.number().int().positive().optional(),
  /** The run got as far as writing the candidate's artifact, which a later run then replaces. */
  wroteArtifact: z.boolean().optional(),
  result: z
    .object({
      artifactUri: z.string(),
      trainingRows: z.number(),
      scoredRowsUri: z.string().optional(),
      candidate: metricsSchema,
      champion: metricsSchema.optional(),
    })
    .optional(),
});
type ExecutionState = z.infer<typeof stateSchema>;

const executionIdPattern = /^local-[A-Za-z0-9._-]{1,260}$/;
const knownParameters = new Set(['alpha']);

/** Jobs running in this process, by state file: shared by every instance, so two never run one execution. */
const runningJobs = new Map<string, Promise<void>>();
/** Per-execution serialisation of start/describe, so a check and the write that follows stay together. */
const locks = new Map<string, Promise<unknown>>();
let temporaryFiles = 0;

async function withLock<T>(key: string, task: () => Promise<T>): Promise<T> {
  const run = (locks.get(key) ?? Promise.resolve()).then(task);
  const tail = run.catch(() => undefined);
  locks.set(key, tail);
  try {
    return await run;
  } finally {
    if (locks.get(key) === tail) locks.delete(key);
  }
}

async function writeAtomically(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  temporaryFiles += 1;
  const temporary = `${path}.${process.pid}.${temporaryFiles}.tmp`;
  await writeFile(temporary, text, 'utf8');
  await rename(temporary, path);
}

async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A failure the job explains itself: its message is the failure reason as it stands. */
class StepFailure extends Error {}

function invalid(message: string): NonRetryableError {
  return new NonRetryableError(message, 'INVALID_INPUT');
}

function alphaOf(request: TrainingRequest): number | undefined {
  const value = request.parameters?.['alpha'];
  if (value === undefined) return undefined;
  const alpha = typeof value === 'number' ? value : Number(value);
  if (!(alpha >= 0) || !Number.isFinite(alpha)) throw invalid(`parameter alpha must be a finite number >= 0, got ${JSON.stringify(value)}`);
  return alpha;
}

/** The request in a canonical form: two starts of one execution must ask for the same thing. */
function canonical(request: TrainingRequest): string {
  const parameters = Object.entries(request.parameters ?? {}).sort(([a], [b]) => a.localeCompare(b));
  return JSON.stringify([
    request.model,
    request.candidateVersion,
    normaliseWindow(request.trainingWindow),
    normaliseWindow(request.holdoutWindow),
    request.championVersion ?? null,
    isoUtc(request.asOf, 'as-of time'),
    parameters,
  ]);
}

function windowText(window: { start: string; end: string }): string {
  const { start, end } = normaliseWindow(window);
  return `${start} .. ${end}`;
}

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

function evaluate(artifact: ModelArtifact, contract: FeatureContract, rows: readonly TrainingRow[]): EvaluationMetrics {
  if (rows.length === 0) return { rows: 0, rmse: null, mae: null };
  const metrics = holdoutMetrics(
    predict(artifact, rowsFor(artifact, contract, rows)),
    rows.map((row) => row.label),
  );
  return { rows: metrics.holdoutRows, rmse: metrics.rmse, mae: metrics.mae };
}

/** A champion's metrics from the predictions it logged for the rows (every row has one). */
function loggedMetrics(rows: readonly TrainingRow[]): EvaluationMetrics {
  if (rows.length === 0) return { rows: 0, rmse: null, mae: null };
  const metrics = holdoutMetrics(
    rows.map((row) => row.served?.prediction ?? Number.NaN),
    rows.map((row) => row.label),
  );
  return { rows: metrics.holdoutRows, rmse: metrics.rmse, mae: metrics.mae };
}

export class LocalTrainingPipeline implements TrainingPipeline {
  private readonly dataDir: string;
  private readonly maxAttempts: number;
  private readonly ownJobs = new Set<Promise<void>>();

  constructor(private readonly options: LocalTrainingPipelineOptions) {
    this.dataDir = resolve(options.dataDir);
    this.maxAttempts = options.maxAttempts ?? 3;
  }

  async start(request: TrainingRequest): Promise<{ executionId: string }> {
    this.check(request);
    const executionId = `local-${request.model}-${request.candidateVersion}`;
    const path = this.statePath(executionId);
    await withLock(path, async () => {
      const running = runningJobs.get(path);
      const state = await this.readState(path);
      if (state !== undefined && (state.status === 'Executing' || state.status === 'Succeeded')) {
        if (canonical(state.request) !== canonical(request)) {
          throw new NonRetryableError(
            `execution ${executionId} (${state.status}) already exists for a different request (same candidate version, other windows, champion or parameters)`,
            'CONFLICT',
          );
        }
        if (state.status === 'Executing' && running === undefined) await this.resume(path, state);
        return;
      }
      let run = 1;
      if (state !== undefined) {
        // The failed job may still be between its last state write and its end.
        await running;
        // Only this execution's own artifact is removed: a foreign one still fails the run.
        if (state.wroteArtifact === true) await rm(artifactPathFor(this.dataDir, state.request.model, state.request.candidateVersion), { force: true });
        run = (state.run ?? 1) + 1;
      }
      const fresh: ExecutionState = { executionId, request, status: 'Executing', step: 'queued', attempts: 1, run };
      await this.writeState(path, fresh);
      this.launch(path, fresh);
    });
    return { executionId };
  }

  async describe(executionId: string): Promise<PipelineExecution> {
    if (!executionIdPattern.test(executionId) || executionId.includes('..')) {
      throw new NonRetryableError(`"${executionId}" is not a local pipeline execution id`, 'INVALID_INPUT');
    }
    const path = this.statePath(executionId);
    const state = await withLock(path, async () => {
      const running = runningJobs.has(path);
      const found = await this.readState(path);
      if (found === undefined) throw new NonRetryableError(`pipeline execution ${executionId} does not exist`, 'NOT_FOUND');
      return found.status === 'Executing' && !running ? this.resume(path, found) : found;
    });
    const execution: PipelineExecution = { executionId: state.executionId, status: state.status };
    if (state.step !== undefined) execution.step = state.step;
    if (state.failureReason !== undefined) execution.failureReason = state.failureReason;
    if (state.result !== undefined) execution.result = state.result;
    return execution;
  }

  /** Resolves when every job this instance started has finished (for shutdown and tests). */
  async idle(): Promise<void> {
    while (this.ownJobs.size > 0) await Promise.all([...this.ownJobs]);
  }

  /** Refuses a request that cannot succeed, before any state is written. */
  private check(request: TrainingRequest): void {
    artifactPathFor(this.dataDir, request.model, request.candidateVersion);
    if (request.championVersion !== undefined) {
      artifactPathFor(this.dataDir, request.model, request.championVersion);
      if (request.championVersion === request.candidateVersion) {
        throw invalid(`candidate version ${request.candidateVersion} is the champion: a retrained model needs a new version name`);
      }
    }
    let training: { start: string; end: string };
    let holdout: { start: string; end: string };
    try {
      training = normaliseWindow(request.trainingWindow);
      holdout = normaliseWindow(request.holdoutWindow);
      isoUtc(request.asOf, 'as-of time');
    } catch (error) {
      throw invalid(`training request for ${request.model}/${request.candidateVersion}: ${messageOf(error)}`);
    }
    const share = request.holdoutShare ?? 1;
    if (!(share > 0 && share <= 1)) throw invalid(`holdout share ${share} is not in (0, 1]`);
    // Rows the candidate trained on would flatter it against the champion: a whole-window
    // holdout must follow training; a hash split keeps the rows apart by itself.
    if (share >= 1 && holdout.start < training.end) {
      throw invalid(`holdout window ${holdout.start} .. ${holdout.end} must start at or after the training window's end ${training.end}`);
    }
    const unknown = Object.keys(request.parameters ?? {}).filter((name) => !knownParameters.has(name));
    if (unknown.length > 0) throw invalid(`unknown training parameter(s) ${unknown.join(', ')} (known: ${[...knownParameters].join(', ')})`);
    alphaOf(request);
    const contract = this.options.contractFor(request.model);
    if (contract.model !== request.model) throw invalid(`the contract for "${request.model}" is the contract of "${contract.model}"`);
  }

  private async resume(path: string, state: ExecutionState): Promise<ExecutionState> {
    if (state.attempts >= this.maxAttempts) {
      const failed: ExecutionState = {
        ...state,
        status: 'Failed',
        failureReason: `interrupted ${state.attempts} time(s) while ${state.step ?? 'running'} (the worker stopped during the job); not resumed again`,
      };
      await this.writeState(path, failed);
      return failed;
    }
    const resumed: ExecutionState = { ...state, attempts: state.attempts + 1, step: 'resuming after an interruption' };
    await this.writeState(path, resumed);
    this.launch(path, resumed);
    return resumed;
  }

  private launch(path: string, state: ExecutionState): void {
    let current = state;
    const step = async (text: string, change: Partial<ExecutionState> = {}): Promise<void> => {
      current = { ...current, ...change, step: text };
      await this.writeState(path, current);
    };
    const job = this.run(state.request, step)
      .then((result) => this.writeState(path, { ...current, status: 'Succeeded', step: 'done', result }))
      .catch(async (error: unknown) => {
        const reason = error instanceof StepFailure ? error.message : `failed while ${current.step ?? 'running'}: ${messageOf(error)}`;
        try {
          await this.writeState(path, { ...current, status: 'Failed', failureReason: reason });
        } catch {
          // Left Executing with no job: the next start or describe resumes it.
        }
      })
      .finally(() => {
        // A later run of the execution may have its own job here already.
        if (runningJobs.get(path) === job) runningJobs.delete(path);
        this.ownJobs.delete(job);
      });
    runningJobs.set(path, job);
    this.ownJobs.add(job);
  }

  private async run(
    request: TrainingRequest,
    step: (text: string, change?: Partial<ExecutionState>) => Promise<void>,
  ): Promise<NonNullable<ExecutionState['result']>> {
    const contract = this.options.contractFor(request.model);
    await step('reading training rows');
    const tables = await this.options.tablesFor(contract);
    const share = request.holdoutShare ?? 1;
    const split = (part: 'training' | 'holdout') => (share >= 1 ? undefined : { holdoutWindow: request.holdoutWindow, share, part });
    const training = await this.labelledRows(contract, tables, request.trainingWindow, request.asOf, split('training'));
    if (training.length === 0) {
      throw new StepFailure(`no labelled rows in the training window ${windowText(request.trainingWindow)} (labels as of ${isoUtc(request.asOf)})`);
    }
    await step('reading holdout rows');
    const holdout = await this.labelledRows(contract, tables, request.holdoutWindow, request.asOf, split('holdout'), true);

    await step(`training on ${training.length} rows`);
    const labelled = (rows: readonly TrainingRow[]): { rows: FeatureValue[][]; labels: number[] } => ({
      rows: rows.map((row) => row.features),
      labels: rows.map((row) => row.label),
    });
    const alpha = alphaOf(request);
    const artifact = trainModel({
      contract,
      version: request.candidateVersion,
      // The request's instant, not the clock: a rerun writes the same artifact.
      trainedAt: isoUtc(request.asOf),
      ...(alpha === undefined ? {} : { alpha }),
      ...labelled(training),
      ...(holdout.length === 0 ? {} : { holdout: labelled(holdout) }),
    });
    const artifactPath = artifactPathFor(this.dataDir, request.model, request.candidateVersion);
    await step('writing the artifact');
    await this.writeArtifact(artifactPath, artifact, () => step('writing the artifact', { wroteArtifact: true }));
    await step('scoring the training rows');
    const scoredRowsUri = scoredRowsPathFor(artifactPath);
    await writeAtomically(scoredRowsUri, scoredTrainingRowsText(artifact, training));

    await step(`evaluating on ${holdout.length} holdout rows`);
    const result: NonNullable<ExecutionState['result']> = {
      artifactUri: artifactPath,
      trainingRows: artifact.trainingRows,
      scoredRowsUri,
      candidate: evaluate(artifact, contract, holdout),
    };
    if (request.championVersion !== undefined) {
      const champion = await this.championArtifact(request.model, request.championVersion);
      if (champion !== undefined) {
        result.champion = { ...evaluate(champion, contract, holdout), basis: 'artifact' };
      } else {
        // No artifact (a model trained elsewhere): both are judged on the holdout rows the champion
        // served, the champion by the predictions it logged for them.
        const served = holdout.filter((row) => row.served !== undefined && row.served.version === request.championVersion && row.served.prediction !== null);
        result.candidate = evaluate(artifact, contract, served);
        result.champion = { ...loggedMetrics(served), basis: 'logged-predictions' };
      }
    }
    return result;
  }

  private async labelledRows(
    contract: FeatureContract,
    tables: MonitoringTables,
    window: { start: string; end: string },
    asOf: string,
    split?: TrainingRowsInput['split'],
    withServing = false,
  ): Promise<TrainingRow[]> {
    const dialect = dialectFor(this.options.warehouse.dialect);
    const built = trainingRowsSql({ contract, tables, window, asOf, dialect, withServing, ...(split === undefined ? {} : { split }) });
    const { rows } = await this.options.warehouse.query(built.sql, { label: built.label });
    return decodeTrainingRows(rows, contract);
  }

  /**
   * Writes the artifact; an existing different one under the version is never replaced. `claim`
   * records, before the write, that the file is this execution's.
   */
  private async writeArtifact(path: string, artifact: ModelArtifact, claim: () => Promise<void>): Promise<void> {
    const text = `${JSON.stringify(artifact, null, 2)}\n`;
    const existing = await readText(path);
    if (existing === text) return;
    if (existing !== undefined) {
      throw new StepFailure(
        `an artifact for ${artifact.model}/${artifact.version} already exists at ${path} and differs from this training run's: a candidate needs a new version name`,
      );
    }
    await claim();
    await writeAtomically(path, text);
  }

  /** The champion's artifact; undefined when it has none here (a model trained elsewhere). */
  private async championArtifact(model: string, version: string): Promise<ModelArtifact | undefined> {
    const path = artifactPathFor(this.dataDir, model, version);
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

  private statePath(executionId: string): string {
    return join(this.dataDir, 'pipelines', `${executionId}.json`);
  }

  private async readState(path: string): Promise<ExecutionState | undefined> {
    const text = await readText(path);
    if (text === undefined) return undefined;
    let parsed: ReturnType<typeof stateSchema.safeParse>;
    try {
      parsed = stateSchema.safeParse(JSON.parse(text));
    } catch (error) {
      throw new NonRetryableError(`pipeline state ${path} is not JSON: ${messageOf(error)}`, 'CORRUPT_STATE', { cause: error });
    }
    if (!parsed.success) {
      const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ');
      throw new NonRetryableError(`pipeline state ${path} is malformed: ${problems}`, 'CORRUPT_STATE');
    }
    return parsed.data;
  }

  private async writeState(path: string, state: ExecutionState): Promise<void> {
    await writeAtomically(path, `${JSON.stringify(state, null, 2)}\n`);
  }
}
