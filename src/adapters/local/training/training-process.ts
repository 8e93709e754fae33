// Runs a training job in a child Node process (training-child.ts) and relays what it says: the
// worker's event loop and heap stay free for monitoring while a model trains. A child that exits
// without a result fails the job with the end of its output; an abort (worker shutdown) kills it.
import { type ChildProcess, fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { StepFailure } from './step-failure.js';
import { fromTrainerSchema, type FromTrainer, type ToTrainer, type TrainingJob, type TrainingResult } from './training-protocol.js';

export interface TrainerHandlers {
  /** The process runs; `pid` is its own word for its pid. */
  started(pid: number): Promise<void>;
  step(text: string): Promise<void>;
  /** Writes the artifact text the trainer sent; a rejection fails the job. */
  writeArtifact(text: string): Promise<void>;
}

export interface TrainerOutcome {
  result: TrainingResult;
  pid: number;
  /** The training process's peak resident memory. */
  peakRssMb: number;
}

/** The job was stopped from this side (a worker shutdown), not failed: it may run again later. */
export class TrainerStopped extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TrainerStopped';
  }
}

/** Output kept for a failure reason: the end of what the process wrote. */
const outputTail = 4096;
const reasonTail = 1200;
/** How long a trainer that sent its result may take to exit before it is killed. */
const exitGraceMs = 10_000;

/** Children alive in this process: killed when it exits, so none outlives the worker. */
const liveChildren = new Set<ChildProcess>();
let exitHookInstalled = false;

function killOnExit(child: ChildProcess): void {
  liveChildren.add(child);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const live of liveChildren) live.kill('SIGKILL');
  });
}

export interface TrainerOptions {
  /** Stops the process: the job rejects with TrainerStopped. */
  signal?: AbortSignal;
  /** V8 heap limit of the process (--max-old-space-size), when not Node's default. */
  maxHeapMb?: number;
}

/** The entry script: the TypeScript source when this module runs from source (under tsx), else the built JavaScript. */
function trainerEntry(): { path: string; execArgv: string[] } {
  const fromSource = import.meta.url.endsWith('.ts');
  const path = fileURLToPath(new URL(`./training-child.${fromSource ? 'ts' : 'js'}`, import.meta.url));
  if (!fromSource) return { path, execArgv: [] };
  // From source the child needs the loader the project runs TypeScript with (bin/vigil.mjs: tsx),
  // resolved here: the child's working directory need not be the project's. (require.resolve, as
  // tsx may load this module as CommonJS, where import.meta.resolve does not exist.)
  const loader = createRequire(import.meta.url).resolve('tsx');
  return { path, execArgv: ['--import', pathToFileURL(loader).href] };
}

function exitText(code: number | null, signal: NodeJS.Signals | null): string {
  return signal !== null ? `was killed by ${signal}` : `exited with code ${code ?? 'unknown'}`;
}

/** A native stack frame (" 3: 0x10fb205 [/usr/bin/node]"): says nothing to the reader of a reason. */
const nativeFrame = /^\s*\d+: 0x[0-9a-f]+ /;

function tailOf(output: string): string {
  const text = output
    .split('\n')
    .filter((line) => !nativeFrame.test(line))
    .join('\n')
    .trim();
  return text.length <= reasonTail ? text : `...${text.slice(-reasonTail)}`;
}

export function runTrainer(job: TrainingJob, handlers: TrainerHandlers, options: TrainerOptions = {}): Promise<TrainerOutcome> {
  const { signal, maxHeapMb } = options;
  const entry = trainerEntry();
  const execArgv = [...entry.execArgv, ...(maxHeapMb === undefined ? [] : [`--max-old-space-size=${maxHeapMb}`])];
  // Its own process group: a Ctrl-C meant for the worker does not kill a job the next worker resumes.
  const child = fork(entry.path, [], { execArgv, stdio: ['ignore', 'pipe', 'pipe', 'ipc'], detached: true, serialization: 'json' });
  killOnExit(child);
  let output = '';
  const keep = (data: Buffer): void => {
    output = (output + data.toString('utf8')).slice(-outputTail);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return new Promise<TrainerOutcome>((resolve, reject) => {
    let pid = child.pid ?? 0;
    let outcome: TrainerOutcome | undefined;
    let failure: Error | undefined;
    let queue = Promise.resolve();
    const alive = (): boolean => child.exitCode === null && child.signalCode === null;
    const fail = (error: Error): void => {
      failure ??= error;
      if (alive()) child.kill('SIGKILL');
    };
    const stop = (): void => fail(new TrainerStopped(`the training process (pid ${pid}) was stopped: the worker is shutting down`));
    const handle = async (message: FromTrainer): Promise<void> => {
      switch (message.type) {
        case 'started':
          pid = message.pid;
          return handlers.started(message.pid);
        case 'step':
          return handlers.step(message.text);
        case 'artifact':
          await handlers.writeArtifact(message.text);
          child.send({ type: 'artifact-written' } satisfies ToTrainer);
          return;
        case 'result':
          outcome = { result: message.result, pid, peakRssMb: message.peakRssMb };
          // Its work is done: one that does not exit by itself does not hold the job.
          setTimeout(() => alive() && child.kill('SIGKILL'), exitGraceMs).unref();
          return;
        case 'failed':
          failure ??= message.explained ? new StepFailure(message.message) : new Error(message.message);
          return;
      }
    };
    // Messages are handled in order, each after the state write of the one before.
    child.on('message', (raw: unknown) => {
      queue = queue.then(() => (failure === undefined ? handle(fromTrainerSchema.parse(raw)) : undefined)).catch(fail);
    });
    child.on('error', (error) => fail(new Error(`the training process could not run: ${error.message}`)));
    child.on('close', (code, exitSignal) => {
      liveChildren.delete(child);
      signal?.removeEventListener('abort', stop);
      queue = queue.then(() => {
        if (failure !== undefined) reject(failure);
        else if (outcome !== undefined) resolve(outcome);
        else {
          const said = tailOf(output);
          reject(new Error(`the training process (pid ${pid}) ${exitText(code, exitSignal)}${said === '' ? '' : `; its last output: ${said}`}`));
        }
      });
    });
    if (signal?.aborted === true) stop();
    else signal?.addEventListener('abort', stop, { once: true });
    child.send({ type: 'job', job } satisfies ToTrainer, (error) => error && fail(error));
  });
}
