// `--parallel P`: the runs split into P slices of consecutive seeds (each slice one mode), each
// slice a `npm run chaos` process of its own (its own moto and Trino in aws mode: a run resets moto,
// so two runs cannot share one), started together. Runs spend most of their time waiting out
// heartbeat timeouts and retry intervals, so on 2 cores 4 slices take about a third of the time of
// one. Each slice's tables are printed when it ends; the last line counts every run of every slice.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChaosRunReport } from './chaos-run.js';

export interface ChaosSlice {
  mode: 'local' | 'aws';
  seed: number;
  runs: number;
}

/** Each mode's seeds cut into about P / modes slices of consecutive seeds. */
export function slicesOf(modes: readonly ('local' | 'aws')[], seed: number, runs: number, parallel: number): ChaosSlice[] {
  const perMode = Math.max(1, Math.min(runs, Math.round(parallel / modes.length)));
  return modes.flatMap((mode) =>
    Array.from({ length: perMode }, (_, part) => {
      const first = Math.floor((part * runs) / perMode);
      const next = Math.floor(((part + 1) * runs) / perMode);
      return { mode, seed: seed + first, runs: next - first };
    }).filter((slice) => slice.runs > 0),
  );
}

/** Runs the slices side by side; resolves with every run's report, each slice's output printed as it ends. */
export async function runSlices(slices: readonly ChaosSlice[], options: { kills: number; keep: boolean }, print: (text: string) => void): Promise<ChaosRunReport[]> {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-chaos-slices-'));
  try {
    const reports = await Promise.all(
      slices.map(async (slice, index) => {
        const reportPath = join(dir, `slice-${index}.json`);
        const args = ['--import', 'tsx', 'test/chaos/run.ts', '--seed', String(slice.seed), '--runs', String(slice.runs), '--mode', slice.mode, '--kills', String(options.kills), '--report-json', reportPath, ...(options.keep ? ['--keep'] : [])];
        const output: Buffer[] = [];
        const code = await new Promise<number | null>((resolve) => {
          const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
          child.stdout.on('data', (chunk: Buffer) => output.push(chunk));
          child.stderr.on('data', (chunk: Buffer) => output.push(chunk));
          child.on('close', resolve);
        });
        const label = `slice ${index + 1}/${slices.length} (${slice.mode}, seeds ${slice.seed}..${slice.seed + slice.runs - 1})`;
        const runLinesOnly = Buffer.concat(output).toString('utf8').split('\n').filter((line) => /^(run \d| {2})/.test(line) || line.startsWith('chaos:'));
        print([`== ${label}: exit ${String(code)}`, ...runLinesOnly].join('\n'));
        try {
          return JSON.parse(await readFile(reportPath, 'utf8')) as ChaosRunReport[];
        } catch {
          // A slice that ended before its report (its setup failed): every run of it counts as not held.
          print(`== ${label} wrote no report; its last output:\n${Buffer.concat(output).toString('utf8').split('\n').slice(-15).join('\n')}`);
          return Array.from({ length: slice.runs }, (_, at): ChaosRunReport => ({ mode: slice.mode, seed: slice.seed + at, faults: [], checks: [], held: false, seconds: 0, error: 'the slice ended before this run reported' }));
        }
      }),
    );
    return reports.flat();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
