// Ridge regression in closed form: (XcᵀXc + αI) w = Xcᵀyc on centred data, so the intercept is
// not shrunk; solved by Cholesky, which the penalty keeps well-posed even with one-hot columns.
import { choleskySolve, SingularMatrixError } from './cholesky.js';

export interface RidgeFit {
  coefficients: number[];
  intercept: number;
}

export class RidgeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RidgeError';
  }
}

export function fitRidge(x: readonly (readonly number[])[], y: readonly number[], alpha: number): RidgeFit {
  if (x.length === 0) throw new RidgeError('no training rows');
  if (x.length !== y.length) throw new RidgeError(`${x.length} rows but ${y.length} labels`);
  if (!(alpha >= 0) || !Number.isFinite(alpha)) throw new RidgeError(`alpha must be a finite number >= 0, got ${alpha}`);
  const width = x[0]?.length ?? 0;
  const rows = x.length;

  const columnMeans = new Array<number>(width).fill(0);
  for (const row of x) {
    if (row.length !== width) throw new RidgeError(`rows have different widths (${row.length} and ${width})`);
    row.forEach((value, j) => (columnMeans[j] = (columnMeans[j] ?? 0) + value / rows));
  }
  const labelMean = y.reduce((sum, value) => sum + value, 0) / rows;

  // Accumulate XcᵀXc (lower half) and Xcᵀyc in one pass over the rows.
  const gram: number[][] = Array.from({ length: width }, () => new Array<number>(width).fill(0));
  const moment = new Array<number>(width).fill(0);
  const centred = new Array<number>(width).fill(0);
  x.forEach((row, r) => {
    const label = (y[r] ?? 0) - labelMean;
    for (let j = 0; j < width; j++) centred[j] = (row[j] ?? 0) - (columnMeans[j] ?? 0);
    for (let i = 0; i < width; i++) {
      const ci = centred[i] ?? 0;
      if (ci === 0) continue;
      const gramRow = gram[i] as number[];
      for (let j = 0; j <= i; j++) gramRow[j] = (gramRow[j] ?? 0) + ci * (centred[j] ?? 0);
      moment[i] = (moment[i] ?? 0) + ci * label;
    }
  });
  for (let i = 0; i < width; i++) (gram[i] as number[])[i] = (gram[i]?.[i] ?? 0) + alpha;

  let coefficients: number[];
  try {
    coefficients = width === 0 ? [] : choleskySolve(gram, moment);
  } catch (error) {
    if (error instanceof SingularMatrixError) {
      throw new RidgeError(`the normal equations are singular (collinear or constant columns); use alpha > 0 (${error.message})`);
    }
    throw error;
  }
  const intercept = labelMean - coefficients.reduce((sum, w, j) => sum + w * (columnMeans[j] ?? 0), 0);
  return { coefficients, intercept };
}

export function predictLinear(fit: RidgeFit, vector: readonly number[]): number {
  return fit.coefficients.reduce((sum, w, j) => sum + w * (vector[j] ?? 0), fit.intercept);
}
