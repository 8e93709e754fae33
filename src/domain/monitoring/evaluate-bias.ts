// Bias: per facet group, the mean prediction and errors; between the groups, the gaps and their
// change against the baseline's gaps, judged by the allowed changes.
import type { FacetGroup } from '../sql/facets.js';
import { facetGroupMetrics, type FacetMetrics } from '../stats/index.js';
import { defaultMinGroupRows, defaultTopGroups, poolFacetGroups } from './facet-pooling.js';
import type { MetricCollector } from './metric-collector.js';
import { facetName, type FacetPolicy, type MonitoringPolicy } from './policy.js';

type GroupsByScope = Map<string, Map<string, FacetMetrics>>;

export function evaluateBias(out: MetricCollector, policy: Pick<MonitoringPolicy, 'facets' | 'bias'>, groups: readonly FacetGroup[]): void {
  for (const facet of policy.facets) {
    const name = facetName(facet);
    const ofFacet = groups.filter((g) => g.facet === name);
    let order: string[];
    let byScope: GroupsByScope;
    if (facet.kind === 'feature') {
      // Top K groups of the baseline plus `other`; the gap over the groups large enough on both sides.
      const pooled = poolFacetGroups(ofFacet, facet.topGroups ?? defaultTopGroups, facet.minGroupRows ?? defaultMinGroupRows);
      byScope = recordFacetGroups(out, facet, pooled.groups);
      order = pooled.gapGroups;
      out.add('facet', facet.name, 'unseen_groups', pooled.unseenGroups);
      out.add('facet', facet.name, 'gap_groups', pooled.gapGroups.length);
    } else {
      byScope = recordFacetGroups(out, facet, ofFacet);
      order = groupOrder(name, [...(byScope.get('window')?.keys() ?? []), ...(byScope.get('baseline')?.keys() ?? [])]);
    }
    const current = byScope.get('window') ?? new Map<string, FacetMetrics>();
    const baseline = byScope.get('baseline') ?? new Map<string, FacetMetrics>();
    for (const [metric, key] of [['mean_prediction', 'meanPrediction'], ['rmse', 'rmse'], ['mean_error', 'meanError']] as const) {
      const gap = gapOf(current, key, order);
      const baselineGap = gapOf(baseline, key, order);
      const change = gap === null || baselineGap === null ? null : gap - baselineGap;
      out.add('facet', facet.name, `${metric}_gap`, gap);
      out.add('facet', facet.name, `baseline_${metric}_gap`, baselineGap);
      const range = policy.bias[`${metric}_gap_change`];
      out.add('facet', facet.name, `${metric}_gap_change`, change, range === undefined ? undefined : 'bias', range);
    }
  }
}

/** Adds the metrics of each of the window's groups; returns every group's metrics by scope. */
function recordFacetGroups(out: MetricCollector, facet: FacetPolicy, groups: readonly FacetGroup[]): GroupsByScope {
  const byScope: GroupsByScope = new Map();
  for (const group of groups) {
    const metrics = facetGroupMetrics(group.sums);
    const scope = byScope.get(group.scope) ?? new Map<string, FacetMetrics>();
    scope.set(group.group, metrics);
    byScope.set(group.scope, scope);
    if (group.scope === 'window') {
      const subject = `${facet.name}=${group.group}`;
      out.add('facet', subject, 'rows', group.rows);
      out.add('facet', subject, 'labelled_rows', group.sums.rows);
      out.add('facet', subject, 'mean_prediction', metrics.meanPrediction);
      out.add('facet', subject, 'rmse', metrics.rmse);
      out.add('facet', subject, 'mean_error', metrics.meanError);
    }
  }
  return byScope;
}

/** Two groups: signed gap first - second (weekend - weekday); more: the range max - min. */
function gapOf(groups: Map<string, FacetMetrics>, metric: keyof FacetMetrics, order: string[]): number | null {
  const values = order.map((name) => groups.get(name)?.[metric] ?? null);
  if (values.some((v) => v === null) || values.length < 2) return null;
  const known = values as number[];
  if (known.length === 2) return known[0]! - known[1]!;
  return Math.max(...known) - Math.min(...known);
}

function groupOrder(facet: string, names: Iterable<string>): string[] {
  const sorted = [...new Set(names)].sort();
  return facet === 'weekend' ? ['weekend', 'weekday'].filter((name) => sorted.includes(name)) : sorted;
}
