// A deterministic sample of a window's valid rows (features converted, defaults applied), for
// smoke tests: the same rows every time for the same window, spread over it by the id hash.
import { featureColumn as fc, checkInput, withCtes, type BuiltQuery, type MonitoringQueryInput } from './query-input.js';
import { windowRowsCte } from './source-rows.js';
import { SqlBuildError } from './sql-text.js';

export function sampleRowsSql(input: MonitoringQueryInput, limit: number): BuiltQuery {
  const checked = checkInput(input);
  const d = checked.dialect;
  const id = d.ident;
  if (!Number.isSafeInteger(limit) || limit < 1) throw new SqlBuildError(`sample size ${limit} is not a positive integer`);
  const features = checked.contract.features.map((f) => `  ${id(fc.value(f.name))} AS ${id(f.name)}`);
  const body =
    `SELECT\n  ${id('record_id')},\n${features.join(',\n')}\nFROM window_rows\n` +
    `WHERE ${id('is_valid')}\nORDER BY ${id('sample_u')}, ${id('record_id')}\nLIMIT ${limit}`;
  return { sql: withCtes([windowRowsCte(checked)], body), label: `sample-rows:${checked.contract.model}` };
}
