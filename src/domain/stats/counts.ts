// Shared handling of aligned count vectors: index i of the baseline and the current vector count
// the same bin or category.

/** Throws unless both vectors have the same length and hold finite, non-negative counts. */
export function assertAlignedCounts(baselineCounts: readonly number[], currentCounts: readonly number[]): void {
  if (baselineCounts.length !== currentCounts.length) {
    throw new RangeError(`count vectors differ in length: ${baselineCounts.length} vs ${currentCounts.length}`);
  }
  for (const count of [...baselineCounts, ...currentCounts]) {
    if (!(count >= 0) || !Number.isFinite(count)) throw new RangeError(`counts must be finite and >= 0, got ${count}`);
  }
}

export function sumOf(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

/** Each count divided by the total; undefined when the total is zero. */
export function proportionsOf(counts: readonly number[]): number[] | undefined {
  const total = sumOf(counts);
  return total > 0 ? counts.map((count) => count / total) : undefined;
}
