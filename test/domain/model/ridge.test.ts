import assert from 'node:assert/strict';
import { parseContract } from '../../../src/domain/contract/contract.js';
import { choleskySolve } from '../../../src/domain/model/cholesky.js';
import { fitRidge, RidgeError } from '../../../src/domain/model/ridge.js';
import { trainModel } from '../../../src/domain/model/train.js';
import { predict } from '../../../src/domain/model/predict.js';

const close = (actual: number, expected: number, tolerance = 1e-8): void =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${actual} is not within ${tolerance} of ${expected}`);

// A fixed, well-spread design without randomness: x1 = i, x2 = (i * 7) mod 11, x3 = (i * i) mod 13.
const design = Array.from({ length: 60 }, (_, i) => [i / 10, (i * 7) % 11, (i * i) % 13]);
const truth = { coefficients: [2.5, -1.25, 0.5], intercept: 3 };
const labels = design.map((row) => truth.intercept + row.reduce((sum, value, j) => sum + value * (truth.coefficients[j] ?? 0), 0));

describe('ridge regression', () => {
  it('solves a symmetric positive-definite system by Cholesky', () => {
    const x = choleskySolve(
      [
        [4, 2, 0.4],
        [2, 5, 1],
        [0.4, 1, 3],
      ],
      [1, 2, 3],
    );
    const check = [4 * x[0]! + 2 * x[1]! + 0.4 * x[2]!, 2 * x[0]! + 5 * x[1]! + x[2]!, 0.4 * x[0]! + x[1]! + 3 * x[2]!];
    check.forEach((value, i) => close(value, [1, 2, 3][i]!));
  });

  it('recovers known coefficients from noiseless data with alpha = 0', () => {
    const fit = fitRidge(design, labels, 0);
    fit.coefficients.forEach((w, j) => close(w, truth.coefficients[j]!));
    close(fit.intercept, truth.intercept);
  });

  it('recovers them through the contract encoding too (standardised coefficients)', () => {
    const contract = parseContract({
      model: 'synthetic',
      feature_schema_version: 1,
      features: [
        { name: 'a', type: 'float' },
        { name: 'b', type: 'int' },
        { name: 'c', type: 'float' },
      ],
    });
    const artifact = trainModel({ contract, rows: design, labels, alpha: 0, version: 'v1', trainedAt: '2024-01-01T00:00:00Z' });
    artifact.coefficients.forEach((w, j) => {
      const encoding = artifact.encoding[j]!;
      assert.ok(encoding.type === 'float' || encoding.type === 'int');
      close(w / encoding.std, truth.coefficients[j]!);
    });
    predict(artifact, [[1, 2, 3], ['0.5', '4', '7']]).forEach((value, i) => {
      const row = [
        [1, 2, 3],
        [0.5, 4, 7],
      ][i]!;
      close(value, 3 + 2.5 * row[0]! - 1.25 * row[1]! + 0.5 * row[2]!);
    });
  });

  it('shrinks the coefficients as alpha grows, leaving the intercept unpenalised', () => {
    const norms = [0, 1, 10, 100, 1000].map((alpha) => {
      const fit = fitRidge(design, labels, alpha);
      return Math.hypot(...fit.coefficients);
    });
    for (let i = 1; i < norms.length; i++) assert.ok(norms[i]! < norms[i - 1]!, `norms not decreasing: ${norms.join(', ')}`);
    // With a huge penalty every coefficient is ~0 and the intercept is the label mean.
    const flat = fitRidge(design, labels, 1e12);
    const mean = labels.reduce((s, v) => s + v, 0) / labels.length;
    close(flat.intercept, mean, 1e-4);
  });

  it('refuses collinear columns without a penalty, and solves them with one', () => {
    const collinear = design.map((row) => [row[0]!, 2 * row[0]!]);
    const y = collinear.map((row) => row[0]!);
    assert.throws(() => fitRidge(collinear, y, 0), (error: unknown) => error instanceof RidgeError && /alpha > 0/.test(error.message));
    const fit = fitRidge(collinear, y, 1e-6);
    close(fit.coefficients[0]! + 2 * fit.coefficients[1]!, 1, 1e-4);
  });

  it('rejects mismatched rows and labels and a negative alpha', () => {
    assert.throws(() => fitRidge([[1]], [1, 2], 0), RidgeError);
    assert.throws(() => fitRidge([[1], [2]], [1, 2], -1), /alpha must be/);
    assert.throws(() => fitRidge([], [], 1), /no training rows/);
  });
});
