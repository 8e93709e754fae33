// `npm run bench`: generates a baseline and production windows of several sizes, runs the
// per-window monitoring path on each in a fresh child process (so each peak RSS is that size's
// alone), then prints per-run figures, per-step timings and a verdict on memory growth.
// Options: --sizes 100k,300k,1M   --quick   --memory-limit 1GB   --sample-rate 0.1 (1: no sampled run)
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { generateData } from './generate-data.js';
import type { WindowResult } from './monitoring-window.js';

const defaultSizes = [100_000, 300_000, 1_000_000];
const quickSizes = [25_000, 50_000, 100_000];
const baselineRows = { full: 200_000, quick: 50_000 };
/** Peak RSS may vary this much across sizes and still count as not growing with the window. */
const flatRatio = 1.25;

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const childScript = fileURLToPath(new URL('./monitoring-window.ts', import.meta.url));

const progress = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

/** "100k", "1M", "250000" → rows. */
function parseSize(text: string): number {
  const match = /^(\d+(?:\.\d+)?)([kKmM]?)$/.exec(text.trim());
  if (match === null) throw new Error(`--sizes: "${text}" is not a row count (e.g. 100k, 1M, 250000)`);
  const scale = { '': 1, k: 1e3, K: 1e3, m: 1e6, M: 1e6 }[match[2] ?? ''] ?? 1;
  const rows = Math.round(Number(match[1]) * scale);
  if (!(rows > 0)) throw new Error(`--sizes: "${text}" is not a positive row count`);
  return rows;
}

function sizeLabel(rows: number): string {
  if (rows >= 1e6 && rows % 1e5 === 0) return `${rows / 1e6}M`;
  if (rows >= 1e3 && rows % 100 === 0) return `${rows / 1e3}k`;
  return String(rows);
}

/** DuckDB's "953.6 MiB" / "1.0 GiB" / "1GB" as MiB. */
function memoryMb(text: string): number | undefined {
  const match = /^([\d.]+)\s*([KMGT]i?B|bytes?)$/i.exec(text.trim());
  if (match === null) return undefined;
  const unit = (match[2] ?? '').toUpperCase();
  const base = unit.includes('I') ? 1024 : 1000;
  const power = { K: 1, M: 2, G: 3, T: 4 }[unit[0] ?? ''] ?? 0;
  return (Number(match[1]) * base ** power) / 1024 ** 2;
}

function runChild(args: string[]): Promise<WindowResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', childScript, ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      out += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const line = out.trim().split('\n').pop() ?? '';
      if (code !== 0 || line === '') {
        reject(new Error(`the window run (${args.join(' ')}) exited with code ${code}`));
        return;
      }
      try {
        resolve(JSON.parse(line) as WindowResult);
      } catch (error) {
        reject(new Error(`the window run printed no JSON result: ${line.slice(0, 200)}`, { cause: error }));
      }
    });
  });
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  // First column left-aligned (labels), the rest right-aligned (figures).
  const line = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

const seconds = (ms: number): string => (ms / 1000).toFixed(1);
const megabytes = (value: number): string => value.toFixed(0);
const runLabel = (r: WindowResult): string => `${sizeLabel(r.rows)}${r.sampleRate < 1 ? ` @${r.sampleRate}` : ''}`;

/** The step during which the highest RSS was sampled. */
function peakStep(r: WindowResult): string {
  const [name] = Object.entries(r.stepPeakRssMb).reduce((best, entry) => (entry[1] > best[1] ? entry : best), ['-', 0]);
  return name;
}

function verdict(runs: WindowResult[], memoryLimit: string): string {
  const full = runs.filter((r) => r.sampleRate === 1).sort((a, b) => a.rows - b.rows);
  const small = full[0];
  const large = full[full.length - 1];
  if (small === undefined || large === undefined || small === large) return 'verdict: needs two window sizes to compare';
  const ratio = large.maxRssMb / small.maxRssMb;
  const head = `peak RSS ${sizeLabel(large.rows)} / ${sizeLabel(small.rows)} = ${ratio.toFixed(2)}x for ${(large.rows / small.rows).toFixed(0)}x the rows`;
  if (ratio <= flatRatio) return `verdict: ${head}: memory does not grow with the window`;
  const limitMb = memoryMb(memoryLimit);
  const overLimit = limitMb === undefined ? '' : ` = memory_limit + ${megabytes(large.maxRssMb - limitMb)} MB`;
  if (large.spillMb > 0) {
    return (
      `verdict: ${head}: DuckDB's working set grows with the window until it reaches memory_limit (${memoryLimit}), then DuckDB ` +
      `spills to disk instead (${megabytes(large.spillMb)} MB at ${sizeLabel(large.rows)}); the ${sizeLabel(large.rows)} peak is ` +
      `${megabytes(large.maxRssMb)} MB${overLimit} (Node, and DuckDB memory outside its buffer pool)`
    );
  }
  return `verdict: ${head}: memory grows with the window (DuckDB holds the working set below memory_limit ${memoryLimit}, no spill yet)`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      sizes: { type: 'string' },
      quick: { type: 'boolean', default: false },
      'memory-limit': { type: 'string', default: '512MB' },
      'sample-rate': { type: 'string', default: '0.1' },
    },
  });
  const benchStarted = performance.now();
  const sizes = values.sizes !== undefined ? values.sizes.split(',').map(parseSize) : values.quick ? quickSizes : defaultSizes;
  const sortedSizes = [...new Set(sizes)].sort((a, b) => a - b);
  const largest = sortedSizes[sortedSizes.length - 1] ?? 0;
  const baseline = values.quick ? baselineRows.quick : baselineRows.full;
  const threads = availableParallelism();
  const memoryLimit = values['memory-limit'];
  const sampleRate = Number(values['sample-rate']);
  if (!(sampleRate > 0 && sampleRate <= 1)) throw new Error(`--sample-rate ${values['sample-rate']} is not in (0, 1]`);
  const loadBefore = loadavg();

  const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-'));
  const cleanUp = (): void => rmSync(dir, { recursive: true, force: true });
  const interrupted = (): void => {
    cleanUp();
    process.exit(130);
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    progress(`generating data in ${dir} (baseline ${baseline.toLocaleString('en')} rows, windows ${sortedSizes.map(sizeLabel).join(', ')})`);
    const generateStarted = performance.now();
    const data = await generateData({ dir, baselineRows: baseline, windowSizes: sortedSizes, threads, log: progress });
    const generateMs = performance.now() - generateStarted;

    // --sample-rate 1 leaves out the extra sampled run.
    const plan = [...sortedSizes.map((rows) => ({ rows, sampleRate: 1 })), ...(sampleRate < 1 ? [{ rows: largest, sampleRate }] : [])];
    const runs: WindowResult[] = [];
    for (const { rows, sampleRate: rate } of plan) {
      progress(`monitoring a window of ${rows.toLocaleString('en')} rows${rate < 1 ? ` sampled at ${rate}` : ''} in a fresh process...`);
      const result = await runChild([
        '--dir', dir, '--rows', String(rows), '--sample-rate', String(rate), '--memory-limit', memoryLimit, '--threads', String(threads),
      ]);
      const expected = data.malformed.get(rows);
      if (expected !== undefined && result.quarantined !== expected) {
        throw new Error(`quarantine found ${result.quarantined} rows in the ${rows}-row window, ${expected} were malformed`);
      }
      runs.push(result);
      progress(`  ${seconds(result.wallMs)} s, peak RSS ${megabytes(result.maxRssMb)} MB`);
    }
    const loadAfter = loadavg();
    const duckdbSettings = runs[0]?.duckdb ?? { memoryLimit, threads: String(threads) };

    const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
    const out: string[] = [];
    out.push('Vigil monitoring benchmark: one window through quarantine, summary, model versions, every aggregate query and evaluateWindow');
    out.push(
      `machine: ${threads} cores (${cpu}), ${(totalmem() / 1024 ** 3).toFixed(1)} GiB RAM, Linux ${release()}, Node ${process.version}, ` +
        `DuckDB ${data.duckdbVersion}; load average ${loadBefore[0]?.toFixed(1)} before, ${loadAfter[0]?.toFixed(1)} after`,
    );
    out.push(
      `DuckDB settings: memory_limit = ${memoryLimit} (DuckDB reports ${duckdbSettings.memoryLimit}), threads = ${duckdbSettings.threads}, ` +
        `temp_directory in the bench folder (spill)`,
    );
    out.push(
      `data: baseline ${baseline.toLocaleString('en')} rows; production log with 10 features as text, one-day window, ~60 % labelled, ` +
        `~0.05 % malformed; generated in ${seconds(generateMs)} s`,
    );
    out.push('');
    out.push(
      table(
        ['window', 'rows', 'wall s', 'rows/s', 'prepare s', 'analyse s', 'peak RSS MB', 'peak step', 'RSS after open MB', 'heap MB', 'spilled MB', 'quarantined', 'analysed', 'breaches'],
        runs.map((r) => {
          const stepMs = (prefix: (name: string) => boolean): number =>
            Object.entries(r.steps).reduce((total, [name, ms]) => total + (prefix(name) ? ms : 0), 0);
          return [
            runLabel(r),
            r.rows.toLocaleString('en'),
            seconds(r.wallMs),
            Math.round(r.rows / (r.wallMs / 1000)).toLocaleString('en'),
            seconds(stepMs((n) => ['quarantine', 'summary', 'model-versions'].includes(n))),
            seconds(stepMs((n) => n.startsWith('analyse:') || n === 'evaluate')),
            megabytes(r.maxRssMb),
            peakStep(r),
            megabytes(r.setupRssMb),
            r.heapUsedMb.toFixed(1),
            megabytes(r.spillMb),
            r.quarantined.toLocaleString('en'),
            r.analysedRows.toLocaleString('en'),
            String(r.breaches),
          ];
        }),
      ),
    );
    out.push('');
    out.push('per step: seconds / highest RSS (MB) sampled while the step ran');
    const steps = [...new Set(runs.flatMap((r) => Object.keys(r.steps)))];
    out.push(
      table(
        ['step', ...runs.map(runLabel)],
        steps.map((step) => [
          step,
          ...runs.map((r) => {
            const ms = r.steps[step];
            return ms === undefined ? '-' : `${(ms / 1000).toFixed(2)} s / ${megabytes(r.stepPeakRssMb[step] ?? 0)}`;
          }),
        ]),
      ),
    );
    out.push('');
    out.push(verdict(runs, memoryLimit));
    const full = runs.find((r) => r.rows === largest && r.sampleRate === 1);
    const sampled = runs.find((r) => r.rows === largest && r.sampleRate < 1);
    if (full !== undefined && sampled !== undefined) {
      out.push(
        `sampling: ${sizeLabel(largest)} rows at sampleRate ${sampled.sampleRate} (hash of record_id) took ${seconds(sampled.wallMs)} s ` +
          `vs ${seconds(full.wallMs)} s unsampled (${(sampled.wallMs / full.wallMs).toFixed(2)}x), analysed ${sampled.analysedRows.toLocaleString('en')} rows, ` +
          `peak RSS ${megabytes(sampled.maxRssMb)} MB; quarantine still checks every row`,
      );
    }
    out.push(`total bench time: ${seconds(performance.now() - benchStarted)} s`);
    process.stdout.write(`${out.join('\n')}\n`);
  } finally {
    process.off('SIGINT', interrupted);
    process.off('SIGTERM', interrupted);
    cleanUp();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
