// One window through the monitoring path, in a process of its own so that its peak RSS belongs to
// this window size alone: quarantine, summary and model versions (prepareWindow), then every
// aggregate query and the evaluation (analyzeWindow), against DuckDB over the generated Parquet.
// Prints one JSON line on stdout (the parent reports progress); errors go to stderr.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DuckDbWarehouse } from '../src/adapters/local/duckdb/duckdb-warehouse.js';
import { parseContract } from '../src/domain/contract/contract.js';
import { collectWindowAggregates } from '../src/activities/monitoring/collect-aggregates.js';
import { evaluateWindow } from '../src/domain/monitoring/evaluate-window.js';
import { dialectFor } from '../src/domain/sql/dialect.js';
import { type MonitoringQueryInput } from '../src/domain/sql/monitoring-queries.js';
import { prepareInWarehouse } from '../src/activities/monitoring/prepare-queries.js';
import { analysisWindows } from '../src/activities/monitoring/window-query.js';
import { benchAsOf, benchContract, benchWindow, dataFiles, registerBenchSources } from './generate-data.js';
import { benchMonitoringDefaults } from './bench-policy.js';

export interface WindowResult {
  rows: number;
  sampleRate: number;
  wallMs: number;
  steps: Record<string, number>;
  /** Highest RSS seen while each step ran (sampled), to tell which step drives the peak. */
  stepPeakRssMb: Record<string, number>;
  /** Peak RSS of the process over its whole life (getrusage), DuckDB's native memory included. */
  maxRssMb: number;
  /** Largest size seen of DuckDB's spill folder (temp_directory): what did not fit in memory_limit. */
  spillMb: number;
  /** DuckDB's settings as it reports them (memory_limit in its own units). */
  duckdb: { memoryLimit: string; threads: string };
  /** Peak RSS once DuckDB was open and the sources registered, before any window query. */
  setupRssMb: number;
  heapUsedMb: number;
  quarantined: number;
  analysedRows: number;
  labelledRows: number;
  breaches: number;
  driftedFeatures: string[];
}

const mb = (bytes: number): number => Math.round((bytes / 1024 / 1024) * 10) / 10;
/** resourceUsage().maxRSS is in kilobytes. */
const maxRssMb = (): number => Math.round((process.resourceUsage().maxRSS / 1024) * 10) / 10;

/** Bytes in DuckDB's spill folder now (absent until DuckDB first spills). */
function folderBytes(dir: string): number {
  try {
    return readdirSync(dir).reduce((total, name) => {
      try {
        return total + statSync(join(dir, name)).size;
      } catch {
        return total; // removed between listing and stat
      }
    }, 0);
  } catch {
    return 0;
  }
}

/** Per-step wall time and memory high-water marks, the step being whatever ran since the last mark. */
class StepClock {
  readonly steps: Record<string, number> = {};
  readonly peakRssMb: Record<string, number> = {};
  /** Largest spill-folder size seen over the whole run. */
  spillBytes = 0;
  private current = 'open';
  private started = performance.now();
  private rss = 0;
  private readonly sampler: NodeJS.Timeout;

  constructor(private readonly spillDir: string) {
    this.sample();
    // DuckDB runs queries off the main thread, so the event loop is free to sample meanwhile.
    this.sampler = setInterval(() => this.sample(), 20);
  }

  /** Ends the current step and starts `step`. */
  next(step: string): void {
    this.sample();
    const now = performance.now();
    const name = this.current;
    this.steps[name] = Math.round((this.steps[name] ?? 0) + now - this.started);
    this.peakRssMb[name] = Math.max(this.peakRssMb[name] ?? 0, mb(this.rss));
    this.current = step;
    this.started = now;
    this.rss = 0;
    this.sample();
  }

  stop(): void {
    clearInterval(this.sampler);
  }

  private sample(): void {
    this.rss = Math.max(this.rss, process.memoryUsage.rss());
    this.spillBytes = Math.max(this.spillBytes, folderBytes(this.spillDir));
  }
}

/** The warehouse with each query's wall time reported to `record` (the same object to its callers otherwise). */
function timedQueries(warehouse: DuckDbWarehouse, record: (label: string, ms: number) => void): DuckDbWarehouse {
  return new Proxy(warehouse, {
    get(target, property) {
      if (property === 'query') {
        return async (...args: Parameters<DuckDbWarehouse['query']>) => {
          const started = performance.now();
          try {
            return await target.query(...args);
          } finally {
            record(args[1]?.label ?? 'query', performance.now() - started);
          }
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      dir: { type: 'string' },
      rows: { type: 'string' },
      'sample-rate': { type: 'string', default: '1' },
      'memory-limit': { type: 'string', default: '512MB' },
      threads: { type: 'string', default: '1' },
    },
  });
  if (values.dir === undefined || values.rows === undefined) throw new Error('usage: monitoring-window.ts --dir DIR --rows N');
  const rows = Number(values.rows);
  const sampleRate = Number(values['sample-rate']);
  const files = dataFiles(values.dir, rows);
  const contract = parseContract(benchContract(), 'bench contract');
  const { policy, connections } = benchMonitoringDefaults(sampleRate);
  const run = `${rows}-${sampleRate}`;
  const spillDir = join(values.dir, `spill-${run}`);

  const started = performance.now();
  const clock = new StepClock(spillDir);
  const warehouse = await DuckDbWarehouse.open({
    // The worker's own settings (src/worker/compose-runtime.ts): without insertion order DuckDB need not
    // buffer results to keep it, which is what keeps memory flat as the window grows.
    settings: { memory_limit: values['memory-limit'], threads: values.threads, temp_directory: spillDir, preserve_insertion_order: 'false' },
    connections,
  });
  try {
    const tables = await registerBenchSources(warehouse, contract, files);
    await warehouse.ensureResultTables();
    const settings = (await warehouse.query(`SELECT current_setting('memory_limit') AS m, current_setting('threads') AS t`)).rows[0];
    const duckdb = { memoryLimit: String(settings?.['m']), threads: String(settings?.['t']) };
    const setupRssMb = maxRssMb();
    const input: MonitoringQueryInput = { contract, tables, window: { ...benchWindow }, sampleRate, dialect: dialectFor(warehouse.dialect) };
    const queryMs: Record<string, number> = {};
    const timedWarehouse = timedQueries(warehouse, (label, ms) => {
      const name = `query:${label.split(':')[0] ?? label}`;
      queryMs[name] = Math.round((queryMs[name] ?? 0) + ms);
    });

    // prepareWindow, keeping its staged rows for the analysis as the activity does.
    const { facets, facetWindow, span } = analysisWindows(policy, benchWindow);
    const { summary } = await prepareInWarehouse(timedWarehouse, input, {
      quarantinedAt: new Date().toISOString(),
      onStep: (step) => clock.next(`prepare:${step.split(':')[0] ?? step}`),
      span,
      keepWindowAs: run,
    });
    if (summary.totalRows !== rows) throw new Error(`the window has ${summary.totalRows} rows, expected ${rows}`);

    // analyzeWindow: the stagings one after the other, then the queries side by side (each one's own
    // time is in query:*, so those overlap).
    const aggregates = await collectWindowAggregates(timedWarehouse, input, {
      asOf: benchAsOf,
      bins: policy.bins,
      facets,
      facetWindow,
      keptWindow: { key: run, stale: summary.missingPredictionRows > 0 },
      windowRows: summary.totalRows,
      onProgress: (step) => {
        const name = step.split(':')[0] ?? step;
        clock.next(name === 'done' ? 'evaluate' : name.startsWith('stage-') ? `analyse:${name}` : 'analyse:queries');
      },
    });
    const analysis = evaluateWindow(contract, policy, aggregates);
    clock.next('close');
    await warehouse.close();
    clock.next('end');
    clock.stop();

    const result: WindowResult = {
      rows,
      sampleRate,
      wallMs: Math.round(performance.now() - started),
      steps: { ...clock.steps, ...queryMs },
      stepPeakRssMb: clock.peakRssMb,
      spillMb: mb(clock.spillBytes),
      maxRssMb: maxRssMb(),
      duckdb,
      setupRssMb,
      heapUsedMb: mb(process.memoryUsage().heapUsed),
      quarantined: summary.invalidRows,
      analysedRows: analysis.analysedRows,
      labelledRows: analysis.labelledRows,
      breaches: analysis.breaches.length,
      driftedFeatures: analysis.driftedFeatures,
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    clock.stop();
    await warehouse.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
