// TrainingPipeline for local mode, playing the SageMaker Pipeline's part: the warehouse exports the
// labelled rows of the training and holdout windows to Parquet, and a training process (a child
// Node process, training-child.ts) trains the ridge model, scores the training rows and evaluates
// the candidate and the champion on the same holdout rows. Training a large window takes seconds
// of CPU and a heap the size of the rows: in its own process neither is the worker's, so
// monitoring on the same worker keeps its event loop. The artifact itself is written here, where
// the execution's state is, so that only a run that claimed the version writes it.
//
// Each execution has a state file, {dataDir}/pipelines/{executionId}.json, written atomically, so
// a restarted worker still sees finished executions; its exported rows live in the folder of the
// same name while a run lasts. An execution found Executing with no job in this process was
// interrupted (local mode runs one worker per data folder: the DuckDB file admits one writer), and
// start() or describe() resumes it from its stored request. Training is deterministic (same rows,
// same artifact), so a rerun is safe; after maxAttempts interruptions the execution is Failed
// instead, so a job that brings the worker down does not loop for ever. The heavy part runs in a
// child process, so an interruption is almost always the worker's own end (a deploy, a crash, a
// kill): the job gets as many runs as a long step gets attempts (longStepRetry, 10), since every
// worker death costs the step that waits on it one attempt too (the chaos suite, local seed 8,
// failed a retraining on the third kill during one job when the limit was 3). A training process that
// dies fails the run with what it last wrote; close() stops the processes and leaves their
// executions to be resumed.
//
// A start of a candidate whose execution failed or stopped runs it again (a new run of the same
// execution id, its runs counted in the state), so the retry of a failed retraining trains; only
// a running or succeeded execution is joined, and only by the same request.
import { mkdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { type FeatureContract } from '../../../domain/contract/contract.js';
import { messageOf, NonRetryableError } from '../../../domain/errors.js';
import { parseArtifact } from '../../../domain/model/artifact.js';
import { type MonitoringTables } from '../../../domain/sql/query-input.js';
import { isoUtc, normaliseWindow } from '../../../domain/sql/sql-text.js';
import type { PipelineExecution, TrainingPipeline, TrainingRequest } from '../../../ports/training-pipeline.js';
import type { Warehouse } from '../../../ports/warehouse.js';
import { artifactPathFor } from '../model-host/local-model-host.js';
import { readText, writeAtomically } from './atomic-file.js';
import { StepFailure } from './step-failure.js';
import { exportTrainingRows } from './training-export.js';
import { runTrainer, TrainerStopped } from './training-process.js';
import { resultSchema, type TrainingJob, type TrainingResult } from './training-protocol.js';

/** Runs of one execution by default: as many as a long step's attempts (see the header). */
const defaultMaxAttempts = 10;

export interface LocalTrainingPipelineOptions {
  warehouse: Warehouse;
  dataDir: string;
  contractFor(model: string): FeatureContract;
  tablesFor(contract: FeatureContract): Promise<MonitoringTables>;
  /** Runs of one execution (the first and each resume after an interruption). Default 10. */
  maxAttempts?: number;
  /**
   * Heap limit of the training process in MB (V8's --max-old-space-size); Node's default when
   * unset. A training set too large for it fails its run with the out-of-memory message.
   */
  trainerMaxHeapMb?: number;
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
  /** The training process of the latest run: its pid, and its peak memory once it finished. */
  trainer: z.object({ pid: z.number().int(), peakRssMb: z.number().optional() }).optional(),
  result: resultSchema.optional(),
});
type ExecutionState = z.infer<typeof stateSchema>;

const executionIdPattern = /^local-[A-Za-z0-9._-]{1,260}$/;
const knownParameters = new Set(['alpha']);

/** Jobs running in this process, by state file: shared by every instance, so two never run one execution. */
const runningJobs = new Map<string, Promise<void>>();
/** Per-execution serialisation of start/describe, so a check and the write that follows stay together. */
const locks = new Map<string, Promise<unknown>>();
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

export class LocalTrainingPipeline implements TrainingPipeline {
  private readonly dataDir: string;
  private readonly maxAttempts: number;
  private readonly ownJobs = new Set<Promise<void>>();
  private readonly stopping = new AbortController();

  constructor(private readonly options: LocalTrainingPipelineOptions) {
    this.dataDir = resolve(options.dataDir);
    this.maxAttempts = options.maxAttempts ?? defaultMaxAttempts;
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

  /**
   * For a worker shutdown: kills this instance's training processes and cancels its exports, and
   * resolves when their jobs have ended. Their executions stay Executing, so the next worker
   * resumes them (an attempt each), as after a crash. No job starts on this instance afterwards.
   */
  async close(): Promise<void> {
    this.stopping.abort();
    await this.idle();
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
    const job = this.run(path, state, step)
      .then(({ result, peakRssMb }) =>
        this.writeState(path, { ...current, status: 'Succeeded', step: 'done', result, ...(current.trainer === undefined ? {} : { trainer: { ...current.trainer, peakRssMb } }) }),
      )
      .catch(async (error: unknown) => {
        // Stopped by close(): left Executing, for the next worker to resume.
        if (error instanceof TrainerStopped || this.stopping.signal.aborted) return;
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

  /** Exports the rows here, trains in a training process, writes the artifact it sends. */
  private async run(
    path: string,
    state: ExecutionState,
    step: (text: string, change?: Partial<ExecutionState>) => Promise<void>,
  ): Promise<{ result: TrainingResult; peakRssMb: number }> {
    const { request } = state;
    const contract = this.options.contractFor(request.model);
    const folder = path.replace(/\.json$/, '');
    // Files of an interrupted run are not this run's: start from an empty folder.
    await rm(folder, { recursive: true, force: true });
    await mkdir(folder, { recursive: true });
    try {
      const files = { training: join(folder, 'training.parquet'), holdout: join(folder, 'holdout.parquet') };
      await this.exportRows(request, contract, files, step);
      const artifactPath = artifactPathFor(this.dataDir, request.model, request.candidateVersion);
      const alpha = alphaOf(request);
      const job: TrainingJob = {
        contract,
        version: request.candidateVersion,
        trainingWindow: request.trainingWindow,
        asOf: request.asOf,
        ...(alpha === undefined ? {} : { alpha }),
        files,
        artifactPath,
        ...(request.championVersion === undefined
          ? {}
          : { championVersion: request.championVersion, championArtifactPath: artifactPathFor(this.dataDir, request.model, request.championVersion) }),
      };
      const outcome = await runTrainer(
        job,
        {
          started: (pid) => step('reading the rows in the training process', { trainer: { pid } }),
          step: (text) => step(text),
          writeArtifact: async (text) => {
            await step('writing the artifact');
            await this.writeArtifact(artifactPath, text, request, () => step('writing the artifact', { wroteArtifact: true }));
          },
        },
        { signal: this.stopping.signal, ...(this.options.trainerMaxHeapMb === undefined ? {} : { maxHeapMb: this.options.trainerMaxHeapMb }) },
      );
      return { result: outcome.result, peakRssMb: outcome.peakRssMb };
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  }

  private async exportRows(
    request: TrainingRequest,
    contract: FeatureContract,
    files: { training: string; holdout: string },
    step: (text: string) => Promise<void>,
  ): Promise<void> {
    await step('reading training rows');
    const tables: MonitoringTables = await this.options.tablesFor(contract);
    const share = request.holdoutShare ?? 1;
    const split = (part: 'training' | 'holdout') => (share >= 1 ? undefined : { holdoutWindow: request.holdoutWindow, share, part });
    const rows = { contract, tables, asOf: request.asOf };
    const { signal } = this.stopping;
    await exportTrainingRows(this.options.warehouse, { ...rows, window: request.trainingWindow, split: split('training') }, files.training, signal);
    await step('reading holdout rows');
    await exportTrainingRows(this.options.warehouse, { ...rows, window: request.holdoutWindow, split: split('holdout'), withServing: true }, files.holdout, signal);
  }

  /**
   * Writes the artifact the training process sent; an existing different one under the version
   * is never replaced. `claim` records, before the write, that the file is this execution's.
   */
  private async writeArtifact(path: string, text: string, request: TrainingRequest, claim: () => Promise<void>): Promise<void> {
    // What the model host will serve must be a model, and this one.
    const artifact = parseArtifact(JSON.parse(text), `artifact from the training process for ${request.model}/${request.candidateVersion}`);
    if (artifact.model !== request.model || artifact.version !== request.candidateVersion) {
      throw new Error(`the training process sent an artifact of ${artifact.model}/${artifact.version}, not ${request.model}/${request.candidateVersion}`);
    }
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
