// Test infrastructure only: `vigil worker` processes for the crash tests, started against a dev
// server and killed the hard way; every one started is killed when the suite ends.
import { spawn, type ChildProcess } from 'node:child_process';

export interface WorkerProcesses {
  start(configPath: string, temporalAddress: string): ChildProcess;
  /** SIGKILLs every worker still running. */
  killAll(): void;
}

export function workerProcesses(): WorkerProcesses {
  const workers: ChildProcess[] = [];
  return {
    start(configPath, temporalAddress) {
      const child = spawn(process.execPath, ['bin/vigil.mjs', 'worker', '-c', configPath], {
        env: { ...process.env, TEMPORAL_ADDRESS: temporalAddress, TEMPORAL_NAMESPACE: 'default' },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      child.stderr?.on('data', () => undefined);
      workers.push(child);
      return child;
    },
    killAll() {
      for (const worker of workers) if (worker.exitCode === null && worker.signalCode === null) worker.kill('SIGKILL');
    },
  };
}

export function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', () => resolve()));
}
