// The monitoring settings the window evaluation reads, written as the domain's own types so it does
// not depend on the config schema. src/config checks at compile time that a parsed config is one.
import type { AllowedRange, ComparisonRule } from '../stats/thresholds.js';

/** A drift method (the metric that decides, e.g. "psi" or "ks_p_value") and its threshold. */
export interface DriftRule {
  method: string;
  threshold: number;
}

export interface DriftPolicy {
  numeric: DriftRule;
  categorical: DriftRule;
  prediction: DriftRule;
  /** Level for p-value methods, after a Benjamini-Hochberg correction across subjects. */
  fdrAlpha: number;
  /** Per-feature overrides. */
  features: Record<string, DriftRule>;
}

export interface QualityPolicy {
  missingShare: ComparisonRule;
  typeErrorShare: ComparisonRule;
  outOfRangeShare: ComparisonRule;
}

export type PerformanceMetric = 'rmse' | 'mae' | 'mape' | 'r2' | 'mean_error' | 'label_coverage';
export type BiasMetric = 'mean_prediction_gap_change' | 'rmse_gap_change' | 'mean_error_gap_change';

/** Groups the bias metrics compare: weekend against weekday, or the values of a category/bool feature. */
export type FacetPolicy =
  | { name: string; kind: 'weekend' }
  | {
      name: string;
      kind: 'feature';
      feature: string;
      /** Groups with fewer labelled rows (in the window or the baseline) stay out of the gap; default 30. */
      minGroupRows?: number;
      /** The baseline's largest groups kept by name, the rest pooled into `other`; default 10. */
      topGroups?: number;
    };

export interface MonitoringPolicy {
  drift: DriftPolicy;
  quality: QualityPolicy;
  /** Allowed range per performance metric; a metric without one never breaches. */
  performance: Partial<Record<PerformanceMetric, AllowedRange>>;
  facets: readonly FacetPolicy[];
  /** Allowed change of each facet gap against the baseline gap. */
  bias: Partial<Record<BiasMetric, AllowedRange>>;
  /** Window length in days; with minWindowCoverage, decides whether a window is partial. */
  windowDays?: number;
  /**
   * Share of the window's days that must hold rows for drift and bias to be judged (a window
   * reaching before the first day of data compares a day or two with a whole baseline).
   */
  minWindowCoverage?: number;
}

/** The facet as the SQL builder and the aggregates name it: "weekend" or the feature grouped by. */
export function facetName(facet: FacetPolicy): string {
  return facet.kind === 'weekend' ? 'weekend' : facet.feature;
}
