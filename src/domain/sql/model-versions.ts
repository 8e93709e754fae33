// The model versions that served a window, most rows first: provenance for the window's results.
import { countCell, decodeRows, nullableText } from './decode.js';
import { checkInput, withCtes, type BuiltQuery, type MonitoringQueryInput } from './query-input.js';
import { windowRowsCte } from './source-rows.js';
import type { Row } from './row.js';

export function modelVersionsSql(input: MonitoringQueryInput): BuiltQuery {
  const checked = checkInput(input);
  const id = checked.dialect.ident;
  const body =
    `SELECT ${id('model_version')}, count(*) AS ${id('row_count')}\nFROM window_source\n` +
    `GROUP BY ${id('model_version')}\nORDER BY ${id('row_count')} DESC, ${id('model_version')}`;
  return { sql: withCtes([windowRowsCte(checked)], body), label: `model-versions:${checked.contract.model}` };
}

export function decodeModelVersions(rows: readonly Row[]): string[] {
  return decodeRows(rows, 'model-versions', (row, at) => ({ version: nullableText(row, 'model_version', at), rows: countCell(row, 'row_count', at) }))
    .flatMap((entry) => (entry.version === null ? [] : [entry.version]));
}
