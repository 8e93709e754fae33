// `npm run bench`: generates a baseline and production windows of several sizes, runs the
// per-window monitoring path on each in a fresh child process (so each peak RSS is that size's
// alone), and beside it, on the same files, Evidently's drift and regression report and the
// "scan floor" (one DuckDB pass over every column). Prints per-run figures, the side-by-side
// comparison with its ratios, per-step timings and a verdict on memory growth. Then the fan-out
// (fan-out.ts): many models' daily runs at once on one worker against a dev server, beside the
// slowest single model's run.
// Options: --sizes 100k,300k,1M,10M   --quick   --memory-limit 1GB   --sample-rate 0.1 (1: no sampled run)
//          --threads 2   --no-evidently   --evidently-max-rows 3M   --evidently-venv DIR
//          --no-fan-out   --fan-out-models 100   --fan-out-singles 5
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  defaultEvidentlyMaxRows,
  defaultEvidentlyVenv,
  ensureEvidentlyPython,
  estimatedEvidentlyGb,
  evidentlyVersion,
  runEvidently,
  type EvidentlyResult,
  type Outcome,
} from './evidently.js';
import { benchContract, generateData } from './generate-data.js';
import type { WindowResult } from './monitoring-window.js';
import { measureScanFloor } from './scan-floor.js';
import { fanOutLines, runFanOut, type FanOutOptions } from './fan-out-section.js';
import { measureRecordValidator } from './record-validator.js';
import { measureStreamBatch } from './stream-batch.js';

const defaultSizes = [100_000, 300_000, 1_000_000];
const quickSizes = [25_000, 50_000, 100_000];
const baselineRows = { full: 200_000, quick: 50_000 };
/** Peak RSS may vary this much across sizes and still count as not growing with the window. */
const flatRatio = 1.25;
/** What the comparison aims for: Evidently this many times slower than Vigil at least... */
const evidentlyGoal = 20;
/** ...and Vigil at most this many times the scan floor. */
const scanFloorGoal = 5;
/** Scan-floor passes per size; the fastest counts (see scan-floor.ts). */
const scanFloorRepeats = 3;

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

interface BenchOptions {
  /** Window sizes, ascending, each once. */
  sizes: number[];
  baselineRows: number;
  threads: number;
  memoryLimit: string;
  sampleRate: number;
  evidently: { enabled: boolean; maxRows: number; venv: string };
  fanOut: FanOutOptions | undefined;
}

function parseOptions(): BenchOptions {
  const { values } = parseArgs({
    options: {
      sizes: { type: 'string' },
      quick: { type: 'boolean', default: false },
      'memory-limit': { type: 'string', default: '512MB' },
      'sample-rate': { type: 'string', default: '0.1' },
      threads: { type: 'string', default: String(availableParallelism()) },
      'no-evidently': { type: 'boolean', default: false },
      'evidently-max-rows': { type: 'string', default: String(defaultEvidentlyMaxRows) },
      'evidently-venv': { type: 'string', default: defaultEvidentlyVenv() },
      'no-fan-out': { type: 'boolean', default: false },
      'fan-out-models': { type: 'string' },
      'fan-out-singles': { type: 'string', default: '5' },
    },
  });
  const sizes = values.sizes !== undefined ? values.sizes.split(',').map(parseSize) : values.quick ? quickSizes : defaultSizes;
  const sampleRate = Number(values['sample-rate']);
  if (!(sampleRate > 0 && sampleRate <= 1)) throw new Error(`--sample-rate ${values['sample-rate']} is not in (0, 1]`);
  const threads = Number(values.threads);
  if (!(Number.isInteger(threads) && threads > 0)) throw new Error(`--threads ${values.threads} is not a positive whole number`);
  return {
    sizes: [...new Set(sizes)].sort((a, b) => a - b),
    baselineRows: values.quick ? baselineRows.quick : baselineRows.full,
    threads,
    memoryLimit: values['memory-limit'],
    sampleRate,
    evidently: { enabled: !values['no-evidently'], maxRows: parseSize(values['evidently-max-rows']), venv: values['evidently-venv'] },
    fanOut: values['no-fan-out']
      ? undefined
      : {
          models: wholeNumber('--fan-out-models', values['fan-out-models'] ?? (values.quick ? '20' : '100')),
          singles: wholeNumber('--fan-out-singles', values['fan-out-singles']),
          memoryLimit: values['memory-limit'],
        },
  };
}

function wholeNumber(flag: string, text: string): number {
  const value = Number(text);
  if (!(Number.isInteger(value) && value > 0)) throw new Error(`${flag} ${text} is not a positive whole number`);
  return value;
}

/** One window size measured three ways over the same files. */
interface Comparison {
  rows: number;
  vigil: WindowResult;
  evidently: Outcome<EvidentlyResult>;
  scanFloorMs: number;
}

/** Runs Evidently on each window it should run on; the virtualenv is made only if one needs it. */
class EvidentlySide {
  readonly measured: EvidentlyResult[] = [];
  private python: Promise<Outcome<string>> | undefined;

  constructor(
    private readonly settings: BenchOptions['evidently'],
    private readonly dir: string,
  ) {}

  async run(rows: number): Promise<Outcome<EvidentlyResult>> {
    if (!this.settings.enabled) return { ok: false, reason: 'left out (--no-evidently)' };
    if (rows > this.settings.maxRows) {
      const gb = estimatedEvidentlyGb(rows, this.measured);
      return { ok: false, reason: `would need ~${gb.toFixed(0)} GB (runs up to ${sizeLabel(this.settings.maxRows)} rows: --evidently-max-rows)` };
    }
    this.python ??= ensureEvidentlyPython(this.settings.venv, progress);
    const python = await this.python;
    if (!python.ok) return python;
    const features = benchContract().features;
    const result = await runEvidently({
      python: python.value,
      dir: this.dir,
      rows,
      numerical: features.filter((f) => f.type !== 'category').map((f) => f.name),
      categorical: features.filter((f) => f.type === 'category').map((f) => f.name),
    });
    if (result.ok) this.measured.push(result.value);
    return result;
  }
}

async function runVigil(dir: string, rows: number, rate: number, options: BenchOptions, malformed: number | undefined): Promise<WindowResult> {
  progress(`Vigil: a window of ${rows.toLocaleString('en')} rows${rate < 1 ? ` sampled at ${rate}` : ''} in a fresh process...`);
  const result = await runChild([
    '--dir', dir, '--rows', String(rows), '--sample-rate', String(rate), '--memory-limit', options.memoryLimit, '--threads', String(options.threads),
  ]);
  if (malformed !== undefined && result.quarantined !== malformed) {
    throw new Error(`quarantine found ${result.quarantined} rows in the ${rows}-row window, ${malformed} were malformed`);
  }
  progress(`  ${seconds(result.wallMs)} s, peak RSS ${megabytes(result.maxRssMb)} MB`);
  return result;
}

/** Evidently, then the scan floor, on the window Vigil has just analysed: one at a time, so none slows another. */
async function compareWith(vigil: WindowResult, dir: string, evidently: EvidentlySide, threads: number): Promise<Comparison> {
  progress(`Evidently ${evidentlyVersion}: DataDriftPreset + RegressionPreset on the same files...`);
  const evidentlyResult = await evidently.run(vigil.rows);
  progress(evidentlyResult.ok ? `  ${evidentlyResult.value.wallS.toFixed(1)} s, peak RSS ${megabytes(evidentlyResult.value.peakRssMb)} MB` : `  skipped: ${evidentlyResult.reason}`);
  progress(`scan floor: one DuckDB pass over every column, fastest of ${scanFloorRepeats}...`);
  const scanFloorMs = await measureScanFloor({ dir, rows: vigil.rows, contract: benchContract(), threads, repeats: scanFloorRepeats });
  progress(`  ${(scanFloorMs / 1000).toFixed(2)} s`);
  return { rows: vigil.rows, vigil, evidently: evidentlyResult, scanFloorMs };
}

function ratioCell(ratio: number, met: boolean): string {
  return `${ratio.toFixed(1)}x ${met ? 'met' : 'NOT met'}`;
}

/** The side-by-side table, then why Evidently was skipped where it was (one line per reason). */
function sideBySide(comparisons: readonly Comparison[], threads: number): string[] {
  const rows = comparisons.map((c) => {
    const evidently = c.evidently.ok ? c.evidently.value : undefined;
    const evidentlyOverVigil = evidently === undefined ? undefined : (evidently.wallS * 1000) / c.vigil.wallMs;
    const vigilOverFloor = c.vigil.wallMs / c.scanFloorMs;
    return [
      sizeLabel(c.rows),
      seconds(c.vigil.wallMs),
      megabytes(c.vigil.maxRssMb),
      evidently === undefined ? 'skipped' : evidently.wallS.toFixed(1),
      evidently === undefined ? '-' : megabytes(evidently.peakRssMb),
      (c.scanFloorMs / 1000).toFixed(2),
      evidentlyOverVigil === undefined ? '-' : ratioCell(evidentlyOverVigil, evidentlyOverVigil >= evidentlyGoal),
      ratioCell(vigilOverFloor, vigilOverFloor <= scanFloorGoal),
    ];
  });
  const header = [
    'window', 'Vigil s', 'Vigil peak MB', 'Evidently s', 'Evidently peak MB', 'scan floor s',
    `Evidently / Vigil (goal >= ${evidentlyGoal}x)`, `Vigil / scan floor (goal <= ${scanFloorGoal}x)`,
  ];
  const lines = [
    `side by side, same files: Vigil's window analysis; Evidently ${evidentlyVersion} DataDriftPreset + RegressionPreset (pandas, one process per window); ` +
      `scan floor (one DuckDB pass reading and converting every column, ${threads} threads, fastest of ${scanFloorRepeats})`,
    table(header, rows),
  ];
  const imports = comparisons.flatMap((c) => (c.evidently.ok ? [c.evidently.value.importS] : []));
  if (imports.length > 0) {
    lines.push(`Evidently s counts from reading the files to the finished report; its Python imports (~${Math.max(...imports).toFixed(1)} s a run) are left out, as Node's module loading is left out of Vigil s`);
  }
  return [...lines, ...skipReasons(comparisons)];
}

/** "Evidently skipped at 10M: would need ~15 GB ...", sizes with the same reason on one line. */
function skipReasons(comparisons: readonly Comparison[]): string[] {
  const sizesByReason = new Map<string, string[]>();
  for (const c of comparisons) {
    if (!c.evidently.ok) sizesByReason.set(c.evidently.reason, [...(sizesByReason.get(c.evidently.reason) ?? []), sizeLabel(c.rows)]);
  }
  return [...sizesByReason].map(([reason, sizes]) => `Evidently skipped at ${sizes.join(', ')}: ${reason}`);
}

function header(options: BenchOptions, runs: readonly WindowResult[], duckdbVersion: string, generateMs: number, load: { before: number[]; after: number[] }): string[] {
  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
  const duckdbSettings = runs[0]?.duckdb ?? { memoryLimit: options.memoryLimit, threads: String(options.threads) };
  return [
    'Vigil monitoring benchmark: one window through quarantine, summary, model versions, every aggregate query and evaluateWindow',
    `machine: ${availableParallelism()} cores (${cpu}), ${(totalmem() / 1024 ** 3).toFixed(1)} GiB RAM, Linux ${release()}, Node ${process.version}, ` +
      `DuckDB ${duckdbVersion}; load average ${load.before[0]?.toFixed(1)} before, ${load.after[0]?.toFixed(1)} after`,
    `DuckDB settings: memory_limit = ${options.memoryLimit} (DuckDB reports ${duckdbSettings.memoryLimit}), threads = ${duckdbSettings.threads}, ` +
      `temp_directory in the bench folder (spill)`,
    `data: baseline ${options.baselineRows.toLocaleString('en')} rows; production log with 10 features as text, one-day window, ~60 % labelled, ` +
      `~0.05 % malformed; generated in ${seconds(generateMs)} s`,
  ];
}

function runsTable(runs: readonly WindowResult[]): string {
  return table(
    ['window', 'rows', 'wall s', 'rows/s', 'prepare s', 'analyse s', 'peak RSS MB', 'peak step', 'RSS after open MB', 'heap MB', 'spilled MB', 'quarantined', 'analysed', 'breaches'],
    runs.map((r) => {
      const stepMs = (prefix: (name: string) => boolean): number =>
        Object.entries(r.steps).reduce((total, [name, ms]) => total + (prefix(name) ? ms : 0), 0);
      return [
        runLabel(r),
        r.rows.toLocaleString('en'),
        seconds(r.wallMs),
        Math.round(r.rows / (r.wallMs / 1000)).toLocaleString('en'),
        seconds(stepMs((n) => n.startsWith('prepare:'))),
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
  );
}

function stepsTable(runs: readonly WindowResult[]): string {
  const steps = [...new Set(runs.flatMap((r) => Object.keys(r.steps)))];
  return table(
    ['step', ...runs.map(runLabel)],
    steps.map((step) => [
      step,
      ...runs.map((r) => {
        const ms = r.steps[step];
        return ms === undefined ? '-' : `${(ms / 1000).toFixed(2)} s / ${megabytes(r.stepPeakRssMb[step] ?? 0)}`;
      }),
    ]),
  );
}

function samplingLine(runs: readonly WindowResult[], largest: number): string[] {
  const full = runs.find((r) => r.rows === largest && r.sampleRate === 1);
  const sampled = runs.find((r) => r.rows === largest && r.sampleRate < 1);
  if (full === undefined || sampled === undefined) return [];
  return [
    `sampling: ${sizeLabel(largest)} rows at sampleRate ${sampled.sampleRate} (hash of record_id) took ${seconds(sampled.wallMs)} s ` +
      `vs ${seconds(full.wallMs)} s unsampled (${(sampled.wallMs / full.wallMs).toFixed(2)}x), analysed ${sampled.analysedRows.toLocaleString('en')} rows, ` +
      `peak RSS ${megabytes(sampled.maxRssMb)} MB; quarantine still checks every row`,
  ];
}

async function main(): Promise<void> {
  const options = parseOptions();
  const benchStarted = performance.now();
  const largest = options.sizes[options.sizes.length - 1] ?? 0;
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
    progress(`generating data in ${dir} (baseline ${options.baselineRows.toLocaleString('en')} rows, windows ${options.sizes.map(sizeLabel).join(', ')})`);
    const generateStarted = performance.now();
    const data = await generateData({ dir, baselineRows: options.baselineRows, windowSizes: options.sizes, threads: options.threads, log: progress });
    const generateMs = performance.now() - generateStarted;

    const evidently = new EvidentlySide(options.evidently, dir);
    const runs: WindowResult[] = [];
    const comparisons: Comparison[] = [];
    for (const rows of options.sizes) {
      const vigil = await runVigil(dir, rows, 1, options, data.malformed.get(rows));
      runs.push(vigil);
      comparisons.push(await compareWith(vigil, dir, evidently, options.threads));
    }
    // --sample-rate 1 leaves out the extra sampled run.
    if (options.sampleRate < 1) runs.push(await runVigil(dir, largest, options.sampleRate, options, data.malformed.get(largest)));
    const loadAfter = loadavg();
    // After the windows, with their files deleted: the fan-out generates, and cleans up, its own.
    cleanUp();
    const fanOut = options.fanOut === undefined ? undefined : await runFanOut(options.fanOut, progress);
    progress('record validator');
    const validator = measureRecordValidator();
    progress('stream batch');
    const batch = await measureStreamBatch();

    const out = [
      ...header(options, runs, data.duckdbVersion, generateMs, { before: loadBefore, after: loadAfter }),
      '',
      runsTable(runs),
      '',
      ...sideBySide(comparisons, options.threads),
      '',
      'per step: seconds / highest RSS (MB) sampled while the step ran',
      stepsTable(runs),
      '',
      verdict(runs, options.memoryLimit),
      ...samplingLine(runs, largest),
      ...(fanOut === undefined ? [] : ['', ...fanOutLines(fanOut, table)]),
      '',
      `record validator (the stream path's check, one core): ${validator.recordsPerSecond.toLocaleString('en')} records/s over ` +
        `${validator.records.toLocaleString('en')} records, ${validator.quarantined.toLocaleString('en')} quarantined ` +
        `(goal >= 100,000/s: ${validator.recordsPerSecond >= 100_000 ? 'met' : 'NOT met'})`,
      `Kinesis batch through the stream handler, I/O left out: ${batch.records.toLocaleString('en')} records (${batch.quarantined.toLocaleString('en')} quarantined) ` +
        `in ${batch.medianMs} ms, median of ${batch.runs} (goal < 1 s: ${batch.medianMs < 1000 ? 'met' : 'NOT met'})`,
      `total bench time: ${seconds(performance.now() - benchStarted)} s`,
    ];
    process.stdout.write(`${out.join('\n')}\n`);
    if (fanOut !== undefined && !fanOut.ok) process.exitCode = 1;
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
