// A row per item (feature, subject, facet) from one read of a table: the table cross joined with
// the items' positions, each value picked by position. Trino (Athena's engine) plans every branch
// of a UNION ALL anew, so a SELECT per item would read and convert the rows once per item and add
// stages towards Trino's limit of 150; both engines run this form as one scan.
import { type SqlDialect } from './dialect.js';

/** `CROSS JOIN (VALUES (0), (1), ...) AS alias (column)` over the given positions. */
export function crossWithPositions(d: SqlDialect, positions: readonly number[], alias = 'p', column = 'position'): string {
  return `CROSS JOIN (VALUES ${positions.map((position) => `(${position})`).join(', ')}) AS ${alias} (${d.ident(column)})`;
}

/** The expression given for each position, picked by crossWithPositions' column. */
export function byPosition(d: SqlDialect, cases: readonly (readonly [number, string])[], alias = 'p', column = 'position'): string {
  return `CASE ${alias}.${d.ident(column)} ${cases.map(([position, expr]) => `WHEN ${position} THEN ${expr}`).join(' ')} END`;
}
