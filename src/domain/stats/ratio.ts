// Division for metrics built from warehouse sums: a missing total or an empty denominator gives
// null ("not computable"), never NaN or Infinity.

export function ratioOrNull(numerator: number | null, denominator: number): number | null {
  return numerator === null || !(denominator > 0) ? null : numerator / denominator;
}

/** √(sum of squares / count), null when not computable. */
export function rootMeanOrNull(sumOfSquares: number | null, count: number): number | null {
  const meanSquare = ratioOrNull(sumOfSquares, count);
  // Rounding in the warehouse can leave a tiny negative sum where the true one is 0.
  return meanSquare === null ? null : Math.sqrt(Math.max(meanSquare, 0));
}
