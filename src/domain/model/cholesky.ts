// Solves a small symmetric positive-definite system A x = b by Cholesky decomposition. A dense
// solve of a few dozen unknowns is a few lines of arithmetic: no linear-algebra library needed.

export class SingularMatrixError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SingularMatrixError';
  }
}

/** Returns x with A x = b; A is n x n symmetric positive definite (only its lower half is read). */
export function choleskySolve(a: readonly (readonly number[])[], b: readonly number[]): number[] {
  const n = b.length;
  const at = (i: number, j: number): number => a[i]?.[j] ?? 0;
  const lower: number[][] = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  const l = (i: number, j: number): number => lower[i]?.[j] ?? 0;
  const scale = Math.max(1, ...Array.from({ length: n }, (_, i) => Math.abs(at(i, i))));

  for (let j = 0; j < n; j++) {
    let diagonal = at(j, j);
    for (let k = 0; k < j; k++) diagonal -= l(j, k) ** 2;
    // Relative tolerance: a pivot this small means the columns are (numerically) collinear.
    if (!(diagonal > 1e-12 * scale)) {
      throw new SingularMatrixError(`matrix is not positive definite (pivot ${j} is ${diagonal})`);
    }
    const pivot = Math.sqrt(diagonal);
    (lower[j] as number[])[j] = pivot;
    for (let i = j + 1; i < n; i++) {
      let sum = at(i, j);
      for (let k = 0; k < j; k++) sum -= l(i, k) * l(j, k);
      (lower[i] as number[])[j] = sum / pivot;
    }
  }

  // Forward substitution L y = b, then back substitution Lᵀ x = y.
  const y = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) {
    let sum = b[i] ?? 0;
    for (let k = 0; k < i; k++) sum -= l(i, k) * (y[k] ?? 0);
    y[i] = sum / l(i, i);
  }
  const x = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let sum = y[i] ?? 0;
    for (let k = i + 1; k < n; k++) sum -= l(k, i) * (x[k] ?? 0);
    x[i] = sum / l(i, i);
  }
  return x;
}
