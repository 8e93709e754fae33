// `npm run bench:trino`: the preview of aws mode's cost. Each monitoring query's Athena text runs on
// a real Trino (Athena's engine: Trino 476, one node, the Hive connector on Parquet, as in the tests)
// over the bench's window, beside the DuckDB text of the same query on DuckDB over the same files,
// and the two answers are compared as the Trino suite compares them. Prints a line per query, with
// the bytes Trino read for it. Then the staged path, as aws mode runs a window: the window, baseline
// and labels staged once on Trino (the SELECTs Athena UNLOADs), every statistic over the staged
// tables, each compared with DuckDB's over its own staging; and what one monitoring window would cost
// on Athena (see windowBill).
// Options: --dir DIR (default: a scratch folder)   --rows N (default 1M)   --heap 4G   --threads 2
//          --only quality,distance (some queries only, over the sources; no staged path nor bill)
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DuckDbWarehouse } from '../src/adapters/local/duckdb/duckdb-warehouse.js';
import { analysisWindows } from '../src/activities/monitoring/window-query.js';
import { parseContract } from '../src/domain/contract/contract.js';
import { edgesFromQuantiles } from '../src/domain/sql/bins.js';
import { athenaDialect, duckdbDialect, type SqlDialect } from '../src/domain/sql/dialect.js';
import { baselineQuantilesOf, decodeNumericDistance } from '../src/domain/sql/distance.js';
import { numericDistanceSql } from '../src/domain/sql/monitoring-queries.js';
import { type MonitoringQueryInput } from '../src/domain/sql/query-input.js';
import { modelVersionsSql } from '../src/domain/sql/model-versions.js';
import { trainingRowsSql } from '../src/domain/sql/training-rows.js';
import { assertAnswersAgree } from '../test/support/answers-agree.js';
import { quantileBands } from '../test/support/quantile-bands.js';
import { monitoringQueryBuilders, type QueryBuilder } from '../test/support/query-builders.js';
import { startTrino } from '../test/support/trino/server.js';
import { mirrorToTrino } from '../test/support/trino/parquet-tables.js';
import { benchMonitoringDefaults } from './bench-policy.js';
import { oneScanSql, stagedStatements, windowBill } from './athena-bill.js';
import { stagedBaselineSql, stagedLabelsSql, stagedWindowSql } from '../src/domain/sql/staging.js';
import { type StagedSources } from '../src/domain/sql/query-input.js';
import { benchAsOf, benchContract, benchWindow, dataFiles, generateData, registerBenchSources } from './generate-data.js';

const { values } = parseArgs({
  options: {
    dir: { type: 'string' },
    rows: { type: 'string', default: '1000000' },
    heap: { type: 'string', default: '4G' },
    threads: { type: 'string', default: '2' },
    only: { type: 'string' },
  },
});
const rows = Number(values.rows);
if (!(rows > 0)) throw new Error(`--rows: "${values.rows}" is not a positive row count`);
const log = (line: string): void => void process.stderr.write(`${line}\n`);

const scratch = values.dir === undefined ? await mkdtemp(join(tmpdir(), 'vigil-bench-trino-')) : undefined;
const dir = values.dir ?? scratch ?? '';
const files = dataFiles(dir, rows);
if (!existsSync(files.productionLog) || !existsSync(files.baseline)) {
  await generateData({ dir, baselineRows: 200_000, windowSizes: [rows], threads: Number(values.threads), log });
}
const warehouse = await DuckDbWarehouse.open({ settings: { threads: values.threads ?? '2', preserve_insertion_order: 'false' } });
const trinoDir = join(dir, `trino-${rows}`);
await mkdir(trinoDir, { recursive: true });
log(`starting Trino (heap ${values.heap ?? '4G'})...`);
const server = await startTrino({ heap: values.heap ?? '4G', onProgress: log });
// Ctrl-C (or a kill) still stops the JVM, which runs in a process group of its own.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void server.stop().finally(() => process.exit(130));
  });
}
try {
  const contract = parseContract(benchContract(), 'bench contract');
  const tables = await registerBenchSources(warehouse, contract, files);
  await warehouse.ensureResultTables();
  log('copying the window, labels and baseline to Trino external tables...');
  const trino = await mirrorToTrino(warehouse, server.client, [tables.productionLog, tables.labels, tables.baseline, tables.scoredPredictions], {
    dir: trinoDir,
    catalog: 'hive',
    schema: 'bench',
  });
  const { policy } = benchMonitoringDefaults(1);
  const { facets, facetWindow, span } = analysisWindows(policy, benchWindow);
  const input = (dialect: SqlDialect): MonitoringQueryInput => ({ contract, tables, window: { ...benchWindow }, sampleRate: 1, dialect });
  const distances = decodeNumericDistance((await warehouse.query(numericDistanceSql(input(duckdbDialect), policy.bins).sql)).rows, policy.bins);
  const edges = edgesFromQuantiles(baselineQuantilesOf(distances));
  const builders: Record<string, QueryBuilder> = {
    ...monitoringQueryBuilders(edges, { asOf: benchAsOf, facets, bins: policy.bins, facetWindow }),
    'model-versions': modelVersionsSql,
    'training-rows': (q) => trainingRowsSql({ contract, tables, window: q.window, asOf: benchAsOf, dialect: q.dialect }),
  };
  const lines: string[] = [];
  let trinoTotal = 0;
  let duckTotal = 0;
  const bytesRead = new Map<string, number>();
  const only = values.only?.split(',').map((name) => name.trim());
  const unknown = (only ?? []).filter((name) => !(name in builders));
  if (unknown.length > 0) throw new Error(`--only: no query named ${unknown.join(', ')} (there are ${Object.keys(builders).join(', ')})`);
  for (const [name, build] of Object.entries(builders).filter(([name]) => only === undefined || only.includes(name))) {
    let started = performance.now();
    const duck = (await warehouse.query(build(input(duckdbDialect)).sql)).rows;
    const duckMs = performance.now() - started;
    started = performance.now();
    const answered = await trino.query(build(input(athenaDialect)).sql);
    const athena = answered.rows;
    const trinoMs = performance.now() - started;
    if (answered.physicalInputBytes !== undefined) bytesRead.set(name, answered.physicalInputBytes);
    const bands = await quantileBands(warehouse, (dialect) => build(input(dialect)).sql);
    let agreement = 'same answer';
    try {
      assertAnswersAgree(athena, duck, bands, name);
    } catch (error) {
      agreement = `DIFFERS: ${(error instanceof Error ? error.message : String(error)).split('\n')[0] ?? ''}`;
    }
    trinoTotal += trinoMs;
    duckTotal += duckMs;
    const read = bytesRead.get(name);
    const readText = read === undefined ? '      ? MB read' : `${(read / 1e6).toFixed(1).padStart(7)} MB read`;
    const line = `${name.padEnd(14)} Trino ${(trinoMs / 1000).toFixed(2).padStart(7)} s   ${readText}   DuckDB ${(duckMs / 1000).toFixed(2).padStart(6)} s   ${String(duck.length).padStart(7)} rows   ${agreement}`;
    lines.push(line);
    log(line);
  }
  console.log(`Athena's SQL on Trino 476 beside DuckDB's, ${rows.toLocaleString('en-US')}-row window, 200,000-row baseline (one node, ${values.threads ?? '2'} DuckDB threads)`);
  for (const line of lines) console.log(`  ${line}`);
  console.log(`  ${'total'.padEnd(14)} Trino ${(trinoTotal / 1000).toFixed(2).padStart(7)} s   DuckDB ${(duckTotal / 1000).toFixed(2).padStart(6)} s`);
  // With --only, some queries over the sources and nothing else.
  if (only === undefined) {
    // The staged path: what a window runs on Athena. Trino's Parquet tables stand for Athena's
    // UNLOAD and external table (the same SELECT, the same Parquet); DuckDB stages as the worker does.
    log('staging the window, baseline and labels on both engines...');
    const stagingOf: Record<string, (dialect: SqlDialect) => { sql: string }> = {
      'stage-window': (dialect) => stagedWindowSql(input(dialect), span),
      'stage-baseline': (dialect) => stagedBaselineSql(input(dialect)),
      'stage-labels': (dialect) => stagedLabelsSql(input(dialect), benchAsOf),
    };
    const trinoTables: Record<string, string> = {};
    const duckTables: Record<string, string> = {};
    const stagedLines: string[] = [];
    for (const [name, build] of Object.entries(stagingOf)) {
      const table = `bench_${name.replace('-', '_')}`;
      await trino.query(`DROP TABLE IF EXISTS "${table}"`);
      const started = performance.now();
      const made = await trino.query(`CREATE TABLE "${table}" WITH (format = 'PARQUET') AS ${build(athenaDialect).sql}`);
      trinoTables[name] = table;
      if (made.physicalInputBytes !== undefined) bytesRead.set(name, made.physicalInputBytes);
      const stage = warehouse.stage?.bind(warehouse);
      if (stage === undefined) throw new Error('the DuckDB warehouse stages');
      duckTables[name] = (await stage(build(duckdbDialect).sql)).table;
      const line = `${name.padEnd(24)} Trino ${((performance.now() - started) / 1000).toFixed(2).padStart(7)} s   ${(((made.physicalInputBytes ?? 0) / 1e6).toFixed(1)).padStart(7)} MB read from the sources`;
      stagedLines.push(line);
      log(line);
    }
    const staged = (dialect: SqlDialect, tablesOf: Record<string, string>): MonitoringQueryInput => {
      const sources: StagedSources = {
        windowSource: tablesOf['stage-window'] ?? '',
        baselineRows: tablesOf['stage-baseline'] ?? '',
        labelsAsOf: { asOf: benchAsOf, table: tablesOf['stage-labels'] ?? '' },
      };
      return { ...input(dialect), staged: sources };
    };
    for (const name of Object.keys(stagedStatements)) {
      const build = builders[name];
      if (build === undefined) throw new Error(`no query named ${name}`);
      const started = performance.now();
      const answered = await trino.query(build(staged(athenaDialect, trinoTables)).sql);
      const trinoMs = performance.now() - started;
      if (answered.physicalInputBytes !== undefined) bytesRead.set(name, answered.physicalInputBytes);
      const duck = (await warehouse.query(build(staged(duckdbDialect, duckTables)).sql)).rows;
      let agreement = 'same answer';
      try {
        assertAnswersAgree(answered.rows, duck, await quantileBands(warehouse, (dialect) => build(input(dialect)).sql), `${name} (staged)`);
      } catch (error) {
        agreement = `DIFFERS: ${(error instanceof Error ? error.message : String(error)).split('\n')[0] ?? ''}`;
      }
      const line = `${`${name} (staged)`.padEnd(24)} Trino ${(trinoMs / 1000).toFixed(2).padStart(7)} s   ${(((answered.physicalInputBytes ?? 0) / 1e6).toFixed(1)).padStart(7)} MB read   ${agreement}`;
      stagedLines.push(line);
      log(line);
    }
    console.log('The staged path (as aws mode runs a window):');
    for (const line of stagedLines) console.log(`  ${line}`);
    const sources = [tables.productionLog, tables.labels, tables.baseline];
    const scanned = await Promise.all(sources.map(async (table) => (await trino.query(await oneScanSql(trino, table))).physicalInputBytes));
    const bill = windowBill(bytesRead, scanned.reduce<number>((sum, bytes) => sum + (bytes ?? 0), 0));
    for (const line of bill.lines) console.log(`  ${line}`);
  }
} finally {
  await warehouse.close();
  await server.stop();
  if (scratch !== undefined) await rm(scratch, { recursive: true, force: true });
  else await rm(trinoDir, { recursive: true, force: true });
}
