// Distances between the baseline and current distribution over aligned counts (bins of a numeric
// feature, or categories of a categorical one).
import { assertAlignedCounts, proportionsOf } from './counts.js';

/** Floor applied to each proportion before PSI's logarithm. */
export const psiEpsilon = 1e-4;

/**
 * Population stability index Σ (q_i - p_i) · ln(q_i / p_i) over proportions p (baseline) and q
 * (current), each floored at `epsilon`. The floored proportions are deliberately not renormalised:
 * an empty bin then adds a bounded, predictable amount, the same whatever the other bins hold,
 * which keeps the value comparable across features and windows. Null when either side is empty.
 */
export function populationStabilityIndex(
  baselineCounts: readonly number[],
  currentCounts: readonly number[],
  epsilon: number = psiEpsilon,
): number | null {
  assertAlignedCounts(baselineCounts, currentCounts);
  const baseline = proportionsOf(baselineCounts);
  const current = proportionsOf(currentCounts);
  if (baseline === undefined || current === undefined) return null;
  let psi = 0;
  baseline.forEach((rawP, index) => {
    const p = Math.max(rawP, epsilon);
    const q = Math.max(current[index] ?? 0, epsilon);
    psi += (q - p) * Math.log(q / p);
  });
  return psi;
}

/**
 * Jensen-Shannon distance in bits, √(JS divergence), between the two count vectors normalised to
 * proportions (scipy.spatial.distance.jensenshannon(p, q, base=2)). In [0, 1]; empty bins are fine.
 * Null when either side is empty.
 */
export function jensenShannonDistance(baselineCounts: readonly number[], currentCounts: readonly number[]): number | null {
  assertAlignedCounts(baselineCounts, currentCounts);
  const baseline = proportionsOf(baselineCounts);
  const current = proportionsOf(currentCounts);
  if (baseline === undefined || current === undefined) return null;
  let baselineTerm = 0;
  let currentTerm = 0;
  baseline.forEach((p, index) => {
    const q = current[index] ?? 0;
    const mixture = (p + q) / 2;
    baselineTerm += relativeEntropyTerm(p, mixture);
    currentTerm += relativeEntropyTerm(q, mixture);
  });
  const divergence = (baselineTerm + currentTerm) / Math.LN2 / 2;
  // Rounding can leave a tiny negative divergence for identical distributions.
  return Math.sqrt(Math.max(divergence, 0));
}

/** Largest absolute difference between baseline and current proportions. Null when either side is empty. */
export function linfDistance(baselineCounts: readonly number[], currentCounts: readonly number[]): number | null {
  assertAlignedCounts(baselineCounts, currentCounts);
  const baseline = proportionsOf(baselineCounts);
  const current = proportionsOf(currentCounts);
  if (baseline === undefined || current === undefined) return null;
  return baseline.reduce((largest, p, index) => Math.max(largest, Math.abs(p - (current[index] ?? 0))), 0);
}

// x · ln(x / y), with the convention 0 · ln(0 / y) = 0; y >= x / 2 > 0 whenever x > 0 here.
function relativeEntropyTerm(x: number, y: number): number {
  return x > 0 ? x * Math.log(x / y) : 0;
}
