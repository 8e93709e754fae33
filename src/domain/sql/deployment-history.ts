// What the deployments table says about a model's production endpoint: the version a rollback
// would return to is the one its latest successful production deploy replaced.
import { type Row } from './row.js';
import { type SqlDialect } from './dialect.js';
import { type BuiltQuery } from './query-input.js';
import { decodeRows, nullableText } from './decode.js';

export function rollbackTargetSql(model: string, d: SqlDialect): BuiltQuery {
  const id = d.ident;
  const sql = [
    `SELECT ${id('previous_version')}`,
    `FROM ${d.table('deployments')}`,
    `WHERE ${id('model')} = ${d.string(model)} AND ${id('stage')} = ${d.string('production')} AND ${id('status')} = ${d.string('deployed')}`,
    `ORDER BY ${id('at')} DESC, ${id('id')} DESC`,
    `LIMIT 1`,
  ].join('\n');
  return { sql, label: `rollback-target:${model}` };
}

/** The rollback target, or undefined when production was never deployed over another version. */
export function decodeRollbackTarget(rows: readonly Row[]): string | undefined {
  return decodeRows(rows, 'rollback-target', (row, at) => nullableText(row, 'previous_version', at))[0] ?? undefined;
}
