// The drift measures under the metric names results, configs and the CLI's JSON use.
import type { CategoricalDrift, NumericDrift } from '../stats/index.js';

export function numericDriftValues(drift: NumericDrift) {
  return {
    ks_statistic: drift.ksStatistic,
    ks_p_value: drift.ksPValue,
    wasserstein: drift.wasserstein,
    wasserstein_normed: drift.wassersteinNormed,
    psi: drift.psi,
    js_distance: drift.jsDistance,
  };
}

export function categoricalDriftValues(drift: CategoricalDrift) {
  return {
    chi2_statistic: drift.chi2Statistic,
    chi2_p_value: drift.chi2PValue,
    psi: drift.psi,
    js_distance: drift.jsDistance,
    linf: drift.linf,
    unseen_share: drift.unseenShare,
  };
}
