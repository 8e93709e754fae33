// Preprocessing, the same everywhere a model's input is built: for one set of records, the feature
// order (the contract's, which is the trained model's input vector) and each value after coercion
// and defaults are identical in the training rows (SQL), the batch-scoring and smoke-test payloads
// (SQL rows to score, then servingRow), the SQL column lists themselves, the stream handler's rows
// (recordJudge), and what the model's predict coerces at the endpoint.
import assert from 'node:assert/strict';
import { DuckDbWarehouse } from '../../../../src/adapters/local/duckdb/duckdb-warehouse.js';
import { servingRow } from '../../../../src/domain/contract/serving-row.js';
import { coerceRows, predict } from '../../../../src/domain/model/predict.js';
import { trainModel } from '../../../../src/domain/model/train.js';
import { duckdbDialect } from '../../../../src/domain/sql/dialect.js';
import { decodeRowsToScore, rowsToScoreSql } from '../../../../src/domain/sql/rows-to-score.js';
import { decodeTrainingRows, trainingRowsSql } from '../../../../src/domain/sql/training-rows.js';
import type { Row } from '../../../../src/domain/sql/row.js';
import { recordJudge } from '../../../../src/domain/stream/judge-record.js';
import { contractOf, createSources, eventTime, load, tablesOf, testWindow } from '../../../support/warehouse-fixtures.js';

// Not alphabetical, mixed types, defaults on two features: an order or default slip shows.
const contract = contractOf({
  model: 'demand',
  features: [
    { name: 'temperature', type: 'float', min: -40, max: 60 },
    { name: 'store_type', type: 'category', categories: ['mall', 'street'] },
    { name: 'footfall', type: 'int', default: 0 },
    { name: 'promo', type: 'bool', default: false },
    { name: 'price', type: 'float' },
  ],
});
const names = contract.features.map((feature) => feature.name);

// As records arrive: text that needs trimming and parsing, typed JSON values, missing values with defaults.
const records: Record<string, string | number | boolean>[] = [
  { record_id: 'r1', temperature: '21.50', store_type: 'mall', footfall: ' 7 ', promo: 'yes', price: 19.99 },
  { record_id: 'r2', temperature: 5, store_type: 'street', price: '20' },
  { record_id: 'r3', temperature: -3.25, store_type: 'mall', footfall: 12, promo: false, price: 0.5 },
  { record_id: 'r4', temperature: '0', store_type: 'street', footfall: '3', promo: 'no', price: '1e1' },
  { record_id: 'r5', temperature: 59.9, store_type: 'mall', footfall: 0, promo: 'true', price: 33 },
  { record_id: 'r6', temperature: '18', store_type: 'street', footfall: 41, promo: true, price: 12.5 },
];
const expected: Record<string, (number | string | boolean)[]> = {
  r1: [21.5, 'mall', 7, true, 19.99],
  r2: [5, 'street', 0, false, 20],
  r3: [-3.25, 'mall', 12, false, 0.5],
  r4: [0, 'street', 3, false, 10],
  r5: [59.9, 'mall', 0, true, 33],
  r6: [18, 'street', 41, true, 12.5],
};

describe('preprocessing: feature order and coercion in training, serving, SQL and the stream handler', () => {
  let warehouse: DuckDbWarehouse;
  const tables = tablesOf('demand');

  before(async () => {
    warehouse = await DuckDbWarehouse.open();
    // The production log as a CSV reads: every feature as text.
    await createSources(warehouse, contract);
    const logged: Row[] = records.map((record, index) => ({
      record_id: String(record['record_id']),
      event_time: eventTime(index),
      ...Object.fromEntries(names.map((name) => [name, record[name] === undefined ? null : String(record[name])])),
      prediction: null,
      model_version: 'v1',
    }));
    await load(warehouse, tables.productionLog, logged);
    await load(
      warehouse,
      tables.labels,
      records.map((record, index) => ({ record_id: String(record['record_id']), label: 100 + index * 7, label_time: eventTime(index) })),
    );
  });

  after(async () => {
    await warehouse.close();
  });

  it('gives every path the contract order and the same coerced values, and the model coerces them unchanged', async () => {
    // Training rows (local training, the SageMaker export): SQL column list and decoded values.
    const training = trainingRowsSql({ contract, tables, window: testWindow, asOf: testWindow.end, dialect: duckdbDialect });
    const trainingResult = await warehouse.query(training.sql, { label: training.label });
    assert.deepEqual(Object.keys(trainingResult.rows[0] ?? {}).slice(1, 1 + names.length), names.map((name) => `f_${name}`));
    const trainingRows = decodeTrainingRows(trainingResult.rows, contract);

    // Rows to score (batch scoring, the smoke test): SQL column list, then the endpoint payload.
    const scoring = rowsToScoreSql({ contract, tables, window: testWindow, dialect: duckdbDialect }, { limit: 100 });
    const scoringResult = await warehouse.query(scoring.sql, { label: scoring.label });
    assert.deepEqual(Object.keys(scoringResult.rows[0] ?? {}), ['record_id', ...names]);
    const payloads = new Map(decodeRowsToScore(scoringResult.rows, contract).map((row) => [row.recordId, servingRow(contract, row.features)]));

    // The stream handler's judge: the row it writes to the log.
    const judge = recordJudge(contract, { feature_schema_version: 1, contract_hash: 'h' });
    const streamed = new Map(
      records.map((record, index) => {
        const verdict = judge({ sequence: String(index), text: JSON.stringify({ ...record, event_time: eventTime(index) }), arrivedAt: eventTime(index) });
        assert.ok(verdict.valid, JSON.stringify(verdict));
        const keys = Object.keys(verdict.row);
        assert.deepEqual(keys.slice(2, 2 + names.length), names, 'stream row columns in contract order');
        return [String(record['record_id']), names.map((name) => verdict.row[name])];
      }),
    );

    assert.equal(trainingRows.length, records.length);
    for (const row of trainingRows) {
      const want = expected[row.recordId];
      assert.deepEqual(row.features, want, `${row.recordId}: training row`);
      assert.deepEqual(payloads.get(row.recordId), want, `${row.recordId}: serving payload`);
      assert.deepEqual(streamed.get(row.recordId), want, `${row.recordId}: stream row`);
    }

    // The model trained on these rows takes the payload in the same order, and its own coercion
    // (the endpoint's) leaves the values as they are.
    const artifact = trainModel({ contract, version: 'v1', trainedAt: testWindow.end, rows: trainingRows.map((row) => row.features), labels: trainingRows.map((row) => row.label) });
    assert.deepEqual(artifact.features, names);
    const payloadRows = trainingRows.map((row) => payloads.get(row.recordId) ?? []);
    assert.deepEqual(coerceRows(artifact.encoding, payloadRows), trainingRows.map((row) => row.features));
    assert.deepEqual(predict(artifact, payloadRows), predict(artifact, trainingRows.map((row) => row.features)));
  });
});
