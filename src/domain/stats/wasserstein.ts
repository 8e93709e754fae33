// Scale-free Wasserstein-1 distance: the distance (computed in the warehouse) divided by the
// baseline's sample standard deviation, so one threshold fits features of any unit.

/**
 * wasserstein / baselineStd (std with ddof = 1).
 *
 * - Distance 0 gives 0 whatever the baseline spread: nothing moved.
 * - A baseline without spread (std 0, or null as SQL's stddev_samp gives for fewer than two
 *   rows) has no scale to express a non-zero shift in, so the result is null ("not evaluated"),
 *   not Infinity: Infinity does not survive JSON (workflow payloads, metric rows), and such a
 *   shift is still caught by the raw distance, KS and PSI.
 * - A missing distance gives null.
 */
export function normalizeWasserstein(wasserstein: number | null, baselineStd: number | null): number | null {
  if (wasserstein === null || Number.isNaN(wasserstein)) return null;
  if (wasserstein < 0) throw new RangeError(`a Wasserstein distance is >= 0, got ${wasserstein}`);
  if (wasserstein === 0) return 0;
  if (baselineStd === null || !(baselineStd > 0) || !Number.isFinite(baselineStd)) return null;
  return wasserstein / baselineStd;
}
