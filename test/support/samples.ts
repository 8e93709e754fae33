// Row-level computations the warehouse does in production (sums, quantiles, sample moments, the KS
// and Wasserstein statistics). Tests use them to turn fixture samples into the aggregates the
// domain functions receive, and to check the fixture's own consistency.

/** Σ values with Neumaier's compensation, so test-side sums add no rounding of their own. */
export function compensatedSum(values: readonly number[]): number {
  let sum = 0;
  let compensation = 0;
  for (const value of values) {
    const next = sum + value;
    compensation += Math.abs(sum) >= Math.abs(value) ? sum - next + value : value - next + sum;
    sum = next;
  }
  return sum + compensation;
}

export function sortedAscending(values: readonly number[]): number[] {
  return [...values].sort((left, right) => left - right);
}

/** Quantile with linear interpolation between order statistics (numpy's default, DuckDB quantile_cont). */
export function linearQuantile(sorted: readonly number[], probability: number): number {
  const position = (sorted.length - 1) * probability;
  const lowerIndex = Math.floor(position);
  const lower = at(sorted, lowerIndex);
  const upper = at(sorted, Math.min(lowerIndex + 1, sorted.length - 1));
  return lower + (upper - lower) * (position - lowerIndex);
}

export function sampleMean(values: readonly number[]): number {
  return compensatedSum(values) / values.length;
}

export function sampleStd(values: readonly number[]): number {
  const mean = sampleMean(values);
  return Math.sqrt(compensatedSum(values.map((value) => (value - mean) ** 2)) / (values.length - 1));
}

/** sup |F_x - F_y| over the pooled values (scipy.stats.ks_2samp statistic). */
export function ksStatistic(baseline: readonly number[], current: readonly number[]): number {
  const x = sortedAscending(baseline);
  const y = sortedAscending(current);
  let largest = 0;
  for (const value of sortedAscending([...x, ...y])) {
    largest = Math.max(largest, Math.abs(countAtMost(x, value) / x.length - countAtMost(y, value) / y.length));
  }
  return largest;
}

/** ∫ |F_x - F_y| dt (scipy.stats.wasserstein_distance). */
export function wassersteinDistance(baseline: readonly number[], current: readonly number[]): number {
  const x = sortedAscending(baseline);
  const y = sortedAscending(current);
  const pooled = sortedAscending([...x, ...y]);
  const areas: number[] = [];
  for (let index = 0; index + 1 < pooled.length; index += 1) {
    const value = at(pooled, index);
    const width = at(pooled, index + 1) - value;
    if (width > 0) areas.push(Math.abs(countAtMost(x, value) / x.length - countAtMost(y, value) / y.length) * width);
  }
  return compensatedSum(areas);
}

function countAtMost(sorted: readonly number[], value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (at(sorted, middle) <= value) low = middle + 1;
    else high = middle;
  }
  return low;
}

function at(values: readonly number[], index: number): number {
  const value = values[index];
  if (value === undefined) throw new RangeError(`index ${index} outside 0..${values.length - 1}`);
  return value;
}
