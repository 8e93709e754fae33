// Typed access to test/fixtures/stats/cases.json, the scipy reference values shared with the SQL
// tests (see make_stats_fixtures.py for the definitions).
import { readFileSync } from 'node:fs';

export interface NumericCase {
  name: string;
  baseline: number[];
  current: number[];
  bins: number;
  expected: {
    n: number;
    m: number;
    ks_statistic: number;
    ks_p_value: number;
    wasserstein: number;
    baseline_std: number;
    wasserstein_normed: number;
    bin_edges: number[];
    baseline_bin_counts: number[];
    current_bin_counts: number[];
    psi: number;
    js_distance: number;
    mean: number;
    std: number;
    p5: number;
    p50: number;
    p95: number;
  };
}

export interface CategoricalCase {
  name: string;
  baseline: string[];
  current: string[];
  expected: {
    categories: string[];
    baseline_counts: number[];
    current_counts: number[];
    chi2_statistic: number;
    chi2_dof: number;
    chi2_p_value: number;
    psi: number;
    js_distance: number;
    linf: number;
    unseen_share: number;
  };
}

export interface PerformanceCase {
  name: string;
  labels: (number | null)[];
  predictions: number[];
  expected: {
    rmse: number | null;
    mae: number | null;
    mape: number | null;
    r2: number | null;
    mean_error: number | null;
    label_coverage: number;
  };
}

export interface BenjaminiHochbergCase {
  name: string;
  p_values: number[];
  alpha: number;
  adjusted: number[];
  rejected: boolean[];
}

export interface SpecialValues {
  kstwobign_sf: { lambda: number; sf: number }[];
  chi2_sf: { x: number; dof: number; sf: number }[];
  incomplete_gamma: { a: number; x: number; p: number; q: number }[];
  gammaln: { x: number; value: number }[];
}

export interface StatsFixtures {
  generator: { python: string; numpy: string; scipy: string; seed: number };
  numeric: NumericCase[];
  categorical: CategoricalCase[];
  performance: PerformanceCase[];
  bh: BenjaminiHochbergCase[];
  special: SpecialValues;
}

const fixturesUrl = new URL('../fixtures/stats/cases.json', import.meta.url);

export const statsFixtures = JSON.parse(readFileSync(fixturesUrl, 'utf8')) as StatsFixtures;
