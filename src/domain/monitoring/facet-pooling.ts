// A feature facet with many groups (stores, categories): only the K largest groups of the baseline
// are kept by name, the rest pooled into one `other` group, so a window writes at most K + 1 groups'
// metrics; groups too small on either side stay out of the gap, and groups the baseline never saw
// are counted rather than turning the baseline gap into a NULL that switches the check off.
import type { FacetGroup } from '../sql/facets.js';

export const defaultMinGroupRows = 30;
export const defaultTopGroups = 10;
export const otherGroup = 'other';

export interface PooledFacet {
  /** The kept groups and the pooled `other` group, per scope. */
  groups: FacetGroup[];
  /** Groups of the window that have no rows in the baseline. */
  unseenGroups: number;
  /** Groups large enough (labelled rows) in both the window and the baseline: those the gap spans, sorted. */
  gapGroups: string[];
}

export function poolFacetGroups(groups: readonly FacetGroup[], topGroups: number, minGroupRows: number): PooledFacet {
  const baseline = groups.filter((group) => group.scope === 'baseline');
  const kept = new Set(
    [...baseline]
      .sort((a, b) => b.sums.rows - a.sums.rows || b.rows - a.rows || a.group.localeCompare(b.group))
      .slice(0, topGroups)
      .map((group) => group.group),
  );
  const baselineNames = new Set(baseline.map((group) => group.group));
  const unseenGroups = groups.filter((group) => group.scope === 'window' && !baselineNames.has(group.group)).length;
  const pooled = new Map<string, FacetGroup>();
  for (const group of groups) {
    const name = kept.has(group.group) ? group.group : otherGroup;
    const key = `${group.scope}\u0000${name}`;
    const before = pooled.get(key);
    pooled.set(key, before === undefined ? { ...group, group: name, sums: { ...group.sums } } : addGroups(before, group));
  }
  const large = (scope: string) =>
    new Set([...pooled.values()].filter((group) => group.scope === scope && group.sums.rows >= minGroupRows).map((group) => group.group));
  const largeBaseline = large('baseline');
  const gapGroups = [...large('window')].filter((name) => largeBaseline.has(name)).sort();
  return { groups: [...pooled.values()], unseenGroups, gapGroups };
}

function addGroups(left: FacetGroup, right: FacetGroup): FacetGroup {
  return {
    ...left,
    rows: left.rows + right.rows,
    predictionRows: left.predictionRows + right.predictionRows,
    sumPredictionAll: add(left.sumPredictionAll, right.sumPredictionAll),
    sumAbsError: add(left.sumAbsError, right.sumAbsError),
    sumLabel: add(left.sumLabel, right.sumLabel),
    sums: {
      rows: left.sums.rows + right.sums.rows,
      sumPrediction: add(left.sums.sumPrediction, right.sums.sumPrediction),
      sumError: add(left.sums.sumError, right.sums.sumError),
      sumSquaredError: add(left.sums.sumSquaredError, right.sums.sumSquaredError),
    },
  };
}

/** A sum over no rows is NULL in SQL: NULL plus a number is that number. */
function add(left: number | null, right: number | null): number | null {
  return left === null ? right : right === null ? left : left + right;
}
