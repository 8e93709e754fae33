// The fan-out section of `npm run bench`: runs fan-out.ts in a process of its own (it starts a dev
// server and a worker, and stops them), then prints its figures and the verdict against the goal:
// every model's daily run at once within 2x the slowest single model's run.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { FanOutResult } from './fan-out.js';

/** All models' runs at once may take at most this many times the slowest single run. */
export const fanOutGoal = 2;

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const script = fileURLToPath(new URL('./fan-out.ts', import.meta.url));

export interface FanOutOptions {
  models: number;
  singles: number;
  memoryLimit: string;
}

export type FanOutOutcome = { ok: true; value: FanOutResult } | { ok: false; reason: string };

export function runFanOut(options: FanOutOptions, progress: (line: string) => void): Promise<FanOutOutcome> {
  progress(`fan-out: ${options.models} models' daily runs on one worker, in a fresh process...`);
  const args = ['--models', String(options.models), '--singles', String(options.singles), '--memory-limit', options.memoryLimit];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
    });
    child.on('error', (error) => resolve({ ok: false, reason: error.message }));
    child.on('close', (code) => {
      const line = out.trim().split('\n').pop() ?? '';
      if (code !== 0 || line === '') {
        resolve({ ok: false, reason: `fan-out.ts exited with code ${code} (its error is above)` });
        return;
      }
      try {
        resolve({ ok: true, value: JSON.parse(line) as FanOutResult });
      } catch {
        resolve({ ok: false, reason: `fan-out.ts printed no JSON result: ${line.slice(0, 200)}` });
      }
    });
  });
}

type Table = (header: string[], rows: string[][]) => string;

const seconds = (ms: number): string => (ms / 1000).toFixed(2);

export function fanOutLines(outcome: FanOutOutcome, table: Table): string[] {
  if (!outcome.ok) return [`fan-out: failed: ${outcome.reason}`];
  const r = outcome.value;
  const s = r.settings;
  const single = r.singles.find((run) => run.wallMs === r.slowestSingleMs);
  return [
    `fan-out: ${r.models} models, a ${r.windowRows.toLocaleString('en')}-row window each (baseline ${r.baselineRows.toLocaleString('en')} rows), ` +
      `daily runs on one worker (vigil worker, local adapters) against a Temporal dev server; ` +
      `${s.warehouseConnections} DuckDB connections, ${s.maxConcurrentActivities} concurrent activities, DuckDB threads ${s.duckdbThreads}, ` +
      `memory_limit ${s.memoryLimit}; load average ${r.loadAverage.before} before, ${r.loadAverage.after} after`,
    table(
      ['run', 'wall s', 'worker peak RSS MB', 'worker CPU s', 'dev server CPU s'],
      [
        [
          `slowest single (${single?.model ?? '?'}, of ${r.singles.length} alone)`,
          seconds(r.slowestSingleMs),
          String(r.worker.singlesPeakRssMb),
          `${r.worker.singlesCpuS} for ${r.singles.length}`,
          '-',
        ],
        [
          `all ${r.models} at once`,
          seconds(r.allMs),
          String(r.worker.fanOutPeakRssMb),
          String(r.worker.fanOutCpuS),
          r.devServerFanOutCpuS === undefined ? '-' : String(r.devServerFanOutCpuS),
        ],
      ],
    ),
    `single runs: ${r.singles.map((run) => `${run.model} ${seconds(run.wallMs)} s`).join(', ')}; in the fan-out each model's run took ` +
      `${seconds(r.fanOutPerModelMs.median)} s (median), ${seconds(r.fanOutPerModelMs.max)} s at most; worker RSS ${r.worker.startupRssMb} MB once polling, ` +
      `${r.worker.lifetimePeakRssMb} MB at its highest`,
    ...verdictLines(r),
  ];
}

function verdictLines(r: FanOutResult): string[] {
  const met = r.ratio <= fanOutGoal;
  const head = `fan-out verdict: all ${r.models} in ${seconds(r.allMs)} s = ${r.ratio.toFixed(1)}x the slowest single model's run (goal <= ${fanOutGoal}x): ${met ? 'met' : 'NOT met'}`;
  // The CPU both processes spent, spread over every core: no schedule of this work ends sooner.
  const cpuS = r.worker.fanOutCpuS + (r.devServerFanOutCpuS ?? 0);
  const floorMs = (cpuS / r.cores) * 1000;
  const coresFor2x = Math.ceil(cpuS / ((fanOutGoal * r.slowestSingleMs) / 1000));
  return [
    head,
    `  the ${r.models} runs cost ${cpuS.toFixed(1)} CPU s (worker${r.devServerFanOutCpuS === undefined ? '' : ' and dev server'}): on ${r.cores} cores no schedule ends before ` +
      `${seconds(floorMs)} s = ${(floorMs / r.slowestSingleMs).toFixed(1)}x the single run; the fan-out took ${(r.allMs / floorMs).toFixed(2)}x that bound. ` +
      `At this cost per run, ${fanOutGoal}x needs ~${coresFor2x} cores for the worker and the server, or less work per run`,
  ];
}
