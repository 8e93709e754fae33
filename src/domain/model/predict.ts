// Scores rows with a trained artifact: coerce per the artifact's feature types, encode, apply the
// linear model. Invalid rows fail the whole call with every problem named by row and feature.
import type { ModelArtifact } from './artifact.js';
import { coerceRow, type CoercionSpec, type FeatureValue, type RawValue } from './coerce.js';
import { encodeRow } from './encoding.js';
import { predictLinear } from './ridge.js';

const shownProblems = 10;

export class RowCoercionError extends Error {
  constructor(
    /** Every problem, each "row N: feature "x": ..." with N counted from 1. */
    readonly problems: string[],
  ) {
    const head = problems.slice(0, shownProblems).join('; ');
    const more = problems.length > shownProblems ? `; and ${problems.length - shownProblems} more` : '';
    super(`${head}${more}`);
    this.name = 'RowCoercionError';
  }
}

/** Coerces rows (contract order); throws a RowCoercionError naming row, feature and value. */
export function coerceRows(specs: readonly CoercionSpec[], rows: readonly (readonly RawValue[])[]): FeatureValue[][] {
  const coerced: FeatureValue[][] = [];
  const problems: string[] = [];
  rows.forEach((row, index) => {
    const result = coerceRow(specs, row);
    if (result.ok) coerced.push(result.values);
    else problems.push(...result.problems.map((problem) => `row ${index + 1}: ${problem}`));
  });
  if (problems.length > 0) throw new RowCoercionError(problems);
  return coerced;
}

/** Scores already-coerced rows. */
export function predictCoerced(artifact: ModelArtifact, rows: readonly (readonly FeatureValue[])[]): number[] {
  return rows.map((row) => predictLinear(artifact, encodeRow(artifact.encoding, row)));
}

/** One prediction per row; rows are in contract feature order, values raw or typed. */
export function predict(artifact: ModelArtifact, rows: readonly (readonly RawValue[])[]): number[] {
  return predictCoerced(artifact, coerceRows(artifact.encoding, rows));
}
