// The aggregates of an analysis that depend on the window's and the baseline's rows alone (drift,
// quality, summary, category counts), kept on the worker for re-evaluations: an older window is
// analysed again each day as its labels arrive, and while its rows stay the same only its
// performance and facets (which read the labels) can change. A re-evaluation takes what an earlier
// one computed when the staging SQL, the query settings and both tables' fingerprints are the
// same; otherwise it computes everything again. Nothing is kept across a restart.
import type { WindowAggregates } from '../../domain/monitoring/window-aggregates.js';
import type { MonitoringQueryInput } from '../../domain/sql/query-input.js';
import type { StagedFingerprint } from '../../domain/sql/staged-fingerprint.js';
import type { Warehouse } from '../../ports/warehouse.js';
import { perWarehouse } from '../shared/per-warehouse.js';

export type RowAggregates = Pick<WindowAggregates, 'summary' | 'quality' | 'distances' | 'bins' | 'categories'> & {
  /** The statements that computed them. */
  queryIds: string[];
};

/** Windows a worker keeps: a week of re-evaluations for well over a hundred models. */
const keptEntries = 2048;
const cacheOf = perWarehouse(() => new Map<string, RowAggregates>());

/**
 * What the row aggregates are a function of: the staging SQL (sources, contract, span, sampling,
 * reference), the window queried, the bins and both tables' fingerprints.
 */
export function rowAggregatesKey(
  input: MonitoringQueryInput,
  settings: { bins: number; windowStagingSql: string; baselineStagingSql: string },
  fingerprint: StagedFingerprint,
): string {
  const { contract, tables, window, sampleRate, dialect, reference } = input;
  return JSON.stringify([dialect.name, contract, tables, window, sampleRate, reference ?? null, settings, fingerprint]);
}

/** A copy of what an earlier analysis kept under `key`, if any. */
export function takeRowAggregates(warehouse: Warehouse, key: string): RowAggregates | undefined {
  const cache = cacheOf(warehouse);
  const found = cache.get(key);
  if (found === undefined) return undefined;
  // Used most recently: last to go.
  cache.delete(key);
  cache.set(key, found);
  return structuredClone(found);
}

export function keepRowAggregates(warehouse: Warehouse, key: string, aggregates: RowAggregates): void {
  const cache = cacheOf(warehouse);
  cache.delete(key);
  cache.set(key, structuredClone(aggregates));
  for (const oldest of cache.keys()) {
    if (cache.size <= keptEntries) break;
    cache.delete(oldest);
  }
}
