// DuckDB's trimmedText skips trim() for text without a space at either end; the answers must be
// trim()'s for every string, and a column of another type must read as its text.
import assert from 'node:assert/strict';
import { DuckDbWarehouse } from '../../../../src/adapters/local/duckdb/duckdb-warehouse.js';
import { duckdbDialect } from '../../../../src/domain/sql/dialect.js';

const samples = ['a', ' a', 'a ', '  a b  ', '', ' ', '   ', '\ta\t', ' \ta', 'a\n ', 'é ', ' 12,50', '1e5', 'n/a'];

describe('trimmed text (DuckDB)', () => {
  let warehouse: DuckDbWarehouse;
  before(async () => {
    warehouse = await DuckDbWarehouse.open();
  });
  after(async () => {
    await warehouse.close();
  });

  it('is trim() with empty text as NULL, for every string', async () => {
    const values = [...samples.map((s) => `(${duckdbDialect.string(s)})`), '(NULL)'].join(', ');
    const { rows } = await warehouse.query(
      `SELECT x, ${duckdbDialect.trimmedText('x')} AS fast, NULLIF(trim(x), '') AS plain FROM (VALUES ${values}) AS t(x)`,
    );
    assert.equal(rows.length, samples.length + 1);
    for (const row of rows) assert.equal(row['fast'], row['plain'], JSON.stringify(row['x']));
  });

  it('reads other column types as their text', async () => {
    const { rows } = await warehouse.query(
      `SELECT ${duckdbDialect.trimmedText('d')} AS d, ${duckdbDialect.trimmedText('b')} AS b, ${duckdbDialect.trimmedText('n')} AS n FROM (VALUES (1.5::DOUBLE, TRUE, NULL::BIGINT)) AS t(d, b, n)`,
    );
    assert.deepEqual(rows, [{ d: '1.5', b: 'true', n: null }]);
  });
});
