// The training-rows query on DuckDB over a small data set: only valid, labelled rows of the window,
// converted with defaults, the latest label known at the as-of time, ordered by record id.
import assert from 'node:assert/strict';
import { DuckDbWarehouse } from '../../../../src/adapters/local/duckdb/duckdb-warehouse.js';
import { decodeTrainingRows, trainingRowsSql, type TrainingRowsInput } from '../../../../src/domain/sql/training-rows.js';
import { type Row } from '../../../../src/domain/sql/row.js';
import { contractOf, createSources, load, productionRow, tablesOf, testWindow } from '../../../support/warehouse-fixtures.js';

const contract = contractOf({
  model: 'shop',
  features: [
    { name: 'price', type: 'float' },
    { name: 'footfall', type: 'int', default: 0 },
    { name: 'region', type: 'category', default: 'unknown' },
    { name: 'promo', type: 'bool', default: false },
  ],
});
const tables = tablesOf('shop');

const features = (price: string | null, extra: Partial<Record<'footfall' | 'region' | 'promo', string | null>> = {}): Row => ({
  price,
  footfall: '10',
  region: 'north',
  promo: 'no',
  ...extra,
});
const label = (recordId: string, value: number | null, labelTime: string): Row => ({ record_id: recordId, label: value, label_time: labelTime });

describe('training rows on DuckDB', () => {
  let warehouse: DuckDbWarehouse;
  const input = (asOf: string, window = testWindow): TrainingRowsInput => ({ contract, tables, window, asOf, dialect: warehouse.sql });
  const rowsFor = async (query: TrainingRowsInput): Promise<ReturnType<typeof decodeTrainingRows>> => {
    const built = trainingRowsSql(query);
    return decodeTrainingRows((await warehouse.query(built.sql, { label: built.label })).rows, contract);
  };

  before(async () => {
    warehouse = await DuckDbWarehouse.open();
    await createSources(warehouse, contract);
    await load(warehouse, tables.productionLog, [
      productionRow(3, features(' 4.5 ', { footfall: null, region: '', promo: 'yes' }), 1),
      productionRow(1, features('2'), 1),
      productionRow(2, features('abc'), 1), // type error: never trained on
      productionRow(4, features('5'), null), // no prediction: still a training row
      productionRow(5, features('6'), 1), // never labelled
      { ...productionRow(6, features('7'), 1), event_time: '2024-06-10T00:00:00Z' }, // after the window
    ]);
    await load(warehouse, tables.labels, [
      label('r1', 10, '2024-06-05T00:00:00Z'),
      label('r1', 11, '2024-06-12T00:00:00Z'), // a correction that arrives later
      label('r2', 20, '2024-06-05T00:00:00Z'),
      label('r3', 30, '2024-06-05T00:00:00Z'),
      label('r4', 40, '2024-06-15T00:00:00Z'),
      label('r6', 60, '2024-06-11T00:00:00Z'),
    ]);
  });
  after(async () => {
    await warehouse.close();
  });

  it('returns the valid labelled rows of the window with defaults applied, in record order', async () => {
    assert.deepEqual(await rowsFor(input('2024-06-20T00:00:00Z')), [
      { recordId: 'r1', features: [2, 10, 'north', false], label: 11 },
      { recordId: 'r3', features: [4.5, 0, 'unknown', true], label: 30 },
      { recordId: 'r4', features: [5, 10, 'north', false], label: 40 },
    ]);
  });

  it('uses only the labels known at the as-of time', async () => {
    assert.deepEqual(
      (await rowsFor(input('2024-06-10T00:00:00Z'))).map((row) => [row.recordId, row.label]),
      [
        ['r1', 10],
        ['r3', 30],
      ],
    );
  });

  it('returns nothing for a window without labels', async () => {
    assert.deepEqual(await rowsFor(input('2024-06-20T00:00:00Z', { start: '2024-05-01T00:00:00Z', end: '2024-05-02T00:00:00Z' })), []);
  });

  it('splits the holdout window by record-id hash: disjoint parts that together are every row', async () => {
    const asOf = '2024-06-20T00:00:00Z';
    const all = (await rowsFor(input(asOf))).map((row) => row.recordId).sort();
    for (const share of [0.3, 0.5, 0.9]) {
      const split = (part: 'training' | 'holdout') => ({ ...input(asOf), split: { holdoutWindow: testWindow, share, part } });
      const training = (await rowsFor(split('training'))).map((row) => row.recordId);
      const holdout = (await rowsFor(split('holdout'))).map((row) => row.recordId);
      assert.deepEqual(training.filter((id) => holdout.includes(id)), [], `share ${share}: no row in both`);
      assert.deepEqual([...training, ...holdout].sort(), all, `share ${share}: every row in one part`);
    }
    const whole = await rowsFor({ ...input(asOf), split: { holdoutWindow: testWindow, share: 1, part: 'training' } });
    assert.equal(whole.length, all.length, 'a share of 1 is no split');
  });
});
