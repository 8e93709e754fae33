// baseline_rows for a training-window reference: every valid production row of the version's
// training window (with the label it had when the version was trained, if any), read like the
// baseline table; the DuckDB and the Athena text (run through the Trino function macros) answer the same.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDbWarehouse } from '../../../src/adapters/local/duckdb/duckdb-warehouse.js';
import { trainingReference, type ModelReference } from '../../../src/domain/monitoring/reference.js';
import { athenaDialect, duckdbDialect, type SqlDialect } from '../../../src/domain/sql/dialect.js';
import { type MonitoringQueryInput, withCtes } from '../../../src/domain/sql/query-input.js';
import { baselineRowsCte } from '../../../src/domain/sql/source-rows.js';
import type { Row } from '../../../src/domain/sql/row.js';
import { trinoFunctionMacros } from '../../support/athena-twin/trino-functions.js';
import { contractOf, createSources, load, productionRow, tablesOf, testWindow } from '../../support/warehouse-fixtures.js';

const contract = contractOf({
  model: 'shop',
  features: [
    { name: 'price', type: 'float' },
    { name: 'footfall', type: 'int', default: 0 },
  ],
});
const tables = tablesOf('shop');
const trainingWindow = { start: '2024-06-03T00:00:00Z', end: '2024-06-03T00:05:00Z' };
const reference = trainingReference('v2', { trainingWindow, asOf: '2024-06-04T00:00:00Z' });

function baselineSql(dialect: SqlDialect, withReference: boolean | ModelReference): string {
  const chosen = withReference === true ? reference : withReference === false ? undefined : withReference;
  const input: MonitoringQueryInput = { contract, tables, window: testWindow, dialect, ...(chosen === undefined ? {} : { reference: chosen }) };
  const id = dialect.ident;
  return withCtes([baselineRowsCte(input)], `SELECT ${id('f_price')}, ${id('f_footfall')}, ${id('prediction')}, ${id('label')} FROM baseline_rows ORDER BY 1`);
}

describe('training-window reference rows', () => {
  let warehouse: DuckDbWarehouse;
  let scratch: string;
  const rows = async (sql: string): Promise<Row[]> => (await warehouse.query(sql)).rows;

  before(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'vigil-reference-'));
    warehouse = await DuckDbWarehouse.open();
    for (const macro of trinoFunctionMacros) await warehouse.execute(macro);
    await createSources(warehouse, contract);
    await load(warehouse, tables.productionLog, [
      productionRow(0, { price: '1', footfall: '10' }, 5),
      productionRow(1, { price: '2', footfall: null }, 6),
      productionRow(2, { price: 'abc', footfall: '1' }, 7), // type error: left out, as from the baseline
      productionRow(3, { price: '4', footfall: '3' }, 8), // labelled only after the version was trained
      productionRow(4, { price: '5', footfall: '3' }, 9), // never labelled
      productionRow(6, { price: '7', footfall: '3' }, 9), // after the training window
    ]);
    await load(warehouse, tables.labels, [
      { record_id: 'r0', label: 50, label_time: '2024-06-03T12:00:00Z' },
      { record_id: 'r1', label: 60, label_time: '2024-06-03T12:00:00Z' },
      { record_id: 'r2', label: 70, label_time: '2024-06-03T12:00:00Z' },
      { record_id: 'r3', label: 80, label_time: '2024-06-05T00:00:00Z' },
      { record_id: 'r6', label: 90, label_time: '2024-06-03T12:00:00Z' },
    ]);
    await load(warehouse, tables.baseline, [{ event_time: '2024-01-01T00:00:00Z', price: '9', footfall: '9', prediction: 1, label: 2 }]);
  });
  after(async () => {
    await warehouse.close();
    await rm(scratch, { recursive: true, force: true });
  });

  it('holds every valid row of the training window, with its logged prediction and the label known when the version was trained', async () => {
    // Delayed labels thin the newest days: a labelled-only reference would be skewed by day.
    assert.deepEqual(await rows(baselineSql(duckdbDialect, true)), [
      { f_price: 1, f_footfall: 10, prediction: 5, label: 50 },
      { f_price: 2, f_footfall: 0, prediction: 6, label: 60 },
      { f_price: 4, f_footfall: 3, prediction: 8, label: null },
      { f_price: 5, f_footfall: 3, prediction: 9, label: null },
    ]);
  });

  it('reads the configured baseline without a reference', async () => {
    assert.deepEqual(await rows(baselineSql(duckdbDialect, false)), [{ f_price: 9, f_footfall: 9, prediction: 1, label: 2 }]);
  });

  it('answers the same in the Athena text', async () => {
    assert.deepEqual(await rows(baselineSql(athenaDialect, true)), await rows(baselineSql(duckdbDialect, true)));
  });

  it("uses the version's own predictions on the rows it was trained on when the pipeline wrote them", async () => {
    // r1 was held out and r3, r4 had no label yet (not in the file): no prediction of v2's; r9 is not in the window.
    const scoredRowsUri = join(scratch, 'v2.training-rows.jsonl');
    await writeFile(scoredRowsUri, ['{"record_id":"r0","prediction":41.5}', '{"record_id":"r9","prediction":3}', ''].join('\n'));
    const scoredReference = trainingReference('v2', { trainingWindow, asOf: '2024-06-04T00:00:00Z', scoredRowsUri });
    assert.deepEqual(await rows(baselineSql(duckdbDialect, scoredReference)), [
      { f_price: 1, f_footfall: 10, prediction: 41.5, label: 50 },
      { f_price: 2, f_footfall: 0, prediction: null, label: 60 },
      { f_price: 4, f_footfall: 3, prediction: null, label: null },
      { f_price: 5, f_footfall: 3, prediction: null, label: null },
    ]);
  });

  it('falls back to the logged predictions where the engine reads no files (Athena)', async () => {
    const scoredReference = trainingReference('v2', { trainingWindow, asOf: '2024-06-04T00:00:00Z', scoredRowsUri: join(scratch, 'absent.jsonl') });
    assert.deepEqual(await rows(baselineSql(athenaDialect, scoredReference)), await rows(baselineSql(duckdbDialect, true)));
  });
});
