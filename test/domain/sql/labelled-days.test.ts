// Labelled valid rows per day, with the labels known at a time, on DuckDB and in the Athena text
// (run through the Trino function macros): how far back a training window must reach.
import assert from 'node:assert/strict';
import { DuckDbWarehouse } from '../../../src/adapters/local/duckdb/duckdb-warehouse.js';
import { athenaDialect, duckdbDialect } from '../../../src/domain/sql/dialect.js';
import { decodeLabelledDays, labelledDaysSql } from '../../../src/domain/sql/labelled-days.js';
import { trinoFunctionMacros } from '../../support/athena-twin/trino-functions.js';
import { contractOf, createSources, load, tablesOf } from '../../support/warehouse-fixtures.js';

describe('labelled rows per day', () => {
  let warehouse: DuckDbWarehouse;
  const contract = contractOf({ model: 'shop', features: [{ name: 'price', type: 'float' }] });
  const tables = tablesOf('shop');
  const window = { start: '2024-06-03T00:00:00Z', end: '2024-06-06T00:00:00Z' };

  before(async () => {
    warehouse = await DuckDbWarehouse.open();
    for (const macro of trinoFunctionMacros) await warehouse.execute(macro);
    await createSources(warehouse, contract);
    const row = (id: string, eventTime: string, price: string | null) => ({ record_id: id, event_time: eventTime, price, prediction: 1, model_version: 'v1' });
    await load(warehouse, tables.productionLog, [
      row('a', '2024-06-03T10:00:00Z', '1'),
      row('b', '2024-06-03T11:00:00Z', '2'),
      row('c', '2024-06-04T10:00:00Z', 'x'), // invalid: not counted
      row('d', '2024-06-04T11:00:00Z', '3'),
      row('e', '2024-06-05T10:00:00Z', '4'), // labelled only later
      row('f', '2024-06-07T10:00:00Z', '5'), // outside the window
    ]);
    const label = (id: string, time: string) => ({ record_id: id, label: 1, label_time: time });
    await load(warehouse, tables.labels, [label('a', '2024-06-04T00:00:00Z'), label('b', '2024-06-04T00:00:00Z'), label('c', '2024-06-05T00:00:00Z'), label('d', '2024-06-05T00:00:00Z'), label('e', '2024-06-09T00:00:00Z'), label('f', '2024-06-08T00:00:00Z')]);
  });
  after(async () => {
    await warehouse.close();
  });

  it('counts each day of the window, valid rows with a label by the time given', async () => {
    const built = labelledDaysSql({ contract, tables, window, dialect: duckdbDialect, asOf: '2024-06-06T00:00:00Z' });
    assert.deepEqual(decodeLabelledDays((await warehouse.query(built.sql)).rows), [
      { day: '2024-06-03', rows: 2 },
      { day: '2024-06-04', rows: 1 },
    ]);
    const athena = labelledDaysSql({ contract, tables, window, dialect: athenaDialect, asOf: '2024-06-06T00:00:00Z' });
    assert.deepEqual((await warehouse.query(athena.sql)).rows, (await warehouse.query(built.sql)).rows);
  });
});
