// What a re-evaluation may take from an earlier analysis of the same rows. An older window is
// analysed again each day as its labels arrive; while its rows stay the same only what reads the
// labels (performance, facets) can change. So the worker keeps, per staged-rows fingerprint, the
// aggregates that depend on the window's and the baseline's rows alone (drift, quality, summary,
// category counts) and prepareWindow's counts, and a re-evaluation takes them when the staging
// SQL, the settings and the fingerprints are all the same; otherwise it computes everything again.
// Nothing is kept across a restart.
import type { WindowAggregates } from '../../domain/monitoring/window-aggregates.js';
import type { MonitoringQueryInput } from '../../domain/sql/query-input.js';
import type { StagedFingerprint } from '../../domain/sql/staged-fingerprint.js';
import type { WindowSummary } from '../../domain/sql/summary.js';
import { KeptResults } from '../shared/kept-results.js';
import { perWarehouse } from '../shared/per-warehouse.js';

export type RowAggregates = Pick<WindowAggregates, 'summary' | 'quality' | 'distances' | 'bins' | 'categories'>;

/** prepareWindow's counts of a window's rows (its quarantine is already what they make). */
export interface PreparedRowCounts {
  summary: WindowSummary;
  modelVersions: string[];
}

/** Windows a worker keeps: a week of re-evaluations for well over a hundred models. */
const keptWindows = 2048;
export const keptRowAggregates = perWarehouse(() => new KeptResults<RowAggregates>(keptWindows));
export const keptPreparedCounts = perWarehouse(() => new KeptResults<PreparedRowCounts>(keptWindows));

/**
 * What the kept results are a function of: the staging SQL (sources, contract, span, sampling,
 * reference), the window queried, the settings and the staged tables' fingerprints.
 */
export function keptResultsKey(input: MonitoringQueryInput, settings: Record<string, string | number>, fingerprint: StagedFingerprint): string {
  const { contract, tables, window, sampleRate, dialect, reference } = input;
  return JSON.stringify([dialect.name, contract, tables, window, sampleRate, reference ?? null, settings, fingerprint]);
}
