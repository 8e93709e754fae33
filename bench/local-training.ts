// Benchmark of a local training run: the same generated data trained the old way, in the worker's
// process (the domain functions called directly on rows read through the warehouse), and the new
// way, by LocalTrainingPipeline in a training process. Each way runs in a fresh process so its
// peak RSS is its own. Figures: wall time, the worker's RSS growth and peak, the training
// process's peak RSS, and the worker's event-loop delay while training (what starves heartbeats).
//
//   npx tsx bench/local-training.ts [--window-rows 2100000] [--quick]
//
// The window's rows are ~60 % labelled and a 0.2 hash split holds out a fifth of those, so 2.1M
// production rows give ~1M training rows. It passes or fails nothing; it prints figures.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DuckDbWarehouse } from '../src/adapters/local/duckdb/duckdb-warehouse.js';
import { LocalTrainingPipeline } from '../src/adapters/local/training/local-training-pipeline.js';
import { parseContract, type FeatureContract } from '../src/domain/contract/contract.js';
import { predict, predictCoerced } from '../src/domain/model/predict.js';
import { holdoutMetrics, trainModel } from '../src/domain/model/train.js';
import { type MonitoringTables } from '../src/domain/sql/query-input.js';
import { decodeTrainingRows, trainingRowsSql, type TrainingRow } from '../src/domain/sql/training-rows.js';
import type { TrainingRequest } from '../src/ports/training-pipeline.js';
import { benchAsOf, benchContract, benchWindow, dataFiles, generateData } from './generate-data.js';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const mb = (bytes: number): number => Math.round(bytes / 2 ** 20);

interface Measured {
  mode: 'in-process' | 'child-process';
  trainingRows: number;
  holdoutRows: number;
  wallS: number;
  /** Phase name to seconds. */
  phases: Record<string, number>;
  workerRssBeforeMb: number;
  workerPeakRssMb: number;
  workerHeapPeakMb: number;
  trainerPeakRssMb: number | null;
  loopDelayP50Ms: number;
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
  /** Time the loop was stuck, summed over stalls longer than 100 ms (a 10 ms timer, late). */
  stalledS: number;
  stalls: number;
}

const request: TrainingRequest = {
  model: 'bench',
  candidateVersion: 'v2',
  trainingWindow: benchWindow,
  holdoutWindow: benchWindow,
  holdoutShare: 0.2,
  championVersion: 'v1',
  asOf: benchAsOf,
};

async function openWarehouse(dir: string, windowRows: number, contract: FeatureContract): Promise<{ warehouse: DuckDbWarehouse; tables: MonitoringTables }> {
  // As the worker opens its warehouse (src/worker/compose-runtime.ts, default memory limit).
  const warehouse = await DuckDbWarehouse.open({
    settings: { memory_limit: '512MB', temp_directory: join(dir, 'spill'), preserve_insertion_order: 'false' },
  });
  await warehouse.ensureResultTables();
  const files = dataFiles(dir, windowRows);
  const tables = await warehouse.registerFileSources({
    contract,
    productionLog: { path: files.productionLog, format: 'parquet' },
    labels: { path: files.labels, format: 'parquet' },
    baseline: { path: files.baseline, format: 'parquet' },
  });
  return { warehouse, tables };
}

/** The job as it ran in the worker before: rows through the warehouse into Node, then the domain. */
async function inProcess(warehouse: DuckDbWarehouse, tables: MonitoringTables, contract: FeatureContract, phase: (name: string) => void): Promise<{ training: number; holdout: number }> {
  const rowsOf = async (part: 'training' | 'holdout'): Promise<TrainingRow[]> => {
    const split = { holdoutWindow: benchWindow, share: 0.2, part };
    const built = trainingRowsSql({ contract, tables, window: benchWindow, asOf: benchAsOf, dialect: warehouse.sql, split, withServing: part === 'holdout' });
    return decodeTrainingRows((await warehouse.query(built.sql)).rows, contract);
  };
  const labelled = (rows: TrainingRow[]): { rows: TrainingRow['features'][]; labels: number[] } => ({ rows: rows.map((r) => r.features), labels: rows.map((r) => r.label) });
  phase('read training rows');
  const training = await rowsOf('training');
  phase('read holdout rows');
  const holdout = await rowsOf('holdout');
  phase('train');
  const artifact = trainModel({ contract, version: 'v2', trainedAt: benchAsOf, ...labelled(training), holdout: labelled(holdout) });
  phase('score training rows');
  // The old scoredTrainingRowsText: every line, then one string.
  const predictions = predictCoerced(artifact, training.map((r) => r.features));
  const seen = new Set<string>();
  const lines: string[] = [];
  training.forEach((row, index) => {
    if (seen.has(row.recordId)) return;
    seen.add(row.recordId);
    lines.push(JSON.stringify({ record_id: row.recordId, prediction: predictions[index] }));
  });
  const text = `${lines.join('\n')}\n`;
  phase('evaluate');
  const served = holdout.filter((row) => row.served?.version === 'v1' && row.served.prediction !== null);
  holdoutMetrics(predict(artifact, served.map((r) => r.features)), served.map((r) => r.label));
  holdoutMetrics(served.map((r) => r.served?.prediction ?? Number.NaN), served.map((r) => r.label));
  // The rows the champion served: what the pipeline reports as holdout rows here.
  return { training: training.length, holdout: text.length > 0 ? served.length : 0 };
}

/** The job as LocalTrainingPipeline runs it now, polled as the waitForTraining activity polls. */
async function childProcess(dir: string, warehouse: DuckDbWarehouse, tables: MonitoringTables, contract: FeatureContract, phase: (name: string) => void): Promise<{ training: number; holdout: number; trainerPeakRssMb: number | null }> {
  const dataDir = join(dir, 'vigil');
  await mkdir(dataDir, { recursive: true });
  const pipeline = new LocalTrainingPipeline({ warehouse, dataDir, contractFor: () => contract, tablesFor: () => Promise.resolve(tables) });
  const { executionId } = await pipeline.start(request);
  let step = '';
  for (;;) {
    const execution = await pipeline.describe(executionId);
    const current = (execution.step ?? '').replace(/\d+/g, 'N');
    if (current !== step) phase((step = current));
    if (execution.status !== 'Executing') {
      if (execution.status !== 'Succeeded') throw new Error(`training ${execution.status}: ${execution.failureReason}`);
      const state = JSON.parse(await readFile(join(dataDir, 'pipelines', `${executionId}.json`), 'utf8')) as { trainer?: { peakRssMb?: number } };
      return { training: execution.result?.trainingRows ?? 0, holdout: execution.result?.candidate.rows ?? 0, trainerPeakRssMb: state.trainer?.peakRssMb ?? null };
    }
    await sleep(50);
  }
}

async function measure(mode: Measured['mode'], dir: string, windowRows: number): Promise<Measured> {
  const contract = parseContract(benchContract());
  const { warehouse, tables } = await openWarehouse(dir, windowRows, contract);
  const rssBefore = process.memoryUsage.rss();
  let heapPeak = 0;
  const sampler = setInterval(() => (heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed)), 20);
  const phases: Record<string, number> = {};
  let phaseName = '';
  let phaseStart = performance.now();
  const phase = (name: string): void => {
    const now = performance.now();
    if (phaseName !== '') phases[phaseName] = (phases[phaseName] ?? 0) + (now - phaseStart) / 1000;
    [phaseName, phaseStart] = [name, now];
  };
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  // The histogram takes one sample per stall, however long: count the stalled time as well.
  let stalled = 0;
  let stalls = 0;
  let tick = performance.now();
  const ticker = setInterval(() => {
    const now = performance.now();
    if (now - tick > 110) [stalled, stalls] = [stalled + (now - tick - 10), stalls + 1];
    tick = now;
  }, 10);
  const started = performance.now();
  const done =
    mode === 'in-process'
      ? { ...(await inProcess(warehouse, tables, contract, phase)), trainerPeakRssMb: null }
      : await childProcess(dir, warehouse, tables, contract, phase);
  phase('');
  const wallS = (performance.now() - started) / 1000;
  delay.disable();
  clearInterval(sampler);
  clearInterval(ticker);
  await warehouse.close();
  return {
    mode,
    trainingRows: done.training,
    holdoutRows: done.holdout,
    wallS,
    phases,
    workerRssBeforeMb: mb(rssBefore),
    workerPeakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    workerHeapPeakMb: mb(heapPeak),
    trainerPeakRssMb: done.trainerPeakRssMb === null ? null : Math.round(done.trainerPeakRssMb),
    loopDelayP50Ms: delay.percentile(50) / 1e6,
    loopDelayP99Ms: delay.percentile(99) / 1e6,
    loopDelayMaxMs: delay.max / 1e6,
    stalledS: stalled / 1000,
    stalls,
  };
}

function runMode(mode: Measured['mode'], dir: string, windowRows: number): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const script = fileURLToPath(import.meta.url);
    const child = spawn(process.execPath, ['--import', 'tsx', script, '--mode', mode, '--dir', dir, '--window-rows', String(windowRows)], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (data: Buffer) => (out += data.toString()));
    child.on('close', (code) => {
      const line = out.trim().split('\n').at(-1) ?? '';
      if (code !== 0) reject(new Error(`${mode} exited with ${code}: ${out}`));
      else resolve(JSON.parse(line) as Measured);
    });
  });
}

function report(results: Measured[]): void {
  const row = (label: string, value: (m: Measured) => string): void => console.log(`${label.padEnd(34)}${results.map((m) => value(m).padStart(20)).join('')}`);
  row('', (m) => m.mode);
  row('training rows / holdout rows', (m) => `${m.trainingRows} / ${m.holdoutRows}`);
  row('wall time s', (m) => m.wallS.toFixed(1));
  row('worker RSS before MB', (m) => String(m.workerRssBeforeMb));
  row('worker peak RSS MB', (m) => String(m.workerPeakRssMb));
  row('worker RSS growth MB', (m) => String(m.workerPeakRssMb - m.workerRssBeforeMb));
  row('worker heap peak MB (sampled)', (m) => String(m.workerHeapPeakMb));
  row('training process peak RSS MB', (m) => (m.trainerPeakRssMb === null ? '-' : String(m.trainerPeakRssMb)));
  row('worker event-loop delay p50 ms', (m) => m.loopDelayP50Ms.toFixed(1));
  row('worker event-loop delay p99 ms', (m) => m.loopDelayP99Ms.toFixed(1));
  row('worker event-loop delay max ms', (m) => m.loopDelayMaxMs.toFixed(1));
  row('worker loop stalled > 100 ms: s (n)', (m) => `${m.stalledS.toFixed(1)} (${m.stalls})`);
  for (const m of results) console.log(`phases (${m.mode}): ${Object.entries(m.phases).map(([name, s]) => `${name} ${s.toFixed(1)} s`).join('; ')}`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { mode: { type: 'string' }, dir: { type: 'string' }, 'window-rows': { type: 'string' }, quick: { type: 'boolean' } },
  });
  const windowRows = Number(values['window-rows'] ?? (values.quick === true ? 200_000 : 2_100_000));
  if (values.mode !== undefined && values.dir !== undefined) {
    console.log(JSON.stringify(await measure(values.mode as Measured['mode'], values.dir, windowRows)));
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'vigil-training-bench-'));
  try {
    console.log(`generating a window of ${windowRows.toLocaleString('en')} production rows (${availableParallelism()} cores)`);
    await generateData({ dir, baselineRows: 10_000, windowSizes: [windowRows], threads: availableParallelism(), log: (line) => console.log(line) });
    const results: Measured[] = [];
    for (const mode of ['in-process', 'child-process'] as const) {
      console.log(`running ${mode} ...`);
      results.push(await runMode(mode, dir, windowRows));
    }
    report(results);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
