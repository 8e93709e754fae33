// The processes the fan-out bench runs: the real `vigil worker` (bin/vigil.mjs, the same command a
// deployment runs) against a dev server on a port of its own, and what /proc says about a process
// while it runs (RSS now and at its highest, CPU seconds), since the worker is not ours to instrument.
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const vigilBin = fileURLToPath(new URL('../bin/vigil.mjs', import.meta.url));
/** /proc/<pid>/stat counts CPU time in clock ticks; Linux uses 100 a second. */
const ticksPerSecond = 100;

export interface ProcessSample {
  rssMb: number;
  /** The kernel's high-water mark of the RSS over the process's life (VmHWM). */
  peakRssMb: number;
  cpuSeconds: number;
}

/** RSS and CPU time of a live process; undefined once it has gone. */
export function sampleProcess(pid: number): ProcessSample | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
    // Fields after the command name, which may hold spaces, start after its closing parenthesis.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11] ?? 0) + Number(fields[12] ?? 0);
    return { rssMb: kb('VmRSS') / 1024, peakRssMb: kb('VmHWM') / 1024, cpuSeconds: ticks / ticksPerSecond };
  } catch {
    return undefined;
  }
}

/** The pid of the process whose command line holds every one of `parts` (the dev server we started). */
export function findProcess(parts: readonly string[]): number | undefined {
  for (const entry of readdirNumeric('/proc')) {
    try {
      const command = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (parts.every((part) => command.includes(part))) return entry;
    } catch {
      // gone between listing and reading
    }
  }
  return undefined;
}

function readdirNumeric(dir: string): number[] {
  try {
    return readdirSync(dir).filter((name) => /^\d+$/.test(name)).map(Number);
  } catch {
    return [];
  }
}

/** Highest RSS of a process over a stretch of time, sampled every `intervalMs`. */
export class RssWatch {
  peakMb = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly pid: number,
    intervalMs = 50,
  ) {
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
  }

  stop(): number {
    clearInterval(this.timer);
    this.sample();
    return this.peakMb;
  }

  private sample(): void {
    this.peakMb = Math.max(this.peakMb, sampleProcess(this.pid)?.rssMb ?? 0);
  }
}

export interface WorkerProcess {
  pid: number;
  /** Stops the worker (SIGTERM, then SIGKILL after 20 s) and waits for it to exit. */
  stop(): Promise<void>;
}

/**
 * Starts `vigil worker -c configPath` against `address` and resolves once it polls its task queue.
 * Its stderr is kept (the tail is in the error when it fails) and passed on only with `verbose`.
 */
export async function startWorker(configPath: string, address: string, options: { verbose?: boolean } = {}): Promise<WorkerProcess> {
  const child = spawn(process.execPath, [vigilBin, 'worker', '-c', configPath], {
    cwd: repoRoot,
    env: { ...process.env, TEMPORAL_ADDRESS: address, TEMPORAL_NAMESPACE: 'default' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let tail = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const ready = new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      tail = (tail + chunk).slice(-4000);
      if (options.verbose === true) process.stderr.write(chunk);
      if (tail.includes('vigil: worker on task queue')) resolve();
    });
    void exited.then((code) => reject(new Error(`the worker exited with code ${code} before it polled:\n${tail}`)));
  });
  const stop = (): Promise<void> => stopChild(child, exited);
  try {
    await ready;
  } catch (error) {
    await stop();
    throw error;
  }
  if (child.pid === undefined) throw new Error('the worker has no pid');
  return { pid: child.pid, stop };
}

async function stopChild(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  await exited;
  clearTimeout(timer);
}
