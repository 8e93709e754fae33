// Stages an analysis's converted rows once (where the warehouse can) and drops them afterwards, so
// that every statistic of the analysis reads typed rows instead of converting the sources again.
// A window's staged rows may also outlive one activity: prepareWindow keeps them for the
// analysis that follows it on this worker, which takes them when they are still what it would
// stage (the same SQL text over sources that were not scored in between) and stages anew otherwise.
import { type StagingQuery, stagedBaselineSql, stagedLabelsSql, stagedWindowSql } from '../../domain/sql/staging.js';
import type { MonitoringQueryInput, StagedSources } from '../../domain/sql/query-input.js';
import type { QueryOptions, Warehouse } from '../../ports/warehouse.js';
import { perWarehouse } from '../shared/per-warehouse.js';

export interface StagingPlan {
  /** The span of production rows to stage; defaults to the input's window. Must cover every window queried. */
  span?: { start: string; end: string };
  /** Stage the reference rows too. */
  baseline?: boolean;
  /** Stage the labels known at this time. */
  labelsAsOf?: string;
  /** Keep the staged window under this key for a later activity instead of dropping it. */
  keepWindowAs?: string;
  /** Take the window kept under this key, if it is still what this staging would make. */
  takeWindowFrom?: string;
  /** The sources changed since the window was kept (predictions were scored): drop it, stage anew. */
  keptWindowStale?: boolean;
  signal?: AbortSignal;
  /** Called as each staging statement starts. */
  onStep?: (step: string) => void;
  /** Called again while a statement runs or waits for a connection (where an activity heartbeats). */
  onProgress?: (step: string) => void;
  /** Called with the bytes each staging statement read, where the engine bills by them (Athena). */
  onScanned?: (bytes: number) => void;
}

type StagingWarehouse = Warehouse & Required<Pick<Warehouse, 'stage' | 'unstage'>>;

interface KeptWindow {
  table: string;
  sql: string;
  keptAt: number;
}

/** How long a kept window waits for its analysis before it is dropped (it would be stale by then). */
const keptWindowLifetimeMs = 10 * 60 * 1000;
const keptOf = perWarehouse(() => new Map<string, KeptWindow>());

function canStage(warehouse: Warehouse): warehouse is StagingWarehouse {
  return warehouse.stage !== undefined && warehouse.unstage !== undefined;
}

/** Removes and returns what is kept under `key`, and every kept window past its lifetime. */
function takeKept(warehouse: Warehouse, key: string | undefined, now: number): { taken?: KeptWindow; expired: KeptWindow[] } {
  const kept = keptOf(warehouse);
  const expired: KeptWindow[] = [];
  for (const [name, entry] of kept) {
    if (now - entry.keptAt > keptWindowLifetimeMs) {
      expired.push(entry);
      kept.delete(name);
    }
  }
  const taken = key === undefined ? undefined : kept.get(key);
  if (key !== undefined) kept.delete(key);
  return taken === undefined ? { expired } : { taken, expired };
}

export async function withStagedSources<T, I extends MonitoringQueryInput>(
  warehouse: Warehouse,
  input: I,
  plan: StagingPlan,
  work: (staged: I) => Promise<T>,
): Promise<T> {
  if (!canStage(warehouse)) return work(input);
  const options: QueryOptions = plan.signal === undefined ? {} : { signal: plan.signal };
  const toDrop: string[] = [];
  const run = async (built: StagingQuery): Promise<string> => {
    plan.onStep?.(built.label);
    const { table, bytesScanned } = await warehouse.stage(built.sql, {
      ...options,
      label: built.label,
      columns: built.columns,
      onProgress: () => plan.onProgress?.(built.label),
    });
    toDrop.push(table);
    if (bytesScanned !== undefined) plan.onScanned?.(bytesScanned);
    return table;
  };
  const windowSql = stagedWindowSql(input, plan.span ?? input.window);
  const { taken, expired } = takeKept(warehouse, plan.takeWindowFrom ?? plan.keepWindowAs, Date.now());
  toDrop.push(...expired.map((entry) => entry.table));
  let windowTable: string | undefined;
  try {
    if (taken !== undefined && plan.takeWindowFrom !== undefined && plan.keptWindowStale !== true && taken.sql === windowSql.sql) {
      windowTable = taken.table;
      toDrop.push(taken.table);
    } else {
      if (taken !== undefined) toDrop.push(taken.table);
      windowTable = await run(windowSql);
    }
    const staged: StagedSources = { windowSource: windowTable };
    if (plan.baseline === true) staged.baselineRows = await run(stagedBaselineSql(input));
    if (plan.labelsAsOf !== undefined) staged.labelsAsOf = { asOf: plan.labelsAsOf, table: await run(stagedLabelsSql(input, plan.labelsAsOf)) };
    const result = await work({ ...input, staged });
    if (plan.keepWindowAs !== undefined) {
      keptOf(warehouse).set(plan.keepWindowAs, { table: windowTable, sql: windowSql.sql, keptAt: Date.now() });
      toDrop.splice(toDrop.indexOf(windowTable), 1);
    }
    return result;
  } finally {
    // Dropped even when the work failed; a table left by a failed drop goes with the session.
    for (const table of toDrop) await warehouse.unstage(table).catch(() => undefined);
  }
}
