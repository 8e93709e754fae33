// Asymptotic two-sample Kolmogorov-Smirnov p-value: the survival function of the Kolmogorov
// limiting distribution, Q(λ) = P(K > λ) (scipy.stats.kstwobign.sf).
//
// Two series represent it. The alternating one, Q(λ) = 2 Σ_{k≥1} (-1)^(k-1) exp(-2k²λ²), converges
// fast for large λ and keeps relative accuracy in the far tail. For small λ it converges slowly
// and cancels, so there the Jacobi theta form of the CDF is used instead,
// K(λ) = √(2π)/λ Σ_{k≥1} exp(-(2k-1)²π²/(8λ²)), and Q = 1 - K (Q is close to 1 there, so the
// subtraction costs nothing). At the switch, λ = 0.82, both series need only a few terms.

const seriesSwitch = 0.82;
const sqrtTwoPi = Math.sqrt(2 * Math.PI);
const maxTerms = 100;

/** Q(λ) = P(K > λ) for the Kolmogorov distribution; 1 for λ <= 0. */
export function kolmogorovSurvival(lambda: number): number {
  if (Number.isNaN(lambda)) throw new RangeError('kolmogorovSurvival needs a number, got NaN');
  if (lambda <= 0) return 1;
  if (lambda === Infinity) return 0;
  return lambda < seriesSwitch ? 1 - thetaSeriesCdf(lambda) : alternatingSeriesSurvival(lambda);
}

/**
 * Asymptotic p-value of a two-sample KS statistic D on samples of sizes n and m:
 * Q(√(n·m/(n+m)) · D). Null when either sample is empty or D is missing.
 */
export function ksAsymptoticPValue(statistic: number | null, n: number, m: number): number | null {
  if (statistic === null || !(n > 0) || !(m > 0)) return null;
  if (!(statistic >= 0 && statistic <= 1)) throw new RangeError(`a KS statistic lies in [0, 1], got ${statistic}`);
  return kolmogorovSurvival(Math.sqrt((n * m) / (n + m)) * statistic);
}

function alternatingSeriesSurvival(lambda: number): number {
  const exponentScale = -2 * lambda * lambda;
  let sum = 0;
  for (let k = 1; k <= maxTerms; k += 1) {
    const term = Math.exp(exponentScale * k * k);
    sum += k % 2 === 1 ? term : -term;
    if (term <= Number.EPSILON * sum) break;
  }
  return Math.min(1, 2 * sum);
}

function thetaSeriesCdf(lambda: number): number {
  const exponentScale = -(Math.PI * Math.PI) / (8 * lambda * lambda);
  let sum = 0;
  for (let k = 1; k <= maxTerms; k += 1) {
    const odd = 2 * k - 1;
    const term = Math.exp(exponentScale * odd * odd);
    sum += term;
    if (term <= Number.EPSILON * sum) break;
  }
  return (sqrtTwoPi / lambda) * sum;
}
