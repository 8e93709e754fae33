// Stages an analysis's converted rows once (where the warehouse can) and drops them afterwards, so
// that every statistic of the analysis reads typed rows instead of converting the sources again.
import { stagedBaselineSql, stagedLabelsSql, stagedWindowSql } from '../../domain/sql/staging.js';
import type { MonitoringQueryInput, StagedSources } from '../../domain/sql/query-input.js';
import type { QueryOptions, Warehouse } from '../../ports/warehouse.js';

export interface StagingPlan {
  /** The span of production rows to stage; defaults to the input's window. Must cover every window queried. */
  span?: { start: string; end: string };
  /** Stage the reference rows too. */
  baseline?: boolean;
  /** Stage the labels known at this time. */
  labelsAsOf?: string;
  signal?: AbortSignal;
  onStep?: (step: string) => void;
}

type StagingWarehouse = Warehouse & Required<Pick<Warehouse, 'stage' | 'unstage'>>;

function canStage(warehouse: Warehouse): warehouse is StagingWarehouse {
  return warehouse.stage !== undefined && warehouse.unstage !== undefined;
}

export async function withStagedSources<T, I extends MonitoringQueryInput>(
  warehouse: Warehouse,
  input: I,
  plan: StagingPlan,
  work: (staged: I) => Promise<T>,
): Promise<T> {
  if (!canStage(warehouse)) return work(input);
  const options: QueryOptions = plan.signal === undefined ? {} : { signal: plan.signal };
  const tables: string[] = [];
  const run = async (built: { sql: string; label: string }): Promise<string> => {
    plan.onStep?.(built.label);
    const table = await warehouse.stage(built.sql, { ...options, label: built.label });
    tables.push(table);
    return table;
  };
  try {
    const staged: StagedSources = { windowSource: await run(stagedWindowSql(input, plan.span ?? input.window)) };
    if (plan.baseline === true) staged.baselineRows = await run(stagedBaselineSql(input));
    if (plan.labelsAsOf !== undefined) staged.labelsAsOf = { asOf: plan.labelsAsOf, table: await run(stagedLabelsSql(input, plan.labelsAsOf)) };
    return await work({ ...input, staged });
  } finally {
    // Dropped even when the work failed; a table left by a failed drop goes with the session.
    for (const table of tables) await warehouse.unstage(table).catch(() => undefined);
  }
}
