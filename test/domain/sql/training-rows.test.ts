// The training-rows query's text in both dialects: the same CTEs and output columns, each engine's
// own functions, labels as of the given time, valid rows of the window only, a stable order.
import assert from 'node:assert/strict';
import { athenaDialect, duckdbDialect, type SqlDialect } from '../../../src/domain/sql/dialect.js';
import { RowDecodeError } from '../../../src/domain/sql/decode.js';
import { SqlBuildError } from '../../../src/domain/sql/sql-text.js';
import { decodeTrainingRows, trainingRowsSql, type TrainingRowsInput } from '../../../src/domain/sql/training-rows.js';
import { asOf, contractOf, tablesOf, testWindow } from '../../support/warehouse-fixtures.js';

const contract = contractOf({
  model: 'demand',
  columns: { label: 'units' },
  features: [
    { name: 'price', type: 'float', min: 0 },
    { name: 'footfall', type: 'int', default: 0 },
    { name: 'region', type: 'category', categories: ['north', 'south'] },
    { name: 'promo', type: 'bool', default: false },
    // Allowed because the label column is called "units": must not clash with the output "label".
    { name: 'label', type: 'float' },
  ],
});

function inputFor(dialect: SqlDialect): TrainingRowsInput {
  return { contract, tables: tablesOf('demand'), window: testWindow, asOf, dialect };
}

const cteNames = (sql: string): string[] => [...sql.matchAll(/^(\w+) AS \(/gm)].map((m) => m[1] ?? '');
/** The final SELECT: what follows the last CTE's closing parenthesis. */
const finalSelect = (sql: string): string => sql.slice(sql.lastIndexOf('\n)\n') + 3);
const selectedColumns = (sql: string): string[] =>
  [...finalSelect(sql).matchAll(/^ {2}(\w+)\."(\w+)",?$/gm)].map((m) => `${m[1] ?? ''}.${m[2] ?? ''}`);

describe('training rows SQL', () => {
  const duck = trainingRowsSql(inputFor(duckdbDialect));
  const athena = trainingRowsSql(inputFor(athenaDialect));

  it('has the same CTEs and output columns in both dialects, features in contract order', () => {
    assert.equal(duck.label, 'training-rows:demand');
    assert.equal(athena.label, duck.label);
    assert.deepEqual(cteNames(duck.sql), ['window_raw', 'window_cast', 'scored', 'window_source', 'window_rows', 'labels_as_of']);
    assert.deepEqual(cteNames(athena.sql), cteNames(duck.sql));
    const expected = ['wr.record_id', 'wr.f_price', 'wr.f_footfall', 'wr.f_region', 'wr.f_promo', 'wr.f_label', 'la.label'];
    assert.deepEqual(selectedColumns(duck.sql), expected);
    assert.deepEqual(selectedColumns(athena.sql), expected);
  });

  it('keeps labelled valid rows of the window, ordered by record id, without sampling', () => {
    for (const { sql } of [duck, athena]) {
      const body = finalSelect(sql);
      assert.match(body, /FROM window_rows AS wr\nJOIN labels_as_of AS la ON la\."record_id" = wr\."record_id"\nWHERE wr\."is_valid"\nORDER BY wr\."record_id", wr\."event_time"$/);
      assert.ok(!sql.includes('"sample_u" <'), 'training rows must not be sampled');
      assert.ok(sql.includes('l."units"'), 'labels come from the contract\'s label column');
    }
  });

  it('bounds the window and the labels with each engine\'s timestamps', () => {
    assert.ok(duck.sql.includes(`>= TIMESTAMP '2024-06-03 00:00:00.000'`));
    assert.ok(duck.sql.includes(`< TIMESTAMP '2024-06-10 00:00:00.000'`));
    assert.ok(duck.sql.includes(`<= TIMESTAMP '2024-06-20 00:00:00.000'`));
    assert.ok(athena.sql.includes(`>= from_iso8601_timestamp('2024-06-03T00:00:00.000Z')`));
    assert.ok(athena.sql.includes(`< from_iso8601_timestamp('2024-06-10T00:00:00.000Z')`));
    assert.ok(athena.sql.includes(`<= from_iso8601_timestamp('2024-06-20T00:00:00.000Z')`));
    for (const fragment of ['regexp_full_match', 'isfinite(', 'TIMESTAMPTZ']) assert.ok(!athena.sql.includes(fragment), fragment);
    for (const fragment of ['regexp_like', 'is_finite', 'from_iso8601_timestamp']) assert.ok(!duck.sql.includes(fragment), fragment);
  });

  it('refuses a reversed window and an as-of time without a zone', () => {
    assert.throws(() => trainingRowsSql({ ...inputFor(duckdbDialect), window: { start: testWindow.end, end: testWindow.start } }), SqlBuildError);
    assert.throws(() => trainingRowsSql({ ...inputFor(duckdbDialect), asOf: '2024-06-20T00:00:00' }), /as-of time/);
  });
});

describe('decodeTrainingRows', () => {
  const row = { record_id: 'r1', f_price: 2.5, f_footfall: 3, f_region: 'north', f_promo: true, f_label: 1, label: 7 };

  it('returns features in contract order and the label', () => {
    assert.deepEqual(decodeTrainingRows([row, { ...row, record_id: 'r2', f_region: null, f_promo: null }], contract), [
      { recordId: 'r1', features: [2.5, 3, 'north', true, 1], label: 7 },
      { recordId: 'r2', features: [2.5, 3, null, null, 1], label: 7 },
    ]);
  });

  it('names the row and the column of a cell of the wrong type', () => {
    assert.throws(() => decodeTrainingRows([{ ...row, f_promo: 'yes' }], contract), /training-rows row 0: column "f_promo" should be a boolean/);
    assert.throws(() => decodeTrainingRows([{ ...row, label: null }], contract), RowDecodeError);
    const { f_price: _omitted, ...missing } = row;
    assert.throws(() => decodeTrainingRows([missing], contract), /column "f_price" is missing/);
  });
});
