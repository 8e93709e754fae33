// Benjamini-Hochberg control of the false discovery rate across the p-values of one monitoring
// run (one per feature), so testing many features does not flood alerts with chance findings.

/**
 * BH-adjusted p-values (scipy.stats.false_discovery_control(ps, method='bh')): for the i-th
 * smallest of m p-values, min over j >= i of p_(j) · m / j, capped at 1. Null entries (tests that
 * could not be run) are left out of the family and stay null.
 */
export function benjaminiHochberg(pValues: readonly (number | null)[]): (number | null)[] {
  const family = pValues
    .map((pValue, index) => ({ pValue, index }))
    .filter((entry): entry is { pValue: number; index: number } => entry.pValue !== null);
  for (const { pValue } of family) {
    if (!(pValue >= 0 && pValue <= 1)) throw new RangeError(`p-values lie in [0, 1], got ${pValue}`);
  }
  family.sort((left, right) => left.pValue - right.pValue);

  const adjusted: (number | null)[] = pValues.map(() => null);
  const size = family.length;
  let runningMinimum = 1;
  for (let rank = size; rank >= 1; rank -= 1) {
    const entry = family[rank - 1];
    if (entry === undefined) continue;
    // Same operation order as scipy (p · (m / rank)) so results agree to the last bit.
    runningMinimum = Math.min(runningMinimum, entry.pValue * (size / rank));
    adjusted[entry.index] = runningMinimum;
  }
  return adjusted;
}

/** Which hypotheses BH rejects at false discovery rate `alpha` (adjusted p <= alpha); null never is. */
export function benjaminiHochbergRejections(pValues: readonly (number | null)[], alpha: number): boolean[] {
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha lies in (0, 1), got ${alpha}`);
  return benjaminiHochberg(pValues).map((adjusted) => adjusted !== null && adjusted <= alpha);
}
