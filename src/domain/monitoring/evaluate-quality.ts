// Data quality per feature: shares of missing, mistyped and out-of-range values against their
// rules, and the feature's summary statistics.
import type { FeatureQuality } from '../sql/quality.js';
import { ratioOrNull as share } from '../stats/ratio.js';
import type { WindowSummary } from '../sql/summary.js';
import type { MetricCollector } from './metric-collector.js';
import type { QualityPolicy } from './policy.js';
import type { WindowCoverage } from './types.js';

/** Adds the quality metrics; true when any of them breached. */
export function evaluateQuality(out: MetricCollector, features: readonly FeatureQuality[], policy: QualityPolicy): boolean {
  let breached = false;
  for (const quality of features) {
    const before = out.breaches.length;
    out.add('quality', quality.feature, 'missing_share', share(quality.missing, quality.rows), 'quality', policy.missingShare);
    out.add('quality', quality.feature, 'type_error_share', share(quality.typeErrors, quality.rows), 'quality', policy.typeErrorShare);
    out.add('quality', quality.feature, 'out_of_range_share', share(quality.outOfRange, quality.validRows), 'quality', policy.outOfRangeShare);
    const band = quality.baselineBand;
    for (const [metric, value] of [
      ['mean', quality.mean],
      ['std', quality.std],
      ['p5', quality.p5],
      ['p50', quality.p50],
      ['p95', quality.p95],
      ['baseline_p5', band?.p5 ?? null],
      ['baseline_p50', band?.p50 ?? null],
      ['baseline_p95', band?.p95 ?? null],
    ] as const) {
      if (value !== null) out.add('quality', quality.feature, metric, value);
    }
    breached ||= out.breaches.length > before;
  }
  return breached;
}

/** The window's row counts, and the share of them quarantined for breaking the contract. */
export function recordWindowCounts(out: MetricCollector, summary: WindowSummary): void {
  out.add('run', 'window', 'rows', summary.totalRows);
  out.add('run', 'window', 'quarantined_rows', summary.invalidRows);
  out.add('run', 'window', 'quarantined_share', share(summary.invalidRows, summary.totalRows));
  out.add('run', 'window', 'scored_prediction_rows', summary.scoredPredictionRows);
}

/** Days of the window holding rows against its length, and whether it is too partial to judge. */
export function recordWindowCoverage(
  out: MetricCollector,
  summary: WindowSummary,
  policy: { windowDays?: number; minWindowCoverage?: number },
): WindowCoverage | undefined {
  if (policy.windowDays === undefined) return undefined;
  const coverage = summary.coveredDays / policy.windowDays;
  const partial = coverage < (policy.minWindowCoverage ?? 0);
  out.add('run', 'window', 'covered_days', summary.coveredDays);
  out.add('run', 'window', 'data_coverage', coverage);
  out.add('run', 'window', 'partial_window', partial ? 1 : 0);
  return { coveredDays: summary.coveredDays, windowDays: policy.windowDays, partial };
}
