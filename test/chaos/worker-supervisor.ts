// The `vigil worker` process of a chaos run: started, SIGKILLed and started again, one at a time.
// Every operation takes a lock, so the fault injector and the loop (which takes the worker away
// to send a decision) never start two workers or kill one that is starting.
import { spawn, type ChildProcess } from 'node:child_process';
import pRetry from 'p-retry';

export interface WorkerSupervisor {
  /** Starts a worker and resolves once it polls its task queue. */
  start(): Promise<void>;
  /** SIGKILLs the running worker (and, in local mode, the model server inside it). */
  kill(): Promise<void>;
  /** Runs `work` with the worker's lifecycle locked (no other start or kill meanwhile); `work` starts and kills through `locked`. */
  exclusive<T>(work: (locked: LockedWorker) => Promise<T>): Promise<T>;
  running(): boolean;
  /** Stops the worker the gentle way (SIGTERM, then SIGKILL after 20 s). */
  stop(): Promise<void>;
  /** How many worker processes were started. */
  started(): number;
  /**
   * The pids of workers whose exit this process has not seen (for the orphan check). Node reaps
   * its children, so a pid counted here still is that worker; probing a pid after the fact
   * (kill(pid, 0)) can find another process that was given it since (pids wrap in under an hour
   * when several runs go side by side).
   */
  unexited(): number[];
  /** The last lines the workers wrote to stderr (for a failed run's report). */
  log(): string;
  /** Workers that exited before they polled and were started again. */
  failedStarts(): number;
}

export interface LockedWorker {
  start(): Promise<void>;
  kill(): Promise<void>;
}

export interface WorkerCommand {
  configPath: string;
  temporalAddress: string;
  env?: NodeJS.ProcessEnv;
  /** Node's arguments for a worker; default `bin/vigil.mjs worker -c <configPath>`. */
  args?: string[];
}

const readyLine = /vigil: worker on task queue/;
const startTimeoutMs = 180_000;
/** Starts in a row before a worker that keeps exiting fails the run. */
const startAttempts = 3;

export function workerSupervisor(command: WorkerCommand): WorkerSupervisor {
  let current: ChildProcess | undefined;
  const all: ChildProcess[] = [];
  let failedStarts = 0;
  let stderr = '';
  let lock: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(work: (locked: LockedWorker) => Promise<T>): Promise<T> => {
    const run = (): Promise<T> => work({ start: startNow, kill: killNow });
    const next = lock.then(run, run);
    lock = next.catch(() => undefined);
    return next;
  };

  /** One worker process, resolved once it polls; rejected when it exits first or takes too long. */
  const startOnce = async (): Promise<void> => {
    const child = spawn(process.execPath, command.args ?? ['bin/vigil.mjs', 'worker', '-c', command.configPath], {
      env: { ...process.env, ...command.env, TEMPORAL_ADDRESS: command.temporalAddress, TEMPORAL_NAMESPACE: 'default' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    current = child;
    all.push(child);
    let own = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the worker did not poll within ${startTimeoutMs / 1000} s:\n${stderr.slice(-2000)}`)), startTimeoutMs);
      child.stderr?.on('data', (chunk: Buffer) => {
        stderr = (stderr + chunk.toString()).slice(-20_000);
        own = (own + chunk.toString()).slice(-4_000);
        if (readyLine.test(own)) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`the worker exited (${signal ?? code}) before it polled:\n${own.slice(-2000)}`));
      });
    });
  };

  // A worker that exits before it polls is started again, as a process manager would, a few times
  // in a row; then the start fails with what the last one wrote.
  const startNow = async (): Promise<void> => {
    if (current !== undefined && alive(current)) return;
    await pRetry(startOnce, {
      retries: startAttempts - 1,
      minTimeout: 0,
      onFailedAttempt: ({ retriesLeft }) => {
        if (current !== undefined && alive(current)) current.kill('SIGKILL');
        if (retriesLeft > 0) failedStarts += 1;
      },
    });
  };

  const killNow = async (): Promise<void> => {
    const child = current;
    if (child === undefined || !alive(child)) return;
    child.kill('SIGKILL');
    await exited(child);
  };

  return {
    start: () => exclusive((locked) => locked.start()),
    kill: () => exclusive((locked) => locked.kill()),
    exclusive,
    running: () => current !== undefined && alive(current),
    stop: () =>
      exclusive(async () => {
        const child = current;
        if (child === undefined || !alive(child)) return;
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
        await exited(child);
        clearTimeout(timer);
      }),
    started: () => all.length,
    unexited: () => all.filter(alive).map((child) => child.pid ?? -1),
    log: () => stderr,
    failedStarts: () => failedStarts,
  };
}

function alive(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

function exited(child: ChildProcess): Promise<void> {
  return alive(child) ? new Promise((resolve) => child.once('exit', () => resolve())) : Promise.resolve();
}
