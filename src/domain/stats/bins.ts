// Bins for numeric drift. Edges are baseline quantiles at i/B (i = 1..B-1, linear interpolation as
// numpy.quantile and DuckDB quantile_cont), deduplicated so they increase strictly. A value v falls
// in bin "number of edges strictly below v": bins are (-inf, e1], (e1, e2], …, (e_last, +inf),
// which is numpy.searchsorted(edges, v, side='left'). Ties on a heavy value stay in one bin.

/** The quantile probabilities i/B for i = 1..B-1 whose baseline quantiles become the edges. */
export function edgeProbabilities(bins: number): number[] {
  if (!Number.isInteger(bins) || bins < 2) throw new RangeError(`bins must be an integer >= 2, got ${bins}`);
  return Array.from({ length: bins - 1 }, (_, index) => (index + 1) / bins);
}

/** Sorted, strictly increasing, finite edges from raw quantiles (repeats collapse into one edge). */
export function binEdgesFromQuantiles(quantiles: readonly number[]): number[] {
  const sorted = quantiles.filter((value) => Number.isFinite(value)).sort((left, right) => left - right);
  return sorted.filter((value, index) => index === 0 || value !== sorted[index - 1]);
}

/** Index of the bin holding `value`: the number of edges strictly less than it. */
export function binIndex(value: number, edges: readonly number[]): number {
  let low = 0;
  let high = edges.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((edges[middle] ?? Infinity) < value) low = middle + 1;
    else high = middle;
  }
  return low;
}
